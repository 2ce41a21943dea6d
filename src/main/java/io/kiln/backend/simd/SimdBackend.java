package io.kiln.backend.simd;

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
import jdk.incubator.vector.FloatVector;

/**
 * The SIMD backend: every op of the SPI on {@code jdk.incubator.vector} with the preferred species (16 float lanes
 * with AVX-512), on host tensors ({@link HostTensor}, {@code float[]}) shared with the reference backend without
 * copies.
 *
 * <p><b>Kernels.</b> Elementwise ops and activations (forward and backward) are single passes, full vectors in the
 * loop body and one masked tail ({@link Lanes}); transcendentals are FMA polynomials and rationals
 * ({@link VectorMath}); softmax is online, two passes over each row ({@link RowKernels}), and softmax +
 * cross-entropy is fused per row; optimizers are one fused pass each ({@link OptimizerKernels}); GEMM is BLIS-shaped
 * with packing, a register-blocked micro-kernel and a fused bias + activation epilogue ({@link SimdGemm},
 * {@link GemmBlocking}); dropout draws the same Philox mask as every backend ({@link DropoutKernel}).
 *
 * <p><b>Threads.</b> One fixed pool per backend of {@code threads − 1} workers plus the caller
 * ({@link SimdThreads}); ops split their work (elements, rows, or GEMM chunks) when it is large enough, small ops
 * stay on the caller's thread, and a kernel running on a pool worker never forks again. Every kernel may be called
 * from many threads at once: all mutable scratch is per thread.
 *
 * <p><b>Error bounds</b> (float ulp unless said; measured against float64 in the tests):
 * <ul>
 *   <li>copy, fill, neg, abs, scale, axpy (one FMA), bias_add, clamp, add/sub/mul/div/max/min, sqrt,
 *       reciprocal, square, ReLU, leaky ReLU, dropout: exact, i.e. the correctly rounded float result (dropout
 *       equals the reference bit for bit);</li>
 *   <li>exp ≤ 2, log ≤ 2, tanh ≤ 5, erf ≤ 6, sigmoid ≤ 3 ({@link VectorMath}); other activations and all
 *       derivatives: see {@link ActivationKernels};</li>
 *   <li>GEMM: the float dot-product bound {@code (k + 2)·2^-24·Σ|A_ip·B_pj|} ({@link SimdGemm});</li>
 *   <li>sums (reduce sum/mean, l2_norm, mse_loss, the sums inside softmax and the losses) accumulate in float64:
 *       one rounding to float at the end ({@link Sums}); column sums: {@link ReductionKernels};</li>
 *   <li>softmax ≤ 4 ulp, log-softmax and the losses: {@link RowKernels}; Adam, SGD: {@link OptimizerKernels}.</li>
 * </ul>
 *
 * <p><b>FMA policy.</b> Fused multiply-add is used wherever a multiply feeds an add (GEMM, axpy, polynomials,
 * optimizer updates): one rounding instead of two, and the Vector API compiles {@code fma} to the hardware
 * instruction. Results therefore differ from a non-FMA float evaluation by up to an ulp per step, and are closer to
 * the float64 oracle.
 *
 * <p><b>Denormal policy.</b> Java cannot set the FTZ/DAZ bits: subnormal inputs and results are computed exactly
 * as IEEE 754 says (gradual underflow), never flushed. On x86 an instruction that meets a subnormal operand or
 * produces a subnormal result takes a microcode assist. Measured by {@code io.kiln.bench.DenormalBench} on the
 * AVX-512 Xeon of bench/README.md: an Adam step costs 1.01 ns per parameter with normal second moments and 16.9 ns
 * (16.7× slower) when v is subnormal (gradients around 1e-21). Training loops that drive state into the subnormal
 * range pay that; clamping such state to zero is a model-level decision Kiln does not take.
 *
 * <p><b>Known limit.</b> Kernels with much inlined vector code (SiLU, GELU-tanh and GELU-sigmoid backward) ran 4–5×
 * slower under JMH than in a plain loop; the suspect is C2's inlining node budget when they are inlined into a large
 * caller, which makes C2 box vectors (bench/README.md, "Known shortfalls").
 */
public final class SimdBackend extends Backend {
    /** Elements per parallel chunk of elementwise work (below 2 chunks an op stays on the calling thread). */
    static final int ELEMENT_GRAIN = 1 << 16;

    private final SimdThreads threads;
    private final SimdGemm gemm;

    /** A backend with one thread per available processor and the default GEMM blocking. */
    public SimdBackend() {
        this(Runtime.getRuntime().availableProcessors(), GemmBlocking.defaults());
    }

