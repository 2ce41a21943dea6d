package io.kiln.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.conformance.Tolerance;
import io.kiln.core.Activation;
import io.kiln.core.AdamConfig;
import io.kiln.core.Backend;
import io.kiln.core.BinaryOp;
import io.kiln.core.Reduction;
import io.kiln.core.SgdConfig;
import io.kiln.core.Tensor;
import io.kiln.core.UnaryOp;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every non-GEMM op of the OpenCL backend against the reference backend (the float64 oracle), on shapes that
 * exercise the kernels' vector bodies and scalar tails: 1x1, primes, odd row lengths, zero-size dimensions, and
 * special values (NaN, ±0, ±Inf) where the semantics say what must happen.
 */
class OpenClOpsTest {
    private static OpenClBackend cl;
    private static Backend ref;

    @BeforeAll
    static void setUp() {
        cl = OpenClTestSupport.backend();
        ref = OpenClTestSupport.reference();
    }

    /** An op applied to tensors (inputs and outputs in one array); returns a float result or NaN. */
    interface Body {
        float apply(Backend be, Tensor[] t);
    }

    private record Outcome(float[][] tensors, float value) {
    }

    private static Outcome run(Backend be, Body body, float[][] data, int[][] shapes) {
        Tensor[] t = new Tensor[shapes.length];
        try {
            for (int i = 0; i < shapes.length; i++) {
                t[i] = data[i] == null ? be.allocate(shapes[i]) : be.fromArray(data[i], shapes[i]);
            }
            float v = body.apply(be, t);
            float[][] out = new float[t.length][];
            for (int i = 0; i < t.length; i++) {
                out[i] = be.toArray(t[i]);
            }
            return new Outcome(out, v);
        } finally {
            for (Tensor x : t) {
                if (x != null) {
                    x.close();
                }
            }
        }
    }

    /** Runs {@code body} on both backends from the same data and compares every tensor and the returned value. */
    private static void compare(String what, Tolerance tol, Body body, float[][] data, int[]... shapes) {
        Outcome expected = run(ref, body, data, shapes);
        Outcome got = run(cl, body, data, shapes);
        for (int i = 0; i < shapes.length; i++) {
            tol.assertClose(what + " tensor " + i + " " + Arrays.toString(shapes[i]), expected.tensors[i],
                    got.tensors[i]);
        }
        tol.assertClose(what + " value", expected.value, got.value);
    }

    private static float[] rand(long seed, int n, double lo, double hi) {
        return OpenClTestSupport.random(new SplittableRandom(seed), n, lo, hi);
    }

    private static int size(int... dims) {
        int s = 1;
        for (int d : dims) {
            s *= d;
        }
        return s;
    }

    /** Vectors that hit the float16 body, the tail, and both: 0, 1, 15, 16, 17, 31, 257, 1000. */
    private static final int[] LENGTHS = {0, 1, 3, 15, 16, 17, 31, 257, 1000};

    // ------------------------------------------------------------------------------------------------ memory

