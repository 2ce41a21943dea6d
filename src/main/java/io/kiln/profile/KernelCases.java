package io.kiln.profile;

import io.kiln.core.Activation;
import io.kiln.core.AdamConfig;
import io.kiln.core.Backend;
import io.kiln.core.BinaryOp;
import io.kiln.core.Op;
import io.kiln.core.Reduction;
import io.kiln.core.SgdConfig;
import io.kiln.core.Tensor;
import io.kiln.core.UnaryOp;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One runnable call per op of the catalog ({@link Op}) at a {@link SizeClass}, on tensors that are allocated and
 * filled once per backend and size and reused by every op (fresh allocations of 64 MiB cost page faults that would
 * swamp the kernels). Ops that update their inputs in place (axpy, optimizers) keep running on the drifting values,
 * which stay finite; {@code clip_grad_norm} halves its gradient on each timed call, so an untimed reset doubles it
 * back.
 */
final class KernelCases {
    /**
     * A call to time.
     *
     * @param op       the catalog op
     * @param size     the size class
     * @param shape    what it runs on, for reports ({@code [64, 1024]}, {@code 256x256x256})
     * @param costArgs the arguments of {@link Op#cost(long...)}
     * @param elements the element count for per-element figures (0 for GEMM)
     * @param call     the kernel call
     * @param reset    untimed work after each call, or null
     */
    record Case(Op op, SizeClass size, String shape, long[] costArgs, long elements, Runnable call, Runnable reset) {
    }

    /** Row-shaped tensors of one backend and size, shared by every case of that size. */
    static final class Pool implements AutoCloseable {
        final Backend be;
        final int rows;
        final int cols;
        final Tensor x, y, p, z, w, bias, rowOut;
        final int[] labels;
        final int[] argmaxOut;
        final List<Tensor> gemmTensors = new ArrayList<>();
        Tensor ga, gb, gc, ba, bb, bc;

        Pool(Backend be, SizeClass size, boolean quick) {
            this.be = be;
            this.rows = size.rows(quick);
            this.cols = SizeClass.COLS;
            int n = rows * cols;
            float[] host = new float[n];
            x = filled(host, 1, -3, 3);
            y = filled(host, 2, -3, 3);
            p = filled(host, 3, 0.5f, 2);
            z = be.allocate(rows, cols);
            w = filled(host, 4, -1, 1);
            bias = be.fromArray(random(new float[cols], 5, -1, 1), cols);
            rowOut = be.allocate(rows);
            labels = new int[rows];
            for (int i = 0; i < rows; i++) {
                labels[i] = (int) ((i * 2654435761L) % cols);
            }
            argmaxOut = new int[rows];
            int g = size.gemm(quick);
            ga = gemm(g, g, 6);
            gb = gemm(g, g, 7);
            gc = gemm(g, g, 0);
            int bg = size.batchedGemm(quick);
            ba = gemm3(size.batch(), bg, 8);
            bb = gemm3(size.batch(), bg, 9);
            bc = gemm3(size.batch(), bg, 0);
        }

        private Tensor filled(float[] host, long seed, float lo, float hi) {
            Tensor t = be.allocate(rows, cols);
            be.copyIn(random(host, seed, lo, hi), t);
            return t;
        }

        private Tensor gemm(int r, int c, long seed) {
            Tensor t = seed == 0 ? be.allocate(r, c) : be.fromArray(random(new float[r * c], seed, -1, 1), r, c);
            gemmTensors.add(t);
            return t;
        }

        private Tensor gemm3(int b, int s, long seed) {
            Tensor t = seed == 0 ? be.allocate(b, s, s) : be.fromArray(random(new float[b * s * s], seed, -1, 1),
                    b, s, s);
            gemmTensors.add(t);
            return t;
        }