    /** A backend with {@code threads} threads (the caller included) and the given GEMM blocking. */
    public SimdBackend(int threads, GemmBlocking blocking) {
        this.threads = new SimdThreads(threads);
        this.gemm = new SimdGemm(blocking, this.threads);
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public MemorySpace memory() {
        return MemorySpace.HOST;
    }

    @Override
    public String description() {
        return "Vector API, " + FloatVector.SPECIES_PREFERRED.length() + " float lanes ("
                + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit), " + threads.threads() + " threads, GEMM "
                + gemm.blocking();
    }

    /** Threads this backend uses, the caller included. */
    public int threads() {
        return threads.threads();
    }

    @Override
    public int parallelism() {
        return threads.threads();
    }

    @Override
    protected void doParallelFor(int tasks, java.util.function.IntConsumer body) {
        threads.forEach(tasks, threads.threads(), body::accept);
    }

    public GemmBlocking gemmBlocking() {
        return gemm.blocking();
    }

    @Override
    public void close() {
        threads.close();
    }

    private static float[] d(Tensor t) {
        return ((HostTensor) t).data();
    }

    private void forElements(int n, SimdThreads.RangeBody body) {
        threads.forRange(n, ELEMENT_GRAIN, Lanes.L, body);
    }

    /** Splits rows so that each chunk holds at least ELEMENT_GRAIN elements. */
    private void forRows(int rows, int cols, SimdThreads.RangeBody body) {
        int grainRows = Math.max(1, ELEMENT_GRAIN / Math.max(1, cols));
        threads.forRange(rows, grainRows, 1, body);
    }

