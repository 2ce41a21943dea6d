package io.kiln.train;

import io.kiln.core.Activation;
import io.kiln.core.AdamConfig;
import io.kiln.core.Backend;
import io.kiln.core.BinaryOp;
import io.kiln.core.Cost;
import io.kiln.core.Epilogue;
import io.kiln.core.Op;
import io.kiln.core.Reduction;
import io.kiln.core.SgdConfig;
import io.kiln.core.Tensor;
import io.kiln.core.UnaryOp;

/**
 * The eager kernel calls a trainer makes, each passed straight to the {@link Backend} and then counted: its cost
 * (from {@link Op#cost}) goes to a {@link CostMeter}, and every tensor it allocates is counted, so a test can prove
 * that a training loop allocates nothing after its first epoch. Trainers call kernels only through this class.
 *
 * <p>Plain GEMMs are reported as {@code gemm_nn}, {@code gemm_tn} (Aᵀ·B), {@code gemm_nt} (A·Bᵀ). A GEMM with an
 * epilogue is counted as the GEMM plus the epilogue's bias (1 FLOP per element, the bias read
 * once) and activation (the activation's FLOPs and transcendentals; no bytes, since it works on the tile in
 * registers). Copies between host and backend are not catalog ops and are not counted. Each call's wall time on the
 * calling thread is recorded with it (for an asynchronous backend that is the time to enqueue the kernel).
 */
public final class Ops {
    private static final String[] EPILOGUE_NAMES = new String[Activation.values().length];

    static {
        for (Activation a : Activation.values()) {
            EPILOGUE_NAMES[a.ordinal()] = "gemm+bias" + (a == Activation.IDENTITY ? "" : "+" + a.opName());
        }
    }

    private final Backend backend;
    private final CostMeter meter;
    private long tensorsAllocated;
    private long floatsAllocated;

    public Ops(Backend backend, CostMeter meter) {
        this.backend = backend;
        this.meter = meter;
    }

    public Ops(Backend backend) {
        this(backend, new CostMeter());
    }

    public Backend backend() {
        return backend;
    }

    public CostMeter meter() {
        return meter;
    }

    /** Tensors allocated through this object so far. */
    public long tensorsAllocated() {
        return tensorsAllocated;
    }

    /** Floats in all tensors allocated through this object so far. */
    public long floatsAllocated() {
        return floatsAllocated;
    }

    // ------------------------------------------------------------------------------------------------ memory

    public Tensor allocate(int... dims) {
        Tensor t = backend.allocate(dims);
        tensorsAllocated++;
        floatsAllocated += t.size();
        return t;
    }

    public Tensor fromArray(float[] src, int... dims) {
        Tensor t = backend.fromArray(src, dims);
        tensorsAllocated++;
        floatsAllocated += t.size();
        return t;
    }

    public void copyIn(float[] src, Tensor dst) {
        backend.copyIn(src, dst);
    }

    public void copyOut(Tensor src, float[] dst) {
        backend.copyOut(src, dst);
    }

    public void copy(Tensor src, Tensor dst) {
        backend.copy(src, dst);
    }

    public void fill(Tensor dst, float value) {
        backend.fill(dst, value);
    }