    @Test
    void copyInOutCopyFillAndZeroInit() {
        for (int n : LENGTHS) {
            float[] data = rand(n, n, -5, 5);
            try (Tensor a = cl.fromArray(data, n); Tensor b = cl.allocate(n)) {
                assertArrayEquals(new float[n], cl.toArray(b), "fresh tensor is zero, n=" + n);
                assertArrayEquals(data, cl.toArray(a), "round trip, n=" + n);
                cl.copy(a, b);
                assertArrayEquals(data, cl.toArray(b), "device copy, n=" + n);
                cl.fill(b, -2.5f);
                float[] f = new float[n];
                Arrays.fill(f, -2.5f);
                assertArrayEquals(f, cl.toArray(b), "fill, n=" + n);
                float[] again = rand(n + 1, n, 0, 1);
                cl.copyIn(again, b);
                float[] out = new float[n];
                cl.copyOut(b, out);
                assertArrayEquals(again, out, "copyIn/copyOut, n=" + n);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- elementwise

    @Test
    void binaryOpsSameShapeScalarAndBroadcast() {
        int[][][] cases = {
                {{37}, {37}}, {{5, 13}, {5, 13}}, {{1}, {1}}, {{16}, {16}},
                {{7, 3}, {1}}, {{1}, {7, 3}}, {{1, 1}, {19}},
                {{4, 1, 3}, {5, 3}}, {{7, 1}, {1, 9}}, {{3, 17}, {17}}, {{3, 17}, {3, 1}},
                {{2, 1, 2, 1, 2, 1, 2, 1, 2, 1}, {1, 2, 1, 2, 1, 2, 1, 2, 1, 2}}, // rank 10 after coalescing
                {{0, 3}, {3}}, {{0}, {1}},
        };
        for (BinaryOp op : BinaryOp.values()) {
            for (int[][] c : cases) {
                float[] a = rand(1, size(c[0]), -3, 3);
                float[] b = rand(2, size(c[1]), 0.5, 3);
                int[] outShape = io.kiln.core.Broadcast.resolve("t", io.kiln.core.Shape.of(c[0]),
                        io.kiln.core.Shape.of(c[1])).dims();
                compare(op + " " + Arrays.toString(c[0]) + " " + Arrays.toString(c[1]), Tolerance.ELEMENTWISE,
                        (be, t) -> {
                            be.binary(op, t[0], t[1], t[2]);
                            return 0;
                        }, new float[][]{a, b, null}, c[0], c[1], outShape);
            }
        }
    }

    @Test
    void maxMinFollowJavaSemanticsForNanAndSignedZero() {
        float nan = Float.NaN;
        float[] a = {nan, 1, nan, -0f, 0f, 2, Float.NEGATIVE_INFINITY, 3, -1, 5, 6, 7, 8, 9, 10, 11, -0f};
        float[] b = {1, nan, nan, 0f, -0f, Float.POSITIVE_INFINITY, 4, 3, -2, 5, 6, 7, 8, 9, 10, 11, 0f};
        for (BinaryOp op : new BinaryOp[]{BinaryOp.MAX, BinaryOp.MIN}) {
            Outcome want = run(ref, (be, t) -> {
                be.binary(op, t[0], t[1], t[2]);
                return 0;
            }, new float[][]{a, b, null}, new int[][]{{17}, {17}, {17}});
            Outcome got = run(cl, (be, t) -> {
                be.binary(op, t[0], t[1], t[2]);
                return 0;
            }, new float[][]{a, b, null}, new int[][]{{17}, {17}, {17}});
            for (int i = 0; i < a.length; i++) {
                assertEquals(Float.floatToIntBits(want.tensors[2][i]), Float.floatToIntBits(got.tensors[2][i]),
                        op + "(" + a[i] + ", " + b[i] + ") bit for bit");
            }
        }
    }

    @Test
    void scaleAxpyBiasAddClamp() {
        for (int n : LENGTHS) {
            float[] x = rand(3, n, -4, 4);
            float[] y = rand(4, n, -4, 4);
            compare("scale n=" + n, Tolerance.ELEMENTWISE, (be, t) -> {
                be.scale(-1.75f, t[0], t[1]);
                return 0;
            }, new float[][]{x, null}, new int[]{n}, new int[]{n});
            compare("scale in place n=" + n, Tolerance.ELEMENTWISE, (be, t) -> {
                be.scale(0.5f, t[0], t[0]);
                return 0;
            }, new float[][]{x}, new int[]{n});
            compare("axpy n=" + n, Tolerance.ELEMENTWISE, (be, t) -> {
                be.axpy(2.5f, t[0], t[1]);
                return 0;
            }, new float[][]{x, y}, new int[]{n}, new int[]{n});
            float[] xn = x.clone();
            if (n > 2) {
                xn[1] = Float.NaN;
            }
            compare("clamp n=" + n, Tolerance.ELEMENTWISE, (be, t) -> {
                be.clamp(t[0], -1f, 2f, t[1]);
                return 0;
            }, new float[][]{xn, null}, new int[]{n}, new int[]{n});
        }
        int[][] shapes = {{17}, {1, 1}, {5, 33}, {3, 4, 19}, {2, 3, 2, 5}, {0, 7}, {4, 16}};
        for (int[] s : shapes) {
            int cols = s[s.length - 1];
            compare("bias_add " + Arrays.toString(s), Tolerance.ELEMENTWISE, (be, t) -> {
                be.biasAdd(t[0], t[1], t[2]);
                return 0;
            }, new float[][]{rand(5, size(s), -2, 2), rand(6, cols, -1, 1), null}, s, new int[]{cols}, s);
        }
    }

    @Test
    void unaryPrimitives() {
        for (UnaryOp op : UnaryOp.values()) {
            boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT;
            for (int n : LENGTHS) {
                float[] x = rand(7 + n, n, positive ? 0.01 : -6, 6);
                compare(op + " n=" + n, Tolerance.ELEMENTWISE, (be, t) -> {
                    be.unary(op, t[0], t[1]);
                    return 0;
                }, new float[][]{x, null}, new int[]{n}, new int[]{n});
            }
        }
        float[] special = {-1f, 0f, -0f, Float.POSITIVE_INFINITY, Float.NaN, 1e-30f, 88f, -100f};
        for (UnaryOp op : UnaryOp.values()) {
            compare(op + " special values", Tolerance.ELEMENTWISE, (be, t) -> {
                be.unary(op, t[0], t[1]);
                return 0;
            }, new float[][]{special, null}, new int[]{special.length}, new int[]{special.length});
        }
    }

    @Test
    void activationsForwardBackwardAndInPlace() {
        for (Activation act : Activation.values()) {
            for (int n : LENGTHS) {
                float[] x = rand(11 + n, n, -8, 8);
                float[] dy = rand(12 + n, n, -1, 1);
                compare(act + " n=" + n, Tolerance.ELEMENTWISE, (be, t) -> {
                    be.activation(act, t[0], t[1]);
                    return 0;
                }, new float[][]{x, null}, new int[]{n}, new int[]{n});
                compare(act + " in place n=" + n, Tolerance.ELEMENTWISE, (be, t) -> {
                    be.activation(act, t[0], t[0]);
                    return 0;
                }, new float[][]{x}, new int[]{n});
                compare(act + " backward n=" + n, Tolerance.DERIVATIVE, (be, t) -> {
                    be.activationBackward(act, t[0], t[1], t[2]);
                    return 0;
                }, new float[][]{x, dy, null}, new int[]{n}, new int[]{n}, new int[]{n});
                compare(act + " backward into dy n=" + n, Tolerance.DERIVATIVE, (be, t) -> {
                    be.activationBackward(act, t[0], t[1], t[1]);
                    return 0;
                }, new float[][]{x, dy}, new int[]{n}, new int[]{n});
            }
            float[] special = {Float.NaN, 0f, -0f, 1e4f, -1e4f, 30f, -30f, 1e-20f, -1e-20f, 0.5f, -0.75f};
            float[] ones = new float[special.length];
            Arrays.fill(ones, 1f);
            compare(act + " special", Tolerance.ELEMENTWISE, (be, t) -> {
                be.activation(act, t[0], t[1]);
                return 0;
            }, new float[][]{special, null}, new int[]{special.length}, new int[]{special.length});
            compare(act + " backward special", Tolerance.DERIVATIVE, (be, t) -> {
                be.activationBackward(act, t[0], t[1], t[2]);
                return 0;
            }, new float[][]{special, ones, null}, new int[]{special.length}, new int[]{special.length},
                    new int[]{special.length});
        }
    }

    // -------------------------------------------------------------------------------------------------- softmax

    private static final int[][] ROW_SHAPES = {{1, 1}, {3, 7}, {2, 16}, {4, 17}, {5, 1000}, {2, 3, 33}, {13},
        {0, 5}, {4, 0}};

    @Test
    void softmaxLogSoftmaxAndBackward() {
        for (int[] s : ROW_SHAPES) {
            int n = size(s);
            float[] x = rand(21 + n, n, -10, 10);
            float[] dy = rand(22 + n, n, -1, 1);
            for (boolean log : new boolean[]{false, true}) {
                Tolerance tol = log ? Tolerance.LOG_SOFTMAX : Tolerance.SOFTMAX;
                compare((log ? "log_softmax " : "softmax ") + Arrays.toString(s), tol, (be, t) -> {
                    if (log) {
                        be.logSoftmax(t[0], t[1]);
                    } else {
                        be.softmax(t[0], t[1]);
                    }
                    return 0;
                }, new float[][]{x, null}, s, s);
                compare((log ? "log_softmax" : "softmax") + " in place " + Arrays.toString(s), tol, (be, t) -> {
                    if (log) {
                        be.logSoftmax(t[0], t[0]);
                    } else {
                        be.softmax(t[0], t[0]);
                    }
                    return 0;
                }, new float[][]{x}, s);
                compare((log ? "log_softmax" : "softmax") + " backward " + Arrays.toString(s), Tolerance.SOFTMAX,
                        (be, t) -> {
                            if (log) {
                                be.logSoftmax(t[0], t[1]);
                                be.logSoftmaxBackward(t[1], t[2], t[3]);
                            } else {
                                be.softmax(t[0], t[1]);
                                be.softmaxBackward(t[1], t[2], t[3]);
                            }
                            return 0;
                        }, new float[][]{x, null, dy, null}, s, s, s, s);
            }
        }
        // Large magnitudes, −Inf entries, a NaN row.
        float[] special = {1000f, 999f, -1000f, 0f, Float.NEGATIVE_INFINITY, 3f, 2f, 1f,
            1f, Float.NaN, 2f, 3f, -1e30f, 1e30f, 0f, 0f};
        compare("softmax special", Tolerance.SOFTMAX, (be, t) -> {
            be.softmax(t[0], t[1]);
            return 0;
        }, new float[][]{special, null}, new int[]{4, 4}, new int[]{4, 4});
        compare("log_softmax special", Tolerance.LOG_SOFTMAX, (be, t) -> {
            be.logSoftmax(t[0], t[1]);
            return 0;
        }, new float[][]{special, null}, new int[]{4, 4}, new int[]{4, 4});
    }

    // --------------------------------------------------------------------------------------------------- losses

    @Test
    void mseLossWithAndWithoutGradient() {
        for (int n : new int[]{0, 1, 17, 1000, 70001}) {
            float[] p = rand(31 + n, n, -3, 3);
            float[] q = rand(32 + n, n, -3, 3);
            compare("mse n=" + n, Tolerance.LOSS, (be, t) -> be.mseLoss(t[0], t[1], null),
                    new float[][]{p, q}, new int[]{n}, new int[]{n});
            compare("mse+grad n=" + n, Tolerance.LOSS, (be, t) -> be.mseLoss(t[0], t[1], t[2]),
                    new float[][]{p, q, null}, new int[]{n}, new int[]{n}, new int[]{n});
        }
    }

    @Test
    void crossEntropyHardAndSoftLabels() {
        int[][] shapes = {{1, 1}, {1, 5}, {7, 13}, {33, 1000}, {3, 16}, {0, 4}};
        for (int[] s : shapes) {
            int rows = s[0];
            int cols = s[1];
            float[] x = rand(41 + rows, rows * cols, -6, 6);
            int[] labels = new int[rows];
            SplittableRandom rnd = new SplittableRandom(43);
            for (int i = 0; i < rows; i++) {
                labels[i] = rnd.nextInt(cols);
            }
            float[] soft = rand(44, rows * cols, 0, 1);
            compare("cross_entropy " + Arrays.toString(s), Tolerance.LOSS,
                    (be, t) -> be.crossEntropy(t[0], labels, null), new float[][]{x}, s);
            compare("softmax+cross_entropy " + Arrays.toString(s), Tolerance.LOSS,
                    (be, t) -> be.crossEntropy(t[0], labels, t[1]), new float[][]{x, null}, s, s);
            compare("cross_entropy_soft " + Arrays.toString(s), Tolerance.LOSS,
                    (be, t) -> be.crossEntropySoft(t[0], t[1], null), new float[][]{x, soft}, s, s);
            compare("softmax+cross_entropy_soft " + Arrays.toString(s), Tolerance.LOSS,
                    (be, t) -> be.crossEntropySoft(t[0], t[1], t[2]), new float[][]{x, soft, null}, s, s, s);
        }
        compare("cross_entropy_soft with zero classes", Tolerance.LOSS,
                (be, t) -> be.crossEntropySoft(t[0], t[1], t[2]), new float[][]{null, null, null},
                new int[]{3, 0}, new int[]{3, 0}, new int[]{3, 0});
    }

    // ----------------------------------------------------------------------------------------------- reductions

    @Test
    void reductionsOverRowsColumnsAndVectors() {
        for (Reduction r : Reduction.values()) {
            for (int n : new int[]{0, 1, 17, 100_003}) {
                float[] x = rand(51 + n, n, -2, 2);
                compare("reduce_" + r + " [" + n + "]", Tolerance.REDUCTION, (be, t) -> {
                    be.reduce(r, t[0], 0, t[1]);
                    return 0;
                }, new float[][]{x, null}, new int[]{n}, new int[]{1});
            }
            int[][] shapes = {{1, 1}, {13, 17}, {3, 1000}, {1000, 3}, {0, 5}, {5, 0}, {2, 16}};
            for (int[] s : shapes) {
                float[] x = rand(53 + s[0], size(s), -2, 2);
                for (int axis : new int[]{0, 1, -1}) {
                    int results = (axis == 0) ? s[1] : s[0];
                    compare("reduce_" + r + " " + Arrays.toString(s) + " axis " + axis, Tolerance.REDUCTION,
                            (be, t) -> {
                                be.reduce(r, t[0], axis, t[1]);
                                return 0;
                            }, new float[][]{x, null}, s, new int[]{results});
                }
            }
        }
        float[] withNan = {1f, 2f, Float.NaN, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f, 17f, 18f};
        compare("reduce_max with NaN", Tolerance.REDUCTION, (be, t) -> {
            be.reduce(Reduction.MAX, t[0], 1, t[1]);
            be.reduce(Reduction.MAX, t[0], 0, t[2]);
            return 0;
        }, new float[][]{withNan, null, null}, new int[]{3, 6}, new int[]{3}, new int[]{6});
    }

    @Test
    void argmaxFirstIndexAndNan() {
        float nan = Float.NaN;
        float[] x = {1, 3, 3, 2, /**/ nan, 5, nan, 1, /**/ -1, -1, -1, -1, /**/ 0, 7, 9, 9,
            Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int axis : new int[]{0, 1}) {
            int[] want = new int[axis == 1 ? 5 : 4];
            int[] got = new int[want.length];
            try (Tensor r = ref.fromArray(x, 5, 4); Tensor c = cl.fromArray(x, 5, 4)) {
                ref.argmax(r, axis, want);
                cl.argmax(c, axis, got);
            }
            assertArrayEquals(want, got, "argmax axis " + axis);
        }
        for (int[] s : new int[][]{{1, 1}, {17, 31}, {3, 1000}, {1000, 2}}) {
            float[] v = rand(61 + s[1], size(s), -5, 5);
            for (int axis : new int[]{0, 1}) {
                int[] want = new int[axis == 1 ? s[0] : s[1]];
                int[] got = new int[want.length];
                try (Tensor r = ref.fromArray(v, s); Tensor c = cl.fromArray(v, s)) {
                    ref.argmax(r, axis, want);
                    cl.argmax(c, axis, got);
                }
                assertArrayEquals(want, got, "argmax " + Arrays.toString(s) + " axis " + axis);
            }
        }
        float[] vec = rand(67, 1001, -5, 5);
        int[] want = new int[1];
        int[] got = new int[1];
        try (Tensor r = ref.fromArray(vec, 1001); Tensor c = cl.fromArray(vec, 1001)) {
            ref.argmax(r, 0, want);
            cl.argmax(c, 0, got);
        }
        assertArrayEquals(want, got, "argmax of a vector");
    }

    @Test
    void l2NormAndClipGradNorm() {
        compare("l2 norm of several tensors", Tolerance.REDUCTION,
                (be, t) -> be.l2Norm(t[0], t[1], t[2], t[3]),
                new float[][]{rand(71, 1, -1, 1), rand(72, 1000, -1, 1), null, rand(73, 100_003, -1, 1)},
                new int[]{1}, new int[]{10, 100}, new int[]{0}, new int[]{100_003});
        compare("l2 norm of nothing", Tolerance.REDUCTION, (be, t) -> be.l2Norm(), new float[0][]);
        compare("clip_grad_norm (clips)", Tolerance.REDUCTION, (be, t) -> be.clipGradNorm(1f, t[0], t[1]),
                new float[][]{rand(74, 33, -1, 1), rand(75, 1000, -1, 1)}, new int[]{33}, new int[]{1000});
        compare("clip_grad_norm (no clip)", Tolerance.REDUCTION, (be, t) -> be.clipGradNorm(1e6f, t[0]),
                new float[][]{rand(76, 33, -1, 1)}, new int[]{33});
    }

    // ---------------------------------------------------------------------------------------------- optimizers

    @Test
    void sgdVariantsOverThreeSteps() {
        SgdConfig[] configs = {SgdConfig.plain(0.1f), SgdConfig.momentum(0.05f, 0.9f),
            SgdConfig.nesterov(0.05f, 0.9f).withWeightDecay(0.01f),
            new SgdConfig(0.02f, 0.8f, 0.3f, false, 0.001f, 0.002f), SgdConfig.plain(0.1f).withL1(0.01f)};
        for (SgdConfig cfg : configs) {
            for (int n : new int[]{1, 17, 1000}) {
                float[] p = rand(81 + n, n, -1, 1);
                float[] g1 = rand(82 + n, n, -1, 1);
                float[] g2 = rand(83 + n, n, -1, 1);
                compare("sgd " + cfg + " n=" + n, Tolerance.OPTIMIZER, (be, t) -> {
                    be.sgdStep(cfg, 1, t[0], t[1], t[3]);
                    be.copyIn(g2, t[2]);
                    be.sgdStep(cfg, 2, t[0], t[2], t[3]);
                    be.sgdStep(cfg, 3, t[0], t[1], t[3]);
                    return 0;
                }, new float[][]{p, g1, null, null}, new int[]{n}, new int[]{n}, new int[]{n}, new int[]{n});
            }
        }
    }

    @Test
    void adamAndAdamWOverThreeSteps() {
        AdamConfig[] configs = {AdamConfig.adam(1e-2f), AdamConfig.adam(1e-2f).withWeightDecay(0.1f),
            AdamConfig.adamW(1e-2f)};
        for (AdamConfig cfg : configs) {
            for (int n : new int[]{1, 17, 1000}) {
                float[] p = rand(91 + n, n, -1, 1);
                float[] g1 = rand(92 + n, n, -1, 1);
                float[] g2 = rand(93 + n, n, -1, 1);
                compare("adam " + cfg + " n=" + n, Tolerance.OPTIMIZER, (be, t) -> {
                    be.adamStep(cfg, 1, t[0], t[1], t[3], t[4]);
                    be.adamStep(cfg, 2, t[0], t[2], t[3], t[4]);
                    be.adamStep(cfg, 3, t[0], t[1], t[3], t[4]);
                    return 0;
                }, new float[][]{p, g1, g2, null, null}, new int[]{n}, new int[]{n}, new int[]{n}, new int[]{n},
                        new int[]{n});
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- dropout

    @Test
    void dropoutMaskEqualsReferenceBitForBit() {
        long[] offsets = {0, 1, 2, 3, 5, (1L << 33) + 1, -7};
        float[] ps = {0f, 0.3f, 0.5f, 0.9f, 1f};
        for (int n : new int[]{1, 3, 4, 7, 1001}) {
            float[] x = rand(101 + n, n, 0.5, 2); // never zero, so y == 0 exactly when dropped
            for (long offset : offsets) {
                for (float p : ps) {
                    Outcome want = run(ref, (be, t) -> {
                        be.dropout(t[0], p, 1234567890123L, offset, t[1]);
                        be.dropoutBackward(t[0], p, 1234567890123L, offset, t[2]);
                        return 0;
                    }, new float[][]{x, null, null}, new int[][]{{n}, {n}, {n}});
                    Outcome got = run(cl, (be, t) -> {
                        be.dropout(t[0], p, 1234567890123L, offset, t[1]);
                        be.dropoutBackward(t[0], p, 1234567890123L, offset, t[2]);
                        return 0;
                    }, new float[][]{x, null, null}, new int[][]{{n}, {n}, {n}});
                    String what = "dropout n=" + n + " p=" + p + " offset=" + offset;
                    assertArrayEquals(want.tensors[1], got.tensors[1], what + " forward, bit for bit");
                    assertArrayEquals(want.tensors[2], got.tensors[2], what + " backward, bit for bit");
                }
            }
        }
        // The mask really is random: about 30% dropped at p = 0.3 over 10 000 elements.
        float[] ones = new float[10_000];
        Arrays.fill(ones, 1f);
        try (Tensor x = cl.fromArray(ones, ones.length); Tensor y = cl.allocate(ones.length)) {
            cl.dropout(x, 0.3f, 7, 0, y);
            long dropped = 0;
            for (float v : cl.toArray(y)) {
                dropped += v == 0 ? 1 : 0;
            }
            assertTrue(dropped > 2800 && dropped < 3200, "dropped " + dropped + " of 10000 at p=0.3");
        }
    }
}