        static float[] random(float[] a, long seed, float lo, float hi) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < a.length; i++) {
                a[i] = lo + (hi - lo) * (float) r.nextDouble();
            }
            return a;
        }

        @Override
        public void close() {
            for (Tensor t : List.of(x, y, p, z, w, bias, rowOut)) {
                t.close();
            }
            gemmTensors.forEach(Tensor::close);
        }
    }

    private KernelCases() {
    }

    /** Every op of the catalog, in catalog order, as a case on {@code pool}. */
    static List<Case> all(Pool pool, SizeClass size, boolean quick) {
        Map<Op, Case> cases = new EnumMap<>(Op.class);
        Backend be = pool.be;
        long n = (long) pool.rows * pool.cols;
        String rowShape = "[" + pool.rows + ", " + pool.cols + "]";
        long rows = pool.rows, cols = pool.cols;

        int g = size.gemm(quick);
        cases.put(Op.GEMM, new Case(Op.GEMM, size, g + "x" + g + "x" + g, new long[] {g, g, g, 0}, 0,
                () -> be.gemm(false, false, 1f, pool.ga, pool.gb, 0f, pool.gc), null));
        int bg = size.batchedGemm(quick);
        int batch = size.batch();
        cases.put(Op.BATCHED_GEMM, new Case(Op.BATCHED_GEMM, size, batch + " x " + bg + "x" + bg + "x" + bg,
                new long[] {batch, bg, bg, bg, 0}, 0,
                () -> be.batchedGemm(false, false, 1f, pool.ba, pool.bb, 0f, pool.bc), null));

        for (BinaryOp b : BinaryOp.values()) {
            Tensor rhs = b == BinaryOp.DIV ? pool.p : pool.y;
            put(cases, Op.of(b), size, rowShape, n, () -> be.binary(b, pool.x, rhs, pool.z));
        }
        put(cases, Op.SCALE, size, rowShape, n, () -> be.scale(0.5f, pool.x, pool.z));
        put(cases, Op.AXPY, size, rowShape, n, () -> be.axpy(1e-3f, pool.x, pool.w));
        put(cases, Op.BIAS_ADD, size, rowShape, n, () -> be.biasAdd(pool.x, pool.bias, pool.z));
        put(cases, Op.CLAMP, size, rowShape, n, () -> be.clamp(pool.x, -1f, 1f, pool.z));
        for (UnaryOp u : UnaryOp.values()) {
            if (u == UnaryOp.TANH) {
                continue; // the catalog's tanh is the activation; measured below
            }
            Tensor in = u == UnaryOp.LOG || u == UnaryOp.SQRT || u == UnaryOp.RECIPROCAL ? pool.p : pool.x;
            put(cases, Op.of(u), size, rowShape, n, () -> be.unary(u, in, pool.z));
        }
        for (Activation a : Activation.values()) {
            put(cases, Op.forward(a), size, rowShape, n, () -> be.activation(a, pool.x, pool.z));
            if (a != Activation.IDENTITY) {
                put(cases, Op.backward(a), size, rowShape, n, () -> be.activationBackward(a, pool.x, pool.y,
                        pool.z));
            }
        }

        long[] rc = {rows, cols};
        cases.put(Op.SOFTMAX, new Case(Op.SOFTMAX, size, rowShape, rc, n, () -> be.softmax(pool.x, pool.z), null));
        cases.put(Op.LOG_SOFTMAX, new Case(Op.LOG_SOFTMAX, size, rowShape, rc, n,
                () -> be.logSoftmax(pool.x, pool.z), null));
        cases.put(Op.SOFTMAX_BACKWARD, new Case(Op.SOFTMAX_BACKWARD, size, rowShape, rc, n,
                () -> be.softmaxBackward(pool.p, pool.y, pool.z), null));
        cases.put(Op.LOG_SOFTMAX_BACKWARD, new Case(Op.LOG_SOFTMAX_BACKWARD, size, rowShape, rc, n,
                () -> be.logSoftmaxBackward(pool.x, pool.y, pool.z), null));

        cases.put(Op.MSE_LOSS, new Case(Op.MSE_LOSS, size, rowShape, new long[] {n}, n,
                () -> sink(be.mseLoss(pool.x, pool.y, null)), null));
        cases.put(Op.MSE_LOSS_WITH_GRAD, new Case(Op.MSE_LOSS_WITH_GRAD, size, rowShape, new long[] {n}, n,
                () -> sink(be.mseLoss(pool.x, pool.y, pool.z)), null));
        cases.put(Op.CROSS_ENTROPY, new Case(Op.CROSS_ENTROPY, size, rowShape, rc, n,
                () -> sink(be.crossEntropy(pool.x, pool.labels, null)), null));
        cases.put(Op.CROSS_ENTROPY_WITH_GRAD, new Case(Op.CROSS_ENTROPY_WITH_GRAD, size, rowShape, rc, n,
                () -> sink(be.crossEntropy(pool.x, pool.labels, pool.z)), null));
        cases.put(Op.CROSS_ENTROPY_SOFT, new Case(Op.CROSS_ENTROPY_SOFT, size, rowShape, rc, n,
                () -> sink(be.crossEntropySoft(pool.x, pool.p, null)), null));
        cases.put(Op.CROSS_ENTROPY_SOFT_WITH_GRAD, new Case(Op.CROSS_ENTROPY_SOFT_WITH_GRAD, size, rowShape, rc, n,
                () -> sink(be.crossEntropySoft(pool.x, pool.p, pool.z)), null));

        long[] red = {n, rows};
        for (Reduction r : Reduction.values()) {
            cases.put(Op.of(r), new Case(Op.of(r), size, rowShape + " over axis 1", red, n,
                    () -> be.reduce(r, pool.x, 1, pool.rowOut), null));
        }
        cases.put(Op.ARGMAX, new Case(Op.ARGMAX, size, rowShape + " over axis 1", red, n,
                () -> be.argmax(pool.x, 1, pool.argmaxOut), null));
        cases.put(Op.L2_NORM, new Case(Op.L2_NORM, size, rowShape, new long[] {n}, n,
                () -> sink(be.l2Norm(pool.x)), null));

        put(cases, Op.DROPOUT, size, rowShape, n, () -> be.dropout(pool.x, 0.1f, 42L, 0L, pool.z));
        put(cases, Op.DROPOUT_BACKWARD, size, rowShape, n, () -> be.dropoutBackward(pool.y, 0.1f, 42L, 0L, pool.z));

        long[] step = {1};
        SgdConfig plain = SgdConfig.plain(1e-3f);
        SgdConfig momentum = SgdConfig.momentum(1e-3f, 0.9f);
        SgdConfig nesterov = SgdConfig.nesterov(1e-3f, 0.9f);
        put(cases, Op.SGD, size, rowShape, n, () -> be.sgdStep(plain, step[0]++, pool.w, pool.y, null));
        put(cases, Op.SGD_MOMENTUM, size, rowShape, n, () -> be.sgdStep(momentum, step[0]++, pool.w, pool.y,
                pool.z));
        put(cases, Op.SGD_NESTEROV, size, rowShape, n, () -> be.sgdStep(nesterov, step[0]++, pool.w, pool.y,
                pool.z));
        AdamConfig adam = AdamConfig.adam(1e-3f);
        AdamConfig adamw = AdamConfig.adamW(1e-3f);
        put(cases, Op.ADAM, size, rowShape, n, () -> be.adamStep(adam, step[0]++, pool.w, pool.y, pool.z, pool.p));
        put(cases, Op.ADAMW, size, rowShape, n, () -> be.adamStep(adamw, step[0]++, pool.w, pool.y, pool.z,
                pool.p));
        float[] maxNorm = {-1};
        cases.put(Op.CLIP_GRAD_NORM, new Case(Op.CLIP_GRAD_NORM, size, rowShape, new long[] {n}, n, () -> {
            if (maxNorm[0] < 0) {
                maxNorm[0] = be.l2Norm(pool.w) / 2;
            }
            sink(be.clipGradNorm(maxNorm[0], pool.w));
        }, () -> be.scale(2f, pool.w, pool.w)));

        List<Case> out = new ArrayList<>();
        for (Op op : Op.values()) {
            Case c = cases.get(op);
            if (c == null) {
                throw new IllegalStateException("profile run: no case for op " + op.opName()
                        + "; add one to KernelCases");
            }
            out.add(c);
        }
        return out;
    }

    private static void put(Map<Op, Case> cases, Op op, SizeClass size, String shape, long n, Runnable call) {
        cases.put(op, new Case(op, size, shape, new long[] {n}, n, call, null));
    }

    static volatile float sink;

    private static void sink(float v) {
        sink = v;
    }
}
