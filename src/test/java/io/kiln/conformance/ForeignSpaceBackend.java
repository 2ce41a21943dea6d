package io.kiln.conformance;

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
import java.util.Arrays;

/**
 * A test backend whose tensors live in a memory space of their own, so every real backend must refuse them (and it
 * must refuse theirs). It can allocate, copy and fill; every compute kernel throws, since validation must stop every
 * call that mixes spaces before a kernel runs.
 */
public final class ForeignSpaceBackend extends Backend {
    public static final MemorySpace SPACE = new MemorySpace("foreign-test-space");

    private final String name;

    public ForeignSpaceBackend() {
        this("foreign-test");
    }

    /** Named, for fake providers in the selection tests. */
    public ForeignSpaceBackend(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public MemorySpace memory() {
        return SPACE;
    }

    private static float[] d(Tensor t) {
        return ((HostTensor) t).data();
    }

    private static AssertionError ran(String kernel) {
        return new AssertionError("kernel " + kernel + " ran on the foreign test backend: validation should have "
                + "refused the call");
    }

    @Override
    protected Tensor newTensor(Shape shape) {
        return new HostTensor(shape, this, new float[shape.size()]);
    }

    @Override
    protected void doCopyIn(float[] src, Tensor dst) {
        System.arraycopy(src, 0, d(dst), 0, src.length);
    }

    @Override
    protected void doCopyOut(Tensor src, float[] dst) {
        System.arraycopy(d(src), 0, dst, 0, dst.length);
    }

    @Override
    protected void doCopy(Tensor src, Tensor dst) {
        System.arraycopy(d(src), 0, d(dst), 0, src.size());
    }

    @Override
    protected void doFill(Tensor dst, float value) {
        Arrays.fill(d(dst), value);
    }

    @Override
    protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b,
                          float beta, Tensor c, Epilogue epilogue) {
        throw ran("gemm");
    }

    @Override
    protected void doBatchedGemm(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                                 Tensor a, Tensor b, float beta, Tensor c) {
        throw ran("batched_gemm");
    }

    @Override
    protected void doBinary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        throw ran(op.opName());
    }

    @Override
    protected void doScale(float alpha, Tensor x, Tensor out) {
        throw ran("scale");
    }

    @Override
    protected void doAxpy(float alpha, Tensor x, Tensor y) {
        throw ran("axpy");
    }

    @Override
    protected void doBiasAdd(Tensor x, Tensor bias, Tensor out) {
        throw ran("bias_add");
    }

    @Override
    protected void doClamp(Tensor x, float lo, float hi, Tensor out) {
        throw ran("clamp");
    }

    @Override
    protected void doUnary(UnaryOp op, Tensor x, Tensor out) {
        throw ran(op.opName());
    }

    @Override
    protected void doActivation(Activation act, Tensor x, Tensor y) {
        throw ran(act.opName());
    }

    @Override
    protected void doActivationBackward(Activation act, Tensor x, Tensor dy, Tensor dx) {
        throw ran(act.opName() + "_backward");
    }

    @Override
    protected void doSoftmax(Tensor x, Tensor y, boolean log) {
        throw ran("softmax");
    }

    @Override
    protected void doSoftmaxBackward(Tensor y, Tensor dy, Tensor dx, boolean log) {
        throw ran("softmax_backward");
    }

    @Override
    protected float doMseLoss(Tensor pred, Tensor target, Tensor dpred) {
        throw ran("mse_loss");
    }

    @Override
    protected float doCrossEntropy(Tensor logits, int[] labels, Tensor dlogits) {
        throw ran("cross_entropy");
    }

    @Override
    protected float doCrossEntropySoft(Tensor logits, Tensor targets, Tensor dlogits) {
        throw ran("cross_entropy_soft");
    }

    @Override
    protected void doReduce(Reduction reduction, Tensor x, int axis, Tensor out) {
        throw ran("reduce");
    }

    @Override
    protected void doArgmax(Tensor x, int axis, int[] out) {
        throw ran("argmax");
    }

    @Override
    protected float doL2Norm(Tensor[] tensors) {
        throw ran("l2_norm");
    }

    @Override
    protected void doDropout(Tensor x, float p, long seed, long offset, Tensor y) {
        throw ran("dropout");
    }

    @Override
    protected void doSgdStep(SgdConfig config, long step, Tensor param, Tensor grad, Tensor momentumBuffer) {
        throw ran("sgd");
    }

    @Override
    protected void doAdamStep(AdamConfig config, long step, Tensor param, Tensor grad, Tensor m, Tensor v) {
        throw ran("adam");
    }
}