    // -------------------------------------------------------------------------------------------------- GEMM

    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        gemm(transA, transB, alpha, a, b, beta, c, Epilogue.NONE);
    }

    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c,
                     Epilogue epilogue) {
        long t0 = System.nanoTime();
        backend.gemm(transA, transB, alpha, a, b, beta, c, epilogue);
        long nanos = System.nanoTime() - t0;
        long m = c.dim(0);
        long n = c.dim(1);
        long k = transA ? a.dim(0) : a.dim(1);
        Cost cost = Op.GEMM.cost(m, n, k, beta != 0 ? 1 : 0);
        if (epilogue.isNone()) {
            meter.add(transA ? (transB ? "gemm_tt" : "gemm_tn") : (transB ? "gemm_nt" : "gemm_nn"), cost, nanos);
            return;
        }
        long mn = m * n;
        if (epilogue.bias() != null) {
            cost = cost.plus(new Cost(mn, 0, 4 * n, 0));
        }
        if (epilogue.activation() != Activation.IDENTITY) {
            Cost act = Op.forward(epilogue.activation()).cost(mn);
            cost = cost.plus(new Cost(act.flops(), act.transcendentals(), 0, 0));
        }
        meter.add(EPILOGUE_NAMES[epilogue.activation().ordinal()], cost, nanos);
    }

    // ---------------------------------------------------------------------------------------------- elementwise

    public void activation(Activation act, Tensor x, Tensor y) {
        long t0 = System.nanoTime();
        backend.activation(act, x, y);
        long nanos = System.nanoTime() - t0;
        Op op = Op.forward(act);
        meter.add(op.opName(), op.cost(x.size()), nanos);
    }

    public void activationBackward(Activation act, Tensor x, Tensor dy, Tensor dx) {
        long t0 = System.nanoTime();
        backend.activationBackward(act, x, dy, dx);
        long nanos = System.nanoTime() - t0;
        Op op = Op.backward(act);
        meter.add(op.opName(), op.cost(x.size()), nanos);
    }

    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        long t0 = System.nanoTime();
        backend.binary(op, a, b, out);
        long nanos = System.nanoTime() - t0;
        Op o = Op.of(op);
        meter.add(o.opName(), o.cost(out.size()), nanos);
    }

    public void unary(UnaryOp op, Tensor x, Tensor out) {
        long t0 = System.nanoTime();
        backend.unary(op, x, out);
        long nanos = System.nanoTime() - t0;
        Op o = Op.of(op);
        meter.add(o.opName(), o.cost(x.size()), nanos);
    }

    public void scale(float alpha, Tensor x, Tensor out) {
        long t0 = System.nanoTime();
        backend.scale(alpha, x, out);
        long nanos = System.nanoTime() - t0;
        meter.add(Op.SCALE.opName(), Op.SCALE.cost(x.size()), nanos);
    }

    public void axpy(float alpha, Tensor x, Tensor y) {
        long t0 = System.nanoTime();
        backend.axpy(alpha, x, y);
        long nanos = System.nanoTime() - t0;
        meter.add(Op.AXPY.opName(), Op.AXPY.cost(x.size()), nanos);
    }

    public void clamp(Tensor x, float lo, float hi, Tensor out) {
        long t0 = System.nanoTime();
        backend.clamp(x, lo, hi, out);
        long nanos = System.nanoTime() - t0;
        meter.add(Op.CLAMP.opName(), Op.CLAMP.cost(x.size()), nanos);
    }

    // ---------------------------------------------------------------------------------------- losses, reductions

    /** Fused softmax + cross-entropy; writes the gradient when {@code dlogits} is not null. */
    public float crossEntropy(Tensor logits, int[] labels, Tensor dlogits) {
        long t0 = System.nanoTime();
        float loss = backend.crossEntropy(logits, labels, dlogits);
        long nanos = System.nanoTime() - t0;
        Op op = dlogits == null ? Op.CROSS_ENTROPY : Op.CROSS_ENTROPY_WITH_GRAD;
        meter.add(op.opName(), op.cost(logits.dim(0), logits.dim(1)), nanos);
        return loss;
    }

    public float mseLoss(Tensor pred, Tensor target, Tensor dpred) {
        long t0 = System.nanoTime();
        float loss = backend.mseLoss(pred, target, dpred);
        long nanos = System.nanoTime() - t0;
        Op op = dpred == null ? Op.MSE_LOSS : Op.MSE_LOSS_WITH_GRAD;
        meter.add(op.opName(), op.cost(pred.size()), nanos);
        return loss;
    }

    public void reduce(Reduction reduction, Tensor x, int axis, Tensor out) {
        long t0 = System.nanoTime();
        backend.reduce(reduction, x, axis, out);
        long nanos = System.nanoTime() - t0;
        Op op = Op.of(reduction);
        meter.add(op.opName(), op.cost(x.size(), out.size()), nanos);
    }

    public void argmax(Tensor x, int axis, int[] out) {
        long t0 = System.nanoTime();
        backend.argmax(x, axis, out);
        long nanos = System.nanoTime() - t0;
        meter.add(Op.ARGMAX.opName(), Op.ARGMAX.cost(x.size(), out.length), nanos);
    }

    public float l2Norm(Tensor... tensors) {
        long t0 = System.nanoTime();
        float norm = backend.l2Norm(tensors);
        long nanos = System.nanoTime() - t0;
        meter.add(Op.L2_NORM.opName(), Op.L2_NORM.cost(totalSize(tensors)), nanos);
        return norm;
    }

    // ------------------------------------------------------------------------------------------- dropout, optim

    public void dropout(Tensor x, float p, long seed, long offset, Tensor y) {
        long t0 = System.nanoTime();
        backend.dropout(x, p, seed, offset, y);
        long nanos = System.nanoTime() - t0;
        meter.add(Op.DROPOUT.opName(), Op.DROPOUT.cost(x.size()), nanos);
    }

    public void dropoutBackward(Tensor dy, float p, long seed, long offset, Tensor dx) {
        long t0 = System.nanoTime();
        backend.dropoutBackward(dy, p, seed, offset, dx);
        long nanos = System.nanoTime() - t0;
        meter.add(Op.DROPOUT_BACKWARD.opName(), Op.DROPOUT_BACKWARD.cost(dy.size()), nanos);
    }

    public void sgdStep(SgdConfig config, long step, Tensor param, Tensor grad, Tensor momentumBuffer) {
        long t0 = System.nanoTime();
        backend.sgdStep(config, step, param, grad, momentumBuffer);
        long nanos = System.nanoTime() - t0;
        Op op = config.nesterov() ? Op.SGD_NESTEROV : config.usesMomentum() ? Op.SGD_MOMENTUM : Op.SGD;
        long n = param.size();
        Cost cost = op.cost(n);
        long extra = (config.weightDecay() != 0 ? 2 * n : 0) + (config.l1() != 0 ? 2 * n : 0);
        meter.add(op.opName(), cost.plus(new Cost(extra, 0, 0, 0)), nanos);
    }

    public void adamStep(AdamConfig config, long step, Tensor param, Tensor grad, Tensor m, Tensor v) {
        long t0 = System.nanoTime();
        backend.adamStep(config, step, param, grad, m, v);
        long nanos = System.nanoTime() - t0;
        Op op = config.decoupled() ? Op.ADAMW : Op.ADAM;
        long n = param.size();
        long extra = !config.decoupled() && config.weightDecay() != 0 ? 2 * n : 0;
        meter.add(op.opName(), op.cost(n).plus(new Cost(extra, 0, 0, 0)), nanos);
    }

    public float clipGradNorm(float maxNorm, Tensor... grads) {
        long t0 = System.nanoTime();
        float norm = backend.clipGradNorm(maxNorm, grads);
        long nanos = System.nanoTime() - t0;
        meter.add(Op.CLIP_GRAD_NORM.opName(), Op.CLIP_GRAD_NORM.cost(totalSize(grads)), nanos);
        return norm;
    }

    private static long totalSize(Tensor[] tensors) {
        long n = 0;
        for (Tensor t : tensors) {
            n += t.size();
        }
        return n;
    }
}