    // ------------------------------------------------------------------------------------------------ memory

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
        float[] y = d(dst);
        forElements(y.length, (lo, hi) -> ElementwiseKernels.fill(y, value, lo, hi));
    }

    // -------------------------------------------------------------------------------------------------- GEMM

    @Override
    protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b,
                          float beta, Tensor c, Epilogue epilogue) {
        float[] bias = epilogue.bias() == null ? null : d(epilogue.bias());
        gemm.gemm(new SimdGemm.Problem(transA, transB, m, n, k, alpha, d(a), 0, d(b), 0, beta, d(c), 0, bias,
                epilogue.activation()));
    }

    @Override
    protected void doBatchedGemm(boolean transA, boolean transB, int batch, int m, int n, int k, float alpha,
                                 Tensor a, Tensor b, float beta, Tensor c) {
        float[] as = d(a);
        float[] bs = d(b);
        float[] cs = d(c);
        long flopsEach = 2L * m * n * k;
        if (batch >= 2 * threads.threads() && flopsEach < 4 * gemm.blocking().parallelMinFlops()) {
            // many small products: one product per task, each serial
            threads.forEach(batch, threads.threads(), i -> gemm.gemm(problem(transA, transB, m, n, k, alpha, as, bs,
                    beta, cs, i), 1));
        } else {
            for (int i = 0; i < batch; i++) {
                gemm.gemm(problem(transA, transB, m, n, k, alpha, as, bs, beta, cs, i));
            }
        }
    }

    private static SimdGemm.Problem problem(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                            float[] a, float[] b, float beta, float[] c, int i) {
        return new SimdGemm.Problem(transA, transB, m, n, k, alpha, a, i * m * k, b, i * k * n, beta, c, i * m * n,
                null, Activation.IDENTITY);
    }

    // ---------------------------------------------------------------------------------------------- elementwise

    @Override
    protected void doBinary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        float[] x = d(a);
        float[] y = d(b);
        float[] o = d(out);
        if (a.shape().equals(out.shape()) && b.shape().equals(out.shape())) {
            forElements(o.length, (lo, hi) -> ElementwiseKernels.binaryVV(op, x, lo, y, lo, o, lo, hi - lo));
            return;
        }
        ElementwiseKernels.BroadcastPlan plan = new ElementwiseKernels.BroadcastPlan(a.shape(), b.shape(),
                out.shape());
        forRows(plan.outer, plan.inner, (r0, r1) -> plan.run(op, x, y, o, r0, r1));
    }

    @Override
    protected void doScale(float alpha, Tensor x, Tensor out) {
        float[] xs = d(x);
        float[] o = d(out);
        forElements(o.length, (lo, hi) -> ElementwiseKernels.scale(alpha, xs, o, lo, hi));
    }

    @Override
    protected void doAxpy(float alpha, Tensor x, Tensor y) {
        float[] xs = d(x);
        float[] ys = d(y);
        forElements(ys.length, (lo, hi) -> ElementwiseKernels.axpy(alpha, xs, ys, lo, hi));
    }

    @Override
    protected void doBiasAdd(Tensor x, Tensor bias, Tensor out) {
        float[] xs = d(x);
        float[] bs = d(bias);
        float[] o = d(out);
        int cols = x.shape().cols();
        int rows = x.shape().rows();
        forRows(rows, cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                ElementwiseKernels.binaryVV(BinaryOp.ADD, xs, r * cols, bs, 0, o, r * cols, cols);
            }
        });
    }

    @Override
    protected void doClamp(Tensor x, float lo, float hi, Tensor out) {
        float[] xs = d(x);
        float[] o = d(out);
        forElements(o.length, (from, to) -> ElementwiseKernels.clamp(xs, lo, hi, o, from, to));
    }

    @Override
    protected void doUnary(UnaryOp op, Tensor x, Tensor out) {
        float[] xs = d(x);
        float[] o = d(out);
        forElements(o.length, (lo, hi) -> ElementwiseKernels.unary(op, xs, o, lo, hi));
    }

    @Override
    protected void doActivation(Activation act, Tensor x, Tensor y) {
        float[] xs = d(x);
        float[] ys = d(y);
        forElements(ys.length, (lo, hi) -> ActivationKernels.forward(act, xs, lo, ys, lo, hi - lo));
    }

    @Override
    protected void doActivationBackward(Activation act, Tensor x, Tensor dy, Tensor dx) {
        float[] xs = d(x);
        float[] g = d(dy);
        float[] o = d(dx);
        forElements(o.length, (lo, hi) -> ActivationKernels.backward(act, xs, g, o, lo, hi - lo));
    }

    // ------------------------------------------------------------------------------------------------- softmax

    @Override
    protected void doSoftmax(Tensor x, Tensor y, boolean log) {
        float[] xs = d(x);
        float[] ys = d(y);
        int cols = x.shape().cols();
        forRows(x.shape().rows(), cols, (r0, r1) -> RowKernels.softmax(xs, ys, cols, r0, r1, log));
    }

    @Override
    protected void doSoftmaxBackward(Tensor y, Tensor dy, Tensor dx, boolean log) {
        float[] ys = d(y);
        float[] g = d(dy);
        float[] o = d(dx);
        int cols = y.shape().cols();
        forRows(y.shape().rows(), cols, (r0, r1) -> RowKernels.softmaxBackward(ys, g, o, cols, r0, r1, log));
    }

    // -------------------------------------------------------------------------------------------------- losses

    @Override
    protected float doMseLoss(Tensor pred, Tensor target, Tensor dpred) {
        float[] p = d(pred);
        float[] t = d(target);
        int n = p.length;
        double[] partial = new double[chunksFor(n)];
        int chunk = chunkSize(n, partial.length);
        threads.forEach(partial.length, threads.threads(), task -> {
            int lo = Math.min(n, task * chunk);
            int hi = Math.min(n, lo + chunk);
            partial[task] = Sums.sumSquaredDiff(p, t, lo, hi - lo);
        });
        double sum = 0;
        for (double s : partial) {
            sum += s;
        }
        if (dpred != null) {
            float[] g = d(dpred);
            float scale = (float) (2.0 / n);
            forElements(n, (lo, hi) -> {
                ElementwiseKernels.binaryVV(BinaryOp.SUB, p, lo, t, lo, g, lo, hi - lo);
                ElementwiseKernels.scale(scale, g, g, lo, hi);
            });
        }
        return (float) (sum / n);
    }

    private int chunksFor(int n) {
        return Math.max(1, Math.min(threads.threads() * 4, n / ELEMENT_GRAIN));
    }

    private static int chunkSize(int n, int chunks) {
        int per = (n + chunks - 1) / chunks;
        return Math.max(Lanes.L, (per + Lanes.L - 1) / Lanes.L * Lanes.L);
    }

    @Override
    protected float doCrossEntropy(Tensor logits, int[] labels, Tensor dlogits) {
        float[] x = d(logits);
        float[] g = dlogits == null ? null : d(dlogits);
        int rows = logits.dim(0);
        int cols = logits.dim(1);
        return (float) (rowSum(rows, cols, (r0, r1) -> RowKernels.crossEntropy(x, labels, g, cols, r0, r1, rows))
                / rows);
    }

    @Override
    protected float doCrossEntropySoft(Tensor logits, Tensor targets, Tensor dlogits) {
        float[] x = d(logits);
        float[] t = d(targets);
        float[] g = dlogits == null ? null : d(dlogits);
        int rows = logits.dim(0);
        int cols = logits.dim(1);
        return (float) (rowSum(rows, cols, (r0, r1) -> RowKernels.crossEntropySoft(x, t, g, cols, r0, r1, rows))
                / rows);
    }

    @FunctionalInterface
    private interface RowSum {
        double run(int r0, int r1);
    }

    /** Runs a row kernel that returns a partial sum over rows, in parallel chunks, and adds the partials in order. */
    private double rowSum(int rows, int cols, RowSum body) {
        int grainRows = Math.max(1, ELEMENT_GRAIN / Math.max(1, cols));
        int chunks = Math.max(1, Math.min(threads.threads() * 4, rows / grainRows));
        int per = (rows + chunks - 1) / Math.max(1, chunks);
        if (rows == 0) {
            return 0;
        }
        double[] partial = new double[(rows + per - 1) / per];
        threads.forEach(partial.length, threads.threads(), task -> {
            int r0 = task * per;
            partial[task] = body.run(r0, Math.min(rows, r0 + per));
        });
        double s = 0;
        for (double v : partial) {
            s += v;
        }
        return s;
    }

    // ---------------------------------------------------------------------------------------------- reductions

    @Override
    protected void doReduce(Reduction reduction, Tensor x, int axis, Tensor out) {
        float[] xs = d(x);
        float[] o = d(out);
        int rows = x.rank() == 1 ? 1 : x.dim(0);
        int cols = x.rank() == 1 ? x.dim(0) : x.dim(1);
        if (x.rank() == 1 || axis == 1) {
            if (rows == 1) {
                o[0] = switch (reduction) {
                    case SUM -> (float) parallelSum(xs, cols);
                    case MEAN -> (float) (parallelSum(xs, cols) / cols);
                    case MAX -> Sums.max(xs, 0, cols);
                };
            } else {
                forRows(rows, cols, (r0, r1) -> ReductionKernels.rows(reduction, xs, cols, o, r0, r1));
            }
        } else {
            int grainCols = Math.max(Lanes.L, ELEMENT_GRAIN / Math.max(1, rows));
            threads.forRange(cols, grainCols, Lanes.L,
                    (c0, c1) -> ReductionKernels.columns(reduction, xs, rows, cols, o, c0, c1));
        }
    }

    private double parallelSum(float[] xs, int n) {
        double[] partial = new double[chunksFor(n)];
        int chunk = chunkSize(n, partial.length);
        threads.forEach(partial.length, threads.threads(), task -> {
            int lo = Math.min(n, task * chunk);
            int hi = Math.min(n, lo + chunk);
            partial[task] = Sums.sum(xs, lo, hi - lo);
        });
        double s = 0;
        for (double v : partial) {
            s += v;
        }
        return s;
    }

    @Override
    protected void doArgmax(Tensor x, int axis, int[] out) {
        float[] xs = d(x);
        int rows = x.rank() == 1 ? 1 : x.dim(0);
        int cols = x.rank() == 1 ? x.dim(0) : x.dim(1);
        if (x.rank() == 1 || axis == 1) {
            forRows(rows, cols, (r0, r1) -> ReductionKernels.argmaxRows(xs, cols, out, r0, r1));
        } else if (rows > 0) {
            ReductionKernels.argmaxColumns(xs, rows, cols, out);
        }
    }

    @Override
    protected float doL2Norm(Tensor[] tensors) {
        double sum = 0;
        for (Tensor t : tensors) {
            float[] xs = d(t);
            int n = xs.length;
            double[] partial = new double[chunksFor(n)];
            int chunk = chunkSize(n, partial.length);
            threads.forEach(partial.length, threads.threads(), task -> {
                int lo = Math.min(n, task * chunk);
                int hi = Math.min(n, lo + chunk);
                partial[task] = Sums.sumSquares(xs, lo, hi - lo);
            });
            for (double v : partial) {
                sum += v;
            }
        }
        return (float) Math.sqrt(sum);
    }

    // ------------------------------------------------------------------------------------------------- dropout

    @Override
    protected void doDropout(Tensor x, float p, long seed, long offset, Tensor y) {
        float[] xs = d(x);
        float[] ys = d(y);
        forElements(ys.length, (lo, hi) -> DropoutKernel.apply(xs, ys, p, seed, offset, lo, hi));
    }

    // ---------------------------------------------------------------------------------------------- optimizers

    @Override
    protected void doSgdStep(SgdConfig config, long step, Tensor param, Tensor grad, Tensor momentumBuffer) {
        float[] p = d(param);
        float[] g = d(grad);
        float[] buf = momentumBuffer == null ? null : d(momentumBuffer);
        forElements(p.length, (lo, hi) -> OptimizerKernels.sgd(config, step, p, g, buf, lo, hi));
    }

    @Override
    protected void doAdamStep(AdamConfig config, long step, Tensor param, Tensor grad, Tensor m, Tensor v) {
        float[] p = d(param);
        float[] g = d(grad);
        float[] ms = d(m);
        float[] vs = d(v);
        forElements(p.length, (lo, hi) -> OptimizerKernels.adam(config, step, p, g, ms, vs, lo, hi));
    }
}
