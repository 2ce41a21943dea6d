package io.kiln.graph;

import io.kiln.backend.reference.ReferenceBackend;
import io.kiln.core.Activation;
import io.kiln.core.AdamConfig;
import io.kiln.core.Backend;
import io.kiln.core.BinaryOp;
import io.kiln.core.Epilogue;
import io.kiln.core.HostTensor;
import io.kiln.core.MemorySpace;
import io.kiln.core.Reduction;
import io.kiln.core.SgdConfig;
import io.kiln.core.Shape;
import io.kiln.core.Tensor;
import io.kiln.core.UnaryOp;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference backend behind a wrapper that counts tensor allocations and kernel calls, to check that a compiled
 * graph allocates nothing per run and how many kernels it launches.
 */
final class CountingBackend extends Backend {
    private final ReferenceBackend ref = new ReferenceBackend();
    final AtomicInteger allocations = new AtomicInteger();
    final AtomicInteger kernels = new AtomicInteger();
    final AtomicInteger fused = new AtomicInteger();

    @Override
    public String name() {
        return "counting-reference";
    }

    @Override
    public MemorySpace memory() {
        return MemorySpace.HOST;
    }

    @Override
    protected Tensor newTensor(Shape shape) {
        allocations.incrementAndGet();
        return new HostTensor(shape, this, new float[shape.size()]);
    }

    @Override
    protected void doCopyIn(float[] src, Tensor dst) {
        ref.copyIn(src, dst);
    }

    @Override
    protected void doCopyOut(Tensor src, float[] dst) {
        ref.copyOut(src, dst);
    }

    @Override
    protected void doCopy(Tensor src, Tensor dst) {
        kernels.incrementAndGet();
        ref.copy(src, dst);
    }

    @Override
    protected void doFill(Tensor dst, float value) {
        ref.fill(dst, value);
    }

    @Override
    protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b,
                          float beta, Tensor c, Epilogue epilogue) {
        kernels.incrementAndGet();
        ref.gemm(transA, transB, alpha, a, b, beta, c, epilogue);
    }

    @Override
    protected void doBatchedGemm(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha, Tensor a,
                                 Tensor b, float beta, Tensor c) {
        kernels.incrementAndGet();
        ref.batchedGemm(transA, transB, alpha, a, b, beta, c);
    }

    @Override
    protected void doBinary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        kernels.incrementAndGet();
        ref.binary(op, a, b, out);
    }

    @Override
    protected void doScale(float alpha, Tensor x, Tensor out) {
        kernels.incrementAndGet();
        ref.scale(alpha, x, out);
    }

    @Override
    protected void doAxpy(float alpha, Tensor x, Tensor y) {
        kernels.incrementAndGet();
        ref.axpy(alpha, x, y);
    }

    @Override
    protected void doBiasAdd(Tensor x, Tensor bias, Tensor out) {
        kernels.incrementAndGet();
        ref.biasAdd(x, bias, out);
    }

    @Override
    protected void doClamp(Tensor x, float lo, float hi, Tensor out) {
        kernels.incrementAndGet();
        ref.clamp(x, lo, hi, out);
    }

    @Override
    protected void doUnary(UnaryOp op, Tensor x, Tensor out) {
        kernels.incrementAndGet();
        ref.unary(op, x, out);
    }

    @Override
    protected void doActivation(Activation act, Tensor x, Tensor y) {
        kernels.incrementAndGet();
        ref.activation(act, x, y);
    }

    @Override
    protected void doActivationBackward(Activation act, Tensor x, Tensor dy, Tensor dx) {
        kernels.incrementAndGet();
        ref.activationBackward(act, x, dy, dx);
    }

    @Override
    protected void doSoftmax(Tensor x, Tensor y, boolean log) {
        kernels.incrementAndGet();
        if (log) {
            ref.logSoftmax(x, y);
        } else {
            ref.softmax(x, y);
        }
    }

    @Override
    protected void doSoftmaxBackward(Tensor y, Tensor dy, Tensor dx, boolean log) {
        kernels.incrementAndGet();
        if (log) {
            ref.logSoftmaxBackward(y, dy, dx);
        } else {
            ref.softmaxBackward(y, dy, dx);
        }
    }

    @Override
    protected float doMseLoss(Tensor pred, Tensor target, Tensor dpred) {
        kernels.incrementAndGet();
        return ref.mseLoss(pred, target, dpred);
    }

    @Override
    protected float doCrossEntropy(Tensor logits, int[] labels, Tensor dlogits) {
        kernels.incrementAndGet();
        return ref.crossEntropy(logits, labels, dlogits);
    }

    @Override
    protected float doCrossEntropySoft(Tensor logits, Tensor targets, Tensor dlogits) {
        kernels.incrementAndGet();
        return ref.crossEntropySoft(logits, targets, dlogits);
    }

    @Override
    protected void doReduce(Reduction reduction, Tensor x, int axis, Tensor out) {
        kernels.incrementAndGet();
        ref.reduce(reduction, x, axis, out);
    }

    @Override
    protected void doArgmax(Tensor x, int axis, int[] out) {
        ref.argmax(x, axis, out);
    }

    @Override
    protected float doL2Norm(Tensor[] tensors) {
        return ref.l2Norm(tensors);
    }

    @Override
    protected void doDropout(Tensor x, float p, long seed, long offset, Tensor y) {
        kernels.incrementAndGet();
        ref.dropout(x, p, seed, offset, y);
    }

    @Override
    protected void doSgdStep(SgdConfig config, long step, Tensor param, Tensor grad, Tensor momentumBuffer) {
        kernels.incrementAndGet();
        ref.sgdStep(config, step, param, grad, momentumBuffer);
    }

    @Override
    protected void doAdamStep(AdamConfig config, long step, Tensor param, Tensor grad, Tensor m, Tensor v) {
        kernels.incrementAndGet();
        ref.adamStep(config, step, param, grad, m, v);
    }

    @Override
    protected void doFusedElementwise(io.kiln.core.FusedExpression expr, Tensor[] inputs, Tensor out) {
        kernels.incrementAndGet();
        fused.incrementAndGet();
        super.doFusedElementwise(expr, inputs, out);
    }
}
