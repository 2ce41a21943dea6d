package io.kiln.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.backend.reference.ReferenceBackend;
import io.kiln.core.Activation;
import io.kiln.core.AdamConfig;
import io.kiln.core.Backend;
import io.kiln.core.BinaryOp;
import io.kiln.core.Epilogue;
import io.kiln.core.Philox;
import io.kiln.core.Reduction;
import io.kiln.core.SgdConfig;
import io.kiln.core.Tensor;
import io.kiln.core.UnaryOp;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op of the SPI on every registered backend against the reference backend, from the same seeded random
 * inputs, over shapes that include 1×1, primes, lengths that are no multiple of any vector width, zero-size
 * dimensions and 50 000-column rows. Tolerances come from {@link Tolerance} (GEMM and sums: per element from
 * Σ|terms|, {@link DotProductBound}).
 *
 * <p>The reference runs the suite against itself too: there every result must match bit for bit (it catches
 * nondeterminism in the oracle and proves every case of the suite runs). Other backends join automatically when they
 * register a provider.
 *
 * <p>Every output tensor starts NaN-filled, so an element a kernel forgets to write fails; every input tensor must
 * come back unchanged (compared bit for bit with the reference's copy).
 */
class ConformanceTest {

    static List<String> backends() {
        return TestBackends.names();
    }

    private Backend ref;
    private Backend be;
    private String name;
    /** The backend under test is the reference: results must be bit-identical. */
    private boolean exact;

    private void use(String backendName) {
        name = backendName;
        be = TestBackends.get(backendName);
        ref = TestBackends.reference();
        exact = backendName.equals("reference");
    }

    // ------------------------------------------------------------------------------------------ the harness

    /** Marks an argument whose comparison the test does itself (GEMM's per-element bounds, ...). */
    private static final Tolerance BY_TEST = new Tolerance(0, 0, "compared by the test itself");

    /**
     * Marks an output that must equal the reference's bit for bit: results of one correctly rounded float operation
     * (scale, bias_add, neg/abs/square, add/sub/mul/max/min), selections (clamp, max) and dropout masks.
     */
    private static final Tolerance EXACT = new Tolerance(0, 0, "bit for bit");

    /**
     * One tensor argument of a call: its initial contents and shape, and how its final contents on the backend are
     * compared with the reference's: {@code tol == null} marks an input (it must come back unchanged, bit for bit),
     * {@link #EXACT} an output that must match bit for bit.
     */
    record Arg(String name, float[] data, int[] dims, Tolerance tol) {
    }

    static Arg in(String name, float[] data, int... dims) {
        return new Arg(name, data, dims, null);
    }

    /** An output, NaN-filled before the call. */
    static Arg out(String name, Tolerance tol, int... dims) {
        return new Arg(name, Inputs.nan(Inputs.size(dims)), dims, tol);
    }

    /** A tensor read and written (in-place ops, accumulating outputs, optimizer state). */
    static Arg inOut(String name, Tolerance tol, float[] data, int... dims) {
        return new Arg(name, data, dims, tol);
    }

    @FunctionalInterface
    interface Call {
        /** Runs the op on {@code b} with the tensors of the args, in order; returns its scalar result, or 0. */
        float run(Backend b, Tensor[] t);
    }

    /** The scalar result and every tensor's contents after a call. */
    record Result(float scalar, float[][] data) {
    }

    static Result run(Backend b, Call call, Arg... args) {
        Tensor[] t = new Tensor[args.length];
        try {
            for (int i = 0; i < args.length; i++) {
                t[i] = b.fromArray(args[i].data(), args[i].dims());
            }
            float scalar = call.run(b, t);
            float[][] data = new float[args.length][];
            for (int i = 0; i < args.length; i++) {
                data[i] = b.toArray(t[i]);
            }
            return new Result(scalar, data);
        } finally {
            for (Tensor x : t) {
                if (x != null) {
                    x.close();
                }
            }
        }
    }

    /**
     * Runs {@code call} on the reference and on the backend under test from the same inputs and compares every
     * tensor by its arg's rule (except those marked {@link #BY_TEST}). Returns {reference result, backend result}.
     */
    private Result[] compare(String what, Call call, Arg... args) {
        Result expected = run(ref, call, args);
        Result actual = run(be, call, args);
        for (int i = 0; i < args.length; i++) {
            Arg a = args[i];
            if (a.tol() == BY_TEST) {
                continue;
            }
            String w = name + " " + what + ": " + a.name() + (a.tol() == null ? " (an input: must be unchanged)" : "");
            if (a.tol() == null || a.tol() == EXACT) {
                Compare.exactly(w, expected.data()[i], actual.data()[i]);
            } else {
                check(a.tol(), w, expected.data()[i], actual.data()[i]);
            }
        }
        return new Result[] {expected, actual};
    }

    /** Within {@code tol}, or bit for bit when the backend under test is the reference itself. */
    private void check(Tolerance tol, String what, float[] expected, float[] actual) {
        if (exact) {
            Compare.exactly(what + " (reference against itself must be deterministic)", expected, actual);
        } else {
            Compare.within(tol, what, expected, actual);
        }
    }

    private void checkScalar(Tolerance tol, String what, float expected, float actual) {
        check(tol, name + " " + what, new float[] {expected}, new float[] {actual});
    }

    private void checkBounds(String what, double[] bound, float[] expected, float[] actual) {
        if (exact) {
            Compare.exactly(name + " " + what + " (reference against itself must be deterministic)", expected,
                    actual);
        } else {
            Compare.withinBounds(name + " " + what, bound, expected, actual, DotProductBound.REASON);
        }
    }

    private static String shape(int... dims) {
        return Arrays.toString(dims);
    }

    // ------------------------------------------------------------------------------------------------ memory

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void memoryRoundTripsCopyAndFill(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(1);
        for (int[] dims : new int[][] {{1, 1}, {7, 13}, {259}, {0, 5}, {5, 0}, {}, {2, 3, 17}}) {
            int n = Inputs.size(dims);
            float[] x = Inputs.uniform(r, n, -5, 5);
            if (n > 3) {
                x[0] = Float.NaN;
                x[1] = Float.NEGATIVE_INFINITY;
                x[2] = -0f;
            }
            try (Tensor t = be.fromArray(x, dims); Tensor u = be.allocate(dims)) {
                Compare.exactly(name + " fromArray/toArray " + shape(dims), x, be.toArray(t));
                Compare.exactly(name + " allocate is zero-filled " + shape(dims), new float[n], be.toArray(u));
                be.copy(t, u);
                Compare.exactly(name + " copy " + shape(dims), x, be.toArray(u));
                be.copy(u, u);
                Compare.exactly(name + " copy onto itself " + shape(dims), x, be.toArray(u));
                be.fill(u, -0f);
                Compare.exactly(name + " fill -0 " + shape(dims), Inputs.filled(n, -0f), be.toArray(u));
                be.fill(u, Float.NaN);
                Compare.exactly(name + " fill NaN " + shape(dims), Inputs.nan(n), be.toArray(u));
                float[] y = Inputs.uniform(r, n, -1, 1);
                be.copyIn(y, u);
                float[] back = new float[n];
                be.copyOut(u, back);
                Compare.exactly(name + " copyIn/copyOut " + shape(dims), y, back);
                Compare.exactly(name + " source untouched by copies " + shape(dims), x, be.toArray(t));
            }
        }
    }

    // -------------------------------------------------------------------------------------------------- GEMM

    /** Sizes around blocking edges (1, 7, 17, 63, 65, 129, 300), primes, and no multiple of any vector width. */
    private static final int[][] GEMM_SIZES = {
            {1, 1, 1}, {1, 7, 17}, {7, 1, 13}, {17, 13, 1}, {7, 13, 31}, {31, 97, 7}, {17, 33, 63}, {63, 65, 129},
            {65, 63, 17}, {129, 17, 65}, {33, 300, 17}, {300, 7, 65}, {1, 300, 129}, {300, 1, 300}, {259, 129, 63},
            {129, 129, 300}};

    private static final boolean[] BOOLS = {false, true};

    /** One GEMM case on both backends; C starts as {@code c0} (NaN-filled when beta == 0). */
    private void gemmCase(String what, SplittableRandom r, boolean ta, boolean tb, int m, int n, int k, float alpha,
                          float beta, Float biasScale, boolean biasAsRow, Activation act) {
        float[] a = Inputs.uniform(r, m * k, -1, 1);
        float[] b = Inputs.uniform(r, k * n, -1, 1);
        float[] c0 = beta == 0 ? Inputs.nan(m * n) : Inputs.uniform(r, m * n, -1, 1);
        float[] bias = biasScale == null ? null : Inputs.uniform(r, n, -biasScale, biasScale);
        String desc = what + " " + m + "x" + n + "x" + k + " transA=" + ta + " transB=" + tb + " alpha=" + alpha
                + " beta=" + beta + (bias == null ? "" : " bias" + (biasAsRow ? "[1,n]" : "[n]")) + " " + act.opName();
        Arg[] args = bias == null
                ? new Arg[] {in("A", a, ta ? k : m, ta ? m : k), in("B", b, tb ? n : k, tb ? k : n),
                        inOut("C", BY_TEST, c0, m, n)}
                : new Arg[] {in("A", a, ta ? k : m, ta ? m : k), in("B", b, tb ? n : k, tb ? k : n),
                        inOut("C", BY_TEST, c0, m, n), biasAsRow ? in("bias", bias, 1, n) : in("bias", bias, n)};
        Call call = (bk, t) -> {
            Epilogue epi = t.length > 3 ? Epilogue.of(t[3], act) : act == Activation.IDENTITY ? Epilogue.NONE
                    : Epilogue.of(null, act);
            bk.gemm(ta, tb, alpha, t[0], t[1], beta, t[2], epi);
            return 0;
        };
        Result[] res = compare(desc, call, args);
        float[] expected = res[0].data()[2];
        float[] actual = res[1].data()[2];
        if (beta == 0) {
            for (int i = 0; i < actual.length; i++) {
                assertFalse(Float.isNaN(actual[i]), name + " " + desc + ": NaN of C leaked through beta = 0 at ["
                        + i + "]");
            }
        }
        double[] bound = DotProductBound.afterActivation(act,
                DotProductBound.gemm(ta, tb, m, n, k, alpha, a, b, beta, c0, bias), expected);
        checkBounds(desc, bound, expected, actual);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void gemmEveryTransposePairAndSize(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(10);
        for (int[] s : GEMM_SIZES) {
            for (boolean ta : BOOLS) {
                for (boolean tb : BOOLS) {
                    gemmCase("gemm", r, ta, tb, s[0], s[1], s[2], 1f, 0f, null, false, Activation.IDENTITY);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void gemmAlphaBetaAndNaNFilledCWithBetaZero(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(11);
        float[][] alphaBeta = {{1, 1}, {-0.5f, 1.5f}, {2.25f, 0}, {0.75f, -1}, {0, 0.5f}, {1, 0}};
        int[][] sizes = {{1, 1, 1}, {7, 13, 31}, {17, 33, 63}, {65, 63, 17}, {129, 17, 65}};
        for (int[] s : sizes) {
            for (float[] ab : alphaBeta) {
                for (boolean ta : BOOLS) {
                    for (boolean tb : BOOLS) {
                        gemmCase("gemm", r, ta, tb, s[0], s[1], s[2], ab[0], ab[1], null, false,
                                Activation.IDENTITY);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void gemmEpilogueBiasAndEveryActivation(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(12);
        int[][] sizes = {{1, 1, 1}, {7, 13, 5}, {33, 65, 17}, {17, 129, 63}};
        int c = 0;
        for (Activation act : Activation.values()) {
            for (int[] s : sizes) {
                boolean ta = (c & 1) != 0;
                boolean tb = (c & 2) != 0;
                boolean biasAsRow = (c & 4) != 0;
                c++;
                gemmCase("gemm+epilogue", r, ta, tb, s[0], s[1], s[2], 1.5f, 0f, 2f, biasAsRow, act);
                gemmCase("gemm+epilogue", r, !ta, tb, s[0], s[1], s[2], -1f, 0.5f, 1f, !biasAsRow, act);
                // activation without a bias
                gemmCase("gemm+activation", r, ta, !tb, s[0], s[1], s[2], 1f, 0f, null, false, act);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void gemmZeroSizeDimensions(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(13);
        int[][] sizes = {{0, 5, 3}, {5, 0, 3}, {5, 3, 0}, {0, 0, 0}, {1, 4, 0}};
        for (int[] s : sizes) {
            for (boolean ta : BOOLS) {
                for (boolean tb : BOOLS) {
                    gemmCase("gemm", r, ta, tb, s[0], s[1], s[2], 1f, 0f, null, false, Activation.IDENTITY);
                    gemmCase("gemm", r, ta, tb, s[0], s[1], s[2], 2f, -0.5f, null, false, Activation.IDENTITY);
                    // k = 0: C = act(beta·C + bias)
                    gemmCase("gemm+epilogue", r, ta, tb, s[0], s[1], s[2], 1f, 0f, 1f, true, Activation.GELU_ERF);
                    gemmCase("gemm+epilogue", r, ta, tb, s[0], s[1], s[2], 1f, 2f, 1f, false, Activation.RELU);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void gemmLargeSquare(String backendName) {
        use(backendName);
        gemmCase("gemm", new SplittableRandom(14), false, false, 300, 300, 300, 1f, 0f, null, false,
                Activation.IDENTITY);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void batchedGemm(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(15);
        int[][] sizes = {{1, 1, 1, 1}, {3, 7, 13, 5}, {2, 17, 33, 65}, {4, 1, 63, 17}, {0, 3, 4, 5}, {2, 0, 4, 5},
                {2, 4, 0, 5}, {2, 4, 5, 0}};
        for (int[] s : sizes) {
            for (boolean ta : BOOLS) {
                for (boolean tb : BOOLS) {
                    for (float[] ab : new float[][] {{1, 0}, {-1.5f, 0.75f}}) {
                        int batch = s[0], m = s[1], n = s[2], k = s[3];
                        float alpha = ab[0];
                        float beta = ab[1];
                        float[] a = Inputs.uniform(r, batch * m * k, -1, 1);
                        float[] b = Inputs.uniform(r, batch * k * n, -1, 1);
                        float[] c0 = beta == 0 ? Inputs.nan(batch * m * n) : Inputs.uniform(r, batch * m * n, -1, 1);
                        String desc = "batched_gemm " + batch + "x" + m + "x" + n + "x" + k + " transA=" + ta
                                + " transB=" + tb + " alpha=" + alpha + " beta=" + beta;
                        Result[] res = compare(desc, (bk, t) -> {
                            bk.batchedGemm(ta, tb, alpha, t[0], t[1], beta, t[2]);
                            return 0;
                        }, in("A", a, batch, ta ? k : m, ta ? m : k), in("B", b, batch, tb ? n : k, tb ? k : n),
                                inOut("C", BY_TEST, c0, batch, m, n));
                        double[] bound = new double[batch * m * n];
                        for (int i = 0; i < batch; i++) {
                            double[] bi = DotProductBound.gemm(ta, tb, m, n, k, alpha,
                                    Arrays.copyOfRange(a, i * m * k, (i + 1) * m * k),
                                    Arrays.copyOfRange(b, i * k * n, (i + 1) * k * n), beta,
                                    Arrays.copyOfRange(c0, i * m * n, (i + 1) * m * n), null);
                            System.arraycopy(bi, 0, bound, i * m * n, m * n);
                        }
                        checkBounds(desc, bound, res[0].data()[2], res[1].data()[2]);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void gemmPropagatesNaNAndInfinityFromInputs(String backendName) {
        use(backendName);
        int m = 5, n = 7, k = 9;
        SplittableRandom r = new SplittableRandom(16);
        float[] a = Inputs.uniform(r, m * k, -1, 1);
        float[] b = Inputs.uniform(r, k * n, -1, 1);
        a[2 * k + 3] = Float.NaN;        // row 2 of C becomes NaN
        b[4 * n + 5] = Float.POSITIVE_INFINITY; // column 5 becomes ±inf (or NaN where row 2)
        Result[] res = compare("gemm with NaN/Inf inputs", (bk, t) -> {
            bk.gemm(false, false, 1f, t[0], t[1], 0f, t[2]);
            return 0;
        }, in("A", a, m, k), in("B", b, k, n), out("C", BY_TEST, m, n));
        checkBounds("gemm with NaN/Inf inputs", DotProductBound.gemm(false, false, m, n, k, 1f, a, b, 0f, null, null),
                res[0].data()[2], res[1].data()[2]);
        float[] c = res[1].data()[2];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float v = c[i * n + j];
                if (i == 2) {
                    assertTrue(Float.isNaN(v), name + " gemm: NaN in A row 2 must make C[2," + j + "] NaN, got " + v);
                } else if (j == 5) {
                    assertTrue(Float.isInfinite(v), name + " gemm: Inf in B column 5 must make C[" + i
                            + ",5] infinite, got " + v);
                } else {
                    assertTrue(Float.isFinite(v), name + " gemm: C[" + i + "," + j + "] must stay finite, got " + v);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- elementwise

    /** Shapes for elementwise ops: 1×1, primes, lengths no multiple of any vector width, zero sizes, rank 0 and 3. */
    private static final int[][] ELEMENTWISE_SHAPES = {{1, 1}, {7, 13}, {31, 97}, {17}, {33}, {259}, {0, 5}, {5, 0},
            {}, {2, 3, 17}, {3, 1000}};

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void binaryOpsWithBroadcasting(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(20);
        int[][][] pairs = {
                {{7, 13}, {7, 13}}, {{7, 13}, {13}}, {{7, 13}, {7, 1}}, {{1}, {7, 13}}, {{31, 97}, {97}},
                {{13}, {7, 13}}, {{7, 1}, {7, 13}}, {{1, 33}, {259, 1}}, {{2, 3, 17}, {3, 1}}, {{2, 3, 17}, {17}},
                {{259}, {259}}, {{17}, {1}}, {{}, {4, 3}}, {{4, 3}, {}}, {{0, 5}, {5}}, {{5, 0}, {5, 1}},
                {{3, 50_000}, {50_000}}};
        for (BinaryOp op : BinaryOp.values()) {
            for (int[][] p : pairs) {
                int[] outDims = io.kiln.core.Broadcast.resolve("test", io.kiln.core.Shape.of(p[0]),
                        io.kiln.core.Shape.of(p[1])).dims();
                float[] a = Inputs.uniform(r, Inputs.size(p[0]), -4, 4);
                float[] b = op == BinaryOp.DIV ? Inputs.awayFromZero(r, Inputs.size(p[1]), 0.25, 4)
                        : Inputs.uniform(r, Inputs.size(p[1]), -4, 4);
                // max/min/add/sub/mul are correctly rounded float operations: exact on every backend
                Tolerance tol = op == BinaryOp.DIV ? Tolerance.ELEMENTWISE : EXACT;
                String desc = op.opName() + " " + shape(p[0]) + " " + shape(p[1]);
                Result[] res = compare(desc, (bk, t) -> {
                    bk.binary(op, t[0], t[1], t[2]);
                    return 0;
                }, in("a", a, p[0]), in("b", b, p[1]), out("out", BY_TEST, outDims));
                if (tol == EXACT) {
                    Compare.exactly(name + " " + desc + ": out", res[0].data()[2], res[1].data()[2]);
                } else {
                    check(tol, name + " " + desc + ": out", res[0].data()[2], res[1].data()[2]);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void binaryOpsInPlace(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(21);
        for (BinaryOp op : BinaryOp.values()) {
            for (int[] dims : new int[][] {{7, 13}, {259}, {1, 1}, {0, 5}}) {
                int n = Inputs.size(dims);
                float[] a = Inputs.uniform(r, n, -4, 4);
                float[] b = Inputs.awayFromZero(r, n, 0.25, 4);
                compare(op.opName() + " out == a " + shape(dims), (bk, t) -> {
                    bk.binary(op, t[0], t[1], t[0]);
                    return 0;
                }, inOut("a/out", Tolerance.ELEMENTWISE, a, dims), in("b", b, dims));
                compare(op.opName() + " out == b " + shape(dims), (bk, t) -> {
                    bk.binary(op, t[1], t[0], t[0]);
                    return 0;
                }, inOut("b/out", Tolerance.ELEMENTWISE, b, dims), in("a", a, dims));
                compare(op.opName() + " a == b == out " + shape(dims), (bk, t) -> {
                    bk.binary(op, t[0], t[0], t[0]);
                    return 0;
                }, inOut("a/b/out", Tolerance.ELEMENTWISE, b, dims));
                // the broadcast operand may be the output's neighbour, never the output: [n] op [1] into a separate out
                compare(op.opName() + " a op scalar " + shape(dims), (bk, t) -> {
                    bk.binary(op, t[0], t[1], t[0]);
                    return 0;
                }, inOut("a/out", Tolerance.ELEMENTWISE, a, dims), in("b", new float[] {1.75f}, 1));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void binaryOpsPropagateSpecialValues(String backendName) {
        use(backendName);
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        float[] a = {nan, 1, inf, inf, -inf, 0, 0, -0f, 3, nan, 2, -inf};
        float[] b = {1, nan, -inf, inf, 2, 0, -0f, 0, inf, nan, 0, -inf};
        for (BinaryOp op : BinaryOp.values()) {
            Result[] res = compare(op.opName() + " special values", (bk, t) -> {
                bk.binary(op, t[0], t[1], t[2]);
                return 0;
            }, in("a", a, a.length), in("b", b, b.length), out("out", Tolerance.ELEMENTWISE, a.length));
            float[] o = res[1].data()[2];
            assertTrue(Float.isNaN(o[0]) && Float.isNaN(o[1]) && Float.isNaN(o[9]),
                    name + " " + op.opName() + ": a NaN operand gives NaN (Math.max/min semantics), got "
                            + Arrays.toString(o));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void scaleAxpyBiasAddClamp(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(22);
        for (int[] dims : ELEMENTWISE_SHAPES) {
            int n = Inputs.size(dims);
            float[] x = Inputs.uniform(r, n, -2, 2);
            float[] y = Inputs.uniform(r, n, -2, 2);
            String s = shape(dims);
            for (float alpha : new float[] {0f, -1.5f, 3f, 1f}) {
                // alpha·x is one correctly rounded float product
                compare("scale " + alpha + " " + s, (bk, t) -> {
                    bk.scale(alpha, t[0], t[1]);
                    return 0;
                }, in("x", x, dims), out("out", EXACT, dims));
                compare("scale in place " + alpha + " " + s, (bk, t) -> {
                    bk.scale(alpha, t[0], t[0]);
                    return 0;
                }, inOut("x/out", EXACT, x, dims));
                compare("axpy " + alpha + " " + s, (bk, t) -> {
                    bk.axpy(alpha, t[0], t[1]);
                    return 0;
                }, in("x", x, dims), inOut("y", Tolerance.ELEMENTWISE, y, dims));
            }
            compare("axpy x == y " + s, (bk, t) -> {
                bk.axpy(-0.5f, t[0], t[0]);
                return 0;
            }, inOut("x/y", Tolerance.ELEMENTWISE, x, dims));
            for (float[] lohi : new float[][] {{-0.5f, 0.5f}, {0, 0}, {Float.NEGATIVE_INFINITY, 0.25f},
                    {0.1f, Float.POSITIVE_INFINITY}, {-3, 3}}) {
                compare("clamp " + Arrays.toString(lohi) + " " + s, (bk, t) -> {
                    bk.clamp(t[0], lohi[0], lohi[1], t[1]);
                    return 0;
                }, in("x", x, dims), out("out", EXACT, dims));
                compare("clamp in place " + Arrays.toString(lohi) + " " + s, (bk, t) -> {
                    bk.clamp(t[0], lohi[0], lohi[1], t[0]);
                    return 0;
                }, inOut("x/out", EXACT, x, dims));
            }
        }
        // bias_add: ranks 1 to 4, bias as [cols] and [1, cols], in place
        for (int[] dims : new int[][] {{1, 1}, {7, 13}, {31, 97}, {259}, {2, 3, 17}, {2, 2, 3, 5}, {0, 5}, {5, 0},
                {3, 50_000}}) {
            int n = Inputs.size(dims);
            int cols = dims[dims.length - 1];
            float[] x = Inputs.uniform(r, n, -2, 2);
            float[] bias = Inputs.uniform(r, cols, -1, 1);
            for (boolean row : BOOLS) {
                int[] biasDims = row ? new int[] {1, cols} : new int[] {cols};
                String s = "bias_add " + shape(dims) + " bias " + shape(biasDims);
                // x + bias is one correctly rounded float sum: exact
                compare(s, (bk, t) -> {
                    bk.biasAdd(t[0], t[1], t[2]);
                    return 0;
                }, in("x", x, dims), in("bias", bias, biasDims), out("out", EXACT, dims));
                compare(s + " in place", (bk, t) -> {
                    bk.biasAdd(t[0], t[1], t[0]);
                    return 0;
                }, inOut("x/out", EXACT, x, dims), in("bias", bias, biasDims));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void clampKeepsNaNAndClampsInfinities(String backendName) {
        use(backendName);
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f, 0.3f};
        Result[] res = compare("clamp special values", (bk, t) -> {
            bk.clamp(t[0], -1f, 1f, t[1]);
            return 0;
        }, in("x", x, x.length), out("out", EXACT, x.length));
        float[] o = res[1].data()[1];
        assertTrue(Float.isNaN(o[0]), name + " clamp(NaN) stays NaN, got " + o[0]);
        assertEquals(1f, o[1], name + " clamp(+inf, -1, 1)");
        assertEquals(-1f, o[2], name + " clamp(-inf, -1, 1)");
    }

    /** Inputs in each unary op's domain. */
    private static float[] unaryInputs(UnaryOp op, SplittableRandom r, int n) {
        return switch (op) {
            case LOG, SQRT -> Inputs.logUniform(r, n, 1e-4, 1e4);
            case RECIPROCAL -> Inputs.awayFromZero(r, n, 1e-3, 1e3);
            case EXP -> {
                float[] x = Inputs.uniform(r, n, -20, 20);
                for (int i = 0; i < n; i += 29) {
                    x[i] = i % 2 == 0 ? 87f : -87f;  // near the float range's ends (e^88.7 overflows)
                }
                yield x;
            }
            case TANH -> Inputs.activation(r, n);
            case ERF -> Inputs.uniform(r, n, -5, 5);
            default -> Inputs.uniform(r, n, -10, 10);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void everyUnaryOp(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(23);
        for (UnaryOp op : UnaryOp.values()) {
            // neg, abs and square are one correctly rounded float operation: exact
            Tolerance tol = switch (op) {
                case NEG, ABS, SQUARE -> EXACT;
                default -> Tolerance.ELEMENTWISE;
            };
            for (int[] dims : ELEMENTWISE_SHAPES) {
                float[] x = unaryInputs(op, r, Inputs.size(dims));
                compare(op.opName() + " " + shape(dims), (bk, t) -> {
                    bk.unary(op, t[0], t[1]);
                    return 0;
                }, in("x", x, dims), out("out", tol, dims));
                compare(op.opName() + " in place " + shape(dims), (bk, t) -> {
                    bk.unary(op, t[0], t[0]);
                    return 0;
                }, inOut("x/out", tol, x, dims));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void unaryOpsFollowIeeeOnSpecialValues(String backendName) {
        use(backendName);
        float inf = Float.POSITIVE_INFINITY;
        float[] x = {Float.NaN, inf, -inf, 0f, -0f, -1f, 1e-30f, 1e30f, 100f, -100f, 0.5f};
        for (UnaryOp op : UnaryOp.values()) {
            Result[] res = compare(op.opName() + " special values " + Arrays.toString(x), (bk, t) -> {
                bk.unary(op, t[0], t[1]);
                return 0;
            }, in("x", x, x.length), out("out", Tolerance.ELEMENTWISE, x.length));
            assertTrue(Float.isNaN(res[1].data()[1][0]), name + " " + op.opName() + "(NaN) must be NaN");
        }
    }

    // ---------------------------------------------------------------------------------------------- activations

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void everyActivationForwardAndBackward(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(30);
        for (Activation act : Activation.values()) {
            for (int[] dims : ELEMENTWISE_SHAPES) {
                int n = Inputs.size(dims);
                float[] x = Inputs.activation(r, n);
                float[] dy = Inputs.uniform(r, n, -1, 1);
                String s = act.opName() + " " + shape(dims);
                compare(s, (bk, t) -> {
                    bk.activation(act, t[0], t[1]);
                    return 0;
                }, in("x", x, dims), out("y", Tolerance.ELEMENTWISE, dims));
                compare(s + " in place (y == x)", (bk, t) -> {
                    bk.activation(act, t[0], t[0]);
                    return 0;
                }, inOut("x/y", Tolerance.ELEMENTWISE, x, dims));
                compare(s + " backward", (bk, t) -> {
                    bk.activationBackward(act, t[0], t[1], t[2]);
                    return 0;
                }, in("x", x, dims), in("dy", dy, dims), out("dx", Tolerance.DERIVATIVE, dims));
                compare(s + " backward in place (dx == dy)", (bk, t) -> {
                    bk.activationBackward(act, t[0], t[1], t[1]);
                    return 0;
                }, in("x", x, dims), inOut("dy/dx", Tolerance.DERIVATIVE, dy, dims));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void activationsPropagateNaN(String backendName) {
        use(backendName);
        float inf = Float.POSITIVE_INFINITY;
        for (Activation act : Activation.values()) {
            // ±inf forward is well defined for every activation except x·σ(x)-shaped ones at −inf (−inf·0 = NaN in
            // the float64 formula and in PyTorch, but a formula detail): those get +inf only.
            boolean minusInf = switch (act) {
                case SILU, GELU_ERF, GELU_TANH, GELU_SIGMOID -> false;
                default -> true;
            };
            float[] x = {Float.NaN, 1e4f, -1e4f, 0f, -0f, 3f, -3f, 1e-40f, inf, minusInf ? -inf : -50f};
            float[] dy = {0.5f, 1f, -1f, 1f, 1f, 2f, -2f, 1f, 1f, 1f};
            Result[] fwd = compare(act.opName() + " special values", (bk, t) -> {
                bk.activation(act, t[0], t[1]);
                return 0;
            }, in("x", x, x.length), out("y", Tolerance.ELEMENTWISE, x.length));
            assertTrue(Float.isNaN(fwd[1].data()[1][0]), name + " " + act.opName() + "(NaN) must be NaN, got "
                    + fwd[1].data()[1][0]);
            // derivatives at ±inf are formula details (∞·0); check NaN and the finite specials only
            float[] xb = Arrays.copyOf(x, 8);
            float[] dyb = Arrays.copyOf(dy, 8);
            Result[] bwd = compare(act.opName() + " backward special values", (bk, t) -> {
                bk.activationBackward(act, t[0], t[1], t[2]);
                return 0;
            }, in("x", xb, xb.length), in("dy", dyb, dyb.length), out("dx", Tolerance.DERIVATIVE, xb.length));
            float dx0 = bwd[1].data()[2][0];
            if (act == Activation.IDENTITY) {
                assertEquals(dy[0], dx0, name + " identity backward passes dy through at x = NaN");
            } else {
                assertTrue(Float.isNaN(dx0), name + " " + act.opName() + " backward at x = NaN must be NaN, got "
                        + dx0);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- softmax

    /** Row-op shapes: 1×1, primes, non-multiples of vector widths, zero sizes, rank 1 and 3, 50 000 columns. */
    private static final int[][] ROW_SHAPES = {{1, 1}, {7, 13}, {31, 97}, {5, 17}, {4, 33}, {2, 259}, {259}, {1, 1000},
            {2, 3, 17}, {0, 5}, {5, 0}, {3, 50_000}};

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void softmaxAndLogSoftmaxForwardBackward(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(40);
        for (int[] dims : ROW_SHAPES) {
            int n = Inputs.size(dims);
            float[] x = Inputs.uniform(r, n, -10, 10);
            float[] dy = Inputs.uniform(r, n, -1, 1);
            String s = shape(dims);
            for (boolean log : BOOLS) {
                String op = log ? "log_softmax" : "softmax";
                Call forward = (bk, t) -> {
                    if (log) {
                        bk.logSoftmax(t[0], t[1]);
                    } else {
                        bk.softmax(t[0], t[1]);
                    }
                    return 0;
                };
                Tolerance tol = log ? Tolerance.LOG_SOFTMAX : Tolerance.SOFTMAX;
                Result[] res = compare(op + " " + s, forward, in("x", x, dims), out("y", tol, dims));
                if (!log) {
                    // relative to each probability, so the tiny ones of a 50 000-column row are checked too
                    check(Tolerance.PROBABILITY, name + " " + op + " " + s + ": y (relative)", res[0].data()[1],
                            res[1].data()[1]);
                }
                compare(op + " in place (y == x) " + s, (bk, t) -> {
                    if (log) {
                        bk.logSoftmax(t[0], t[0]);
                    } else {
                        bk.softmax(t[0], t[0]);
                    }
                    return 0;
                }, inOut("x/y", tol, x, dims));
                // backward from the reference's forward output, so only the backward kernel is compared
                float[] y = res[0].data()[1];
                Call backward = (bk, t) -> {
                    if (log) {
                        bk.logSoftmaxBackward(t[0], t[1], t[2]);
                    } else {
                        bk.softmaxBackward(t[0], t[1], t[2]);
                    }
                    return 0;
                };
                compare(op + "_backward " + s, backward, in("y", y, dims), in("dy", dy, dims),
                        out("dx", tol, dims));
                compare(op + "_backward in place (dx == dy) " + s, (bk, t) -> {
                    if (log) {
                        bk.logSoftmaxBackward(t[0], t[1], t[1]);
                    } else {
                        bk.softmaxBackward(t[0], t[1], t[1]);
                    }
                    return 0;
                }, in("y", y, dims), inOut("dy/dx", tol, dy, dims));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void softmaxSpecialValues(String backendName) {
        use(backendName);
        float inf = Float.POSITIVE_INFINITY;
        int cols = 7;
        float[] x = {
                0.5f, -1f, 2f, 0f, 3f, -2f, 1f,                       // 0: ordinary
                0.5f, -1f, Float.NaN, 0f, 3f, -2f, 1f,                // 1: a NaN: this row only becomes NaN
                0.5f, -inf, 2f, -inf, 3f, -2f, 1f,                    // 2: masked (−inf) entries get probability 0
                1e4f, 9999f, -1e4f, 5e3f, 1e4f, -3e4f, 9998f,         // 3: large magnitudes (needs max-subtraction)
                -inf, -inf, -inf, -inf, -inf, -inf, -inf,             // 4: all masked: −inf − (−inf) = NaN
                80f, 85f, 88f, 88.5f, 70f, 60f, 87f};                 // 5: e^x near float overflow
        int rows = x.length / cols;
        for (boolean log : BOOLS) {
            String op = log ? "log_softmax" : "softmax";
            Result[] res = compare(op + " special values", (bk, t) -> {
                if (log) {
                    bk.logSoftmax(t[0], t[1]);
                } else {
                    bk.softmax(t[0], t[1]);
                }
                return 0;
            }, in("x", x, rows, cols), out("y", log ? Tolerance.LOG_SOFTMAX : Tolerance.SOFTMAX, rows, cols));
            float[] y = res[1].data()[1];
            for (int rr = 0; rr < rows; rr++) {
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    float v = y[rr * cols + j];
                    String at = name + " " + op + " row " + rr + " col " + j + ": ";
                    if (rr == 1 || rr == 4) {
                        assertTrue(Float.isNaN(v), at + "expected NaN, got " + v);
                    } else if (x[rr * cols + j] == -inf) {
                        assertEquals(log ? -inf : 0f, v, at + "a −inf logit gives " + (log ? "−inf" : "0"));
                    } else {
                        assertTrue(Float.isFinite(v), at + "expected a finite value, got " + v);
                        sum += log ? Math.exp(v) : v;
                    }
                }
                if (rr != 1 && rr != 4) {
                    assertEquals(1.0, sum, 1e-5, name + " " + op + " row " + rr + " sums to 1");
                }
            }
        }
    }

    // -------------------------------------------------------------------------------------------------- losses

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void mseLossWithAndWithoutGradient(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(50);
        for (int[] dims : new int[][] {{1}, {1, 1}, {7, 13}, {259}, {31, 97}, {2, 3, 17}, {3, 50_000}, {0, 5}}) {
            int n = Inputs.size(dims);
            float[] pred = Inputs.uniform(r, n, -2, 2);
            float[] target = Inputs.uniform(r, n, -2, 2);
            String s = "mse_loss " + shape(dims);
            Result[] noGrad = compare(s, (bk, t) -> bk.mseLoss(t[0], t[1], null), in("pred", pred, dims),
                    in("target", target, dims));
            checkScalar(Tolerance.LOSS, s + " loss", noGrad[0].scalar(), noGrad[1].scalar());
            Result[] grad = compare(s + " with grad", (bk, t) -> bk.mseLoss(t[0], t[1], t[2]),
                    in("pred", pred, dims), in("target", target, dims), out("dpred", Tolerance.ELEMENTWISE, dims));
            checkScalar(Tolerance.LOSS, s + " loss (with grad)", grad[0].scalar(), grad[1].scalar());
            if (n == 0) {
                assertTrue(Float.isNaN(grad[1].scalar()), name + " " + s + ": the mean of no elements is NaN");
            }
            // dpred may be pred itself (the loss is read first)
            Result[] inPlace = compare(s + " dpred == pred", (bk, t) -> bk.mseLoss(t[0], t[1], t[0]),
                    inOut("pred/dpred", Tolerance.ELEMENTWISE, pred, dims), in("target", target, dims));
            checkScalar(Tolerance.LOSS, s + " loss (dpred == pred)", inPlace[0].scalar(), inPlace[1].scalar());
        }
    }

    /** Shapes for cross-entropy ([rows, classes]). */
    private static final int[][] CE_SHAPES = {{1, 1}, {1, 7}, {7, 13}, {31, 97}, {4, 259}, {17, 33}, {3, 50_000},
            {0, 5}};

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void crossEntropyWithIntegerLabels(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(51);
        for (int[] dims : CE_SHAPES) {
            int rows = dims[0], cols = dims[1];
            float[] logits = Inputs.uniform(r, rows * cols, -10, 10);
            int[] labels = Inputs.labels(r, rows, cols);
            String s = "cross_entropy " + shape(dims);
            Result[] lossOnly = compare(s, (bk, t) -> bk.crossEntropy(t[0], labels, null), in("logits", logits, dims));
            checkScalar(Tolerance.LOSS, s + " loss", lossOnly[0].scalar(), lossOnly[1].scalar());
            Result[] fused = compare(s + " fused with dlogits", (bk, t) -> bk.crossEntropy(t[0], labels, t[1]),
                    in("logits", logits, dims), out("dlogits", Tolerance.LOSS, dims));
            checkScalar(Tolerance.LOSS, s + " loss (fused)", fused[0].scalar(), fused[1].scalar());
            checkOffLabelRelative(s + " dlogits", fused[0].data()[1], fused[1].data()[1], labels, cols);
            if (rows == 0) {
                assertTrue(Float.isNaN(fused[1].scalar()), name + " " + s + ": the mean over no rows is NaN");
            }
            Result[] inPlace = compare(s + " dlogits == logits", (bk, t) -> bk.crossEntropy(t[0], labels, t[0]),
                    inOut("logits/dlogits", Tolerance.LOSS, logits, dims));
            checkScalar(Tolerance.LOSS, s + " loss (in place)", inPlace[0].scalar(), inPlace[1].scalar());
        }
    }

    /** dlogits away from the labels are softmax/N: checked relative to their own size (see PROBABILITY). */
    private void checkOffLabelRelative(String what, float[] expected, float[] actual, int[] labels, int cols) {
        float[] e = expected.clone();
        float[] a = actual.clone();
        for (int i = 0; i < labels.length; i++) {
            e[i * cols + labels[i]] = 0;
            a[i * cols + labels[i]] = 0;
        }
        check(Tolerance.PROBABILITY, name + " " + what + " (off the labels, relative)", e, a);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void crossEntropyWithSoftLabels(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(52);
        for (int[] dims : CE_SHAPES) {
            int rows = dims[0], cols = dims[1];
            float[] logits = Inputs.uniform(r, rows * cols, -10, 10);
            for (boolean normalized : BOOLS) {
                // rows of probabilities, or rows weighted by a factor in [0.25, 3] (the formula scales softmax by
                // Σ targets); uniform [0, 1] targets would make Σ t ≈ cols/2 and p·Σt − t a cancellation of two O(1)
                // terms at 50 000 columns, which no real label does
                float[] targets = normalized ? Inputs.softLabels(r, rows, cols)
                        : Inputs.weightedSoftLabels(r, rows, cols, 0.25, 3);
                String s = "cross_entropy_soft " + shape(dims) + (normalized ? "" : " unnormalized targets");
                Result[] lossOnly = compare(s, (bk, t) -> bk.crossEntropySoft(t[0], t[1], null),
                        in("logits", logits, dims), in("targets", targets, dims));
                checkScalar(Tolerance.LOSS, s + " loss", lossOnly[0].scalar(), lossOnly[1].scalar());
                Result[] fused = compare(s + " fused with dlogits",
                        (bk, t) -> bk.crossEntropySoft(t[0], t[1], t[2]), in("logits", logits, dims),
                        in("targets", targets, dims), out("dlogits", Tolerance.LOSS, dims));
                checkScalar(Tolerance.LOSS, s + " loss (fused)", fused[0].scalar(), fused[1].scalar());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void crossEntropyNaNRowStaysInItsRow(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(53);
        int rows = 3, cols = 11;
        float[] logits = Inputs.uniform(r, rows * cols, -5, 5);
        logits[cols + 4] = Float.NaN;
        int[] labels = {2, 7, 10};
        float[] targets = Inputs.softLabels(r, rows, cols);
        Result[] hard = compare("cross_entropy with a NaN logit", (bk, t) -> bk.crossEntropy(t[0], labels, t[1]),
                in("logits", logits, rows, cols), out("dlogits", Tolerance.LOSS, rows, cols));
        Result[] soft = compare("cross_entropy_soft with a NaN logit",
                (bk, t) -> bk.crossEntropySoft(t[0], t[1], t[2]), in("logits", logits, rows, cols),
                in("targets", targets, rows, cols), out("dlogits", Tolerance.LOSS, rows, cols));
        for (Result[] res : List.of(hard, soft)) {
            float loss = res[1].scalar();
            float[] g = res[1].data()[res[1].data().length - 1];
            assertTrue(Float.isNaN(loss), name + " cross-entropy: a NaN logit makes the mean loss NaN, got " + loss);
            for (int i = 0; i < rows * cols; i++) {
                boolean inNaNRow = i / cols == 1;
                assertEquals(inNaNRow, Float.isNaN(g[i]), name + " cross-entropy dlogits[" + i + "]: NaN exactly "
                        + "in the row of the NaN logit, got " + g[i]);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- reductions

    /** The SUM/MEAN bound per output: RTOL·Σ|x| over the reduced elements (÷ count for MEAN). */
    private static double[] reduceBound(Reduction red, float[] x, int rows, int cols, boolean alongRows) {
        int outer = alongRows ? rows : cols;
        int inner = alongRows ? cols : rows;
        double[] bound = new double[outer];
        for (int o = 0; o < outer; o++) {
            double abs = 0;
            for (int i = 0; i < inner; i++) {
                abs += Math.abs(alongRows ? x[o * cols + i] : x[i * cols + o]);
            }
            bound[o] = DotProductBound.sum(abs) / (red == Reduction.MEAN ? Math.max(inner, 1) : 1);
        }
        return bound;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void reduceSumMeanMaxOverBothAxesAndRankOne(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(60);
        int[][] shapes = {{1, 1}, {7, 13}, {31, 97}, {259, 33}, {3, 50_000}, {50_000, 3}, {0, 5}, {5, 0}, {17}, {259},
                {50_000}, {0}, {1}};
        for (int[] dims : shapes) {
            int n = Inputs.size(dims);
            float[] x = Inputs.uniform(r, n, -1, 2);
            boolean rank1 = dims.length == 1;
            int rows = rank1 ? 1 : dims[0];
            int cols = rank1 ? dims[0] : dims[1];
            for (Reduction red : Reduction.values()) {
                for (int axis : rank1 ? new int[] {0, -1} : new int[] {0, 1, -1}) {
                    boolean alongRows = rank1 || axis != 0;
                    int outN = rank1 ? 1 : alongRows ? rows : cols;
                    String s = "reduce_" + red.opName() + " " + shape(dims) + " axis " + axis;
                    Result[] res = compare(s, (bk, t) -> {
                        bk.reduce(red, t[0], axis, t[1]);
                        return 0;
                    }, in("x", x, dims), out("out", BY_TEST, outN));
                    float[] e = res[0].data()[1];
                    float[] a = res[1].data()[1];
                    if (red == Reduction.MAX) {
                        Compare.exactly(name + " " + s, e, a);   // a max is one of the inputs: exact
                    } else {
                        checkBounds(s, reduceBound(red, x, rows, cols, alongRows), e, a);
                    }
                }
            }
        }
        // rank-0 out for a rank-1 reduction
        float[] v = Inputs.uniform(r, 33, -1, 1);
        Result[] res = compare("reduce_sum [33] into a scalar", (bk, t) -> {
            bk.reduce(Reduction.SUM, t[0], 0, t[1]);
            return 0;
        }, in("x", v, 33), out("out", BY_TEST));
        checkBounds("reduce_sum [33] into a scalar", reduceBound(Reduction.SUM, v, 1, 33, true), res[0].data()[1],
                res[1].data()[1]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void reduceOfEmptyAxesAndNaN(String backendName) {
        use(backendName);
        // [5, 0] over axis 1: five empty rows. SUM 0, MEAN NaN, MAX −inf (as documented).
        float[][] expected = {Inputs.filled(5, 0f), Inputs.nan(5), Inputs.filled(5, Float.NEGATIVE_INFINITY)};
        for (Reduction red : Reduction.values()) {
            Result[] res = compare("reduce_" + red.opName() + " of empty rows", (bk, t) -> {
                bk.reduce(red, t[0], 1, t[1]);
                return 0;
            }, in("x", new float[0], 5, 0), out("out", EXACT, 5));
            Compare.exactly(name + " reduce_" + red.opName() + " of empty rows", expected[red.ordinal()],
                    res[1].data()[1]);
        }
        // NaN at (1, 2) of a 3×5: MAX is NaN exactly in row 1 (axis 1) and column 2 (axis 0); so are SUM and MEAN
        float[] x = Inputs.uniform(new SplittableRandom(61), 15, -1, 1);
        x[7] = Float.NaN;
        x[3] = Float.POSITIVE_INFINITY;
        for (Reduction red : Reduction.values()) {
            for (int axis : new int[] {0, 1}) {
                String s = "reduce_" + red.opName() + " with NaN axis " + axis;
                Result[] res = compare(s, (bk, t) -> {
                    bk.reduce(red, t[0], axis, t[1]);
                    return 0;
                }, in("x", x, 3, 5), out("out", Tolerance.REDUCTION, axis == 1 ? 3 : 5));
                float[] o = res[1].data()[1];
                for (int i = 0; i < o.length; i++) {
                    boolean nanExpected = axis == 1 ? i == 1 : i == 2;
                    assertEquals(nanExpected, Float.isNaN(o[i]), name + " " + s + " out[" + i + "] = " + o[i]);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void argmaxFirstOnTiesAndNaNAsMaximum(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(62);
        int[][] shapes = {{1, 1}, {7, 13}, {31, 97}, {259, 33}, {3, 50_000}, {17}, {259}, {0, 5}};
        for (int[] dims : shapes) {
            float[] x = Inputs.uniform(r, Inputs.size(dims), -1, 1);
            boolean rank1 = dims.length == 1;
            for (int axis : rank1 ? new int[] {0} : new int[] {1, 0}) {
                if (!rank1 && dims[0] == 0 && axis == 0) {
                    continue; // argmax over an empty axis is refused (BadInputTest)
                }
                int outN = rank1 ? 1 : axis == 1 ? dims[0] : dims[1];
                int[] e = new int[outN];
                int[] a = new int[outN];
                Arrays.fill(a, -7);
                try (Tensor tr = ref.fromArray(x, dims); Tensor tb = be.fromArray(x, dims)) {
                    ref.argmax(tr, axis, e);
                    be.argmax(tb, axis, a);
                }
                Compare.exactly(name + " argmax " + shape(dims) + " axis " + axis, e, a);
            }
        }
        // ties (first wins, ±0 tie), NaN counts as the maximum (first NaN), infinities
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        float[] x = {
                1, 3, 3, 2, 3,
                0, -0f, 0, -1, -2,
                -inf, -inf, -inf, -inf, -inf,
                1, nan, 5, nan, inf,
                inf, 2, inf, nan, 1};
        int[][] expected = {{1, 0, 0, 1, 3}, {4, 3, 4, 3, 3}};
        for (int axis : new int[] {1, 0}) {
            int[] a = new int[5];
            try (Tensor t = be.fromArray(x, 5, 5)) {
                be.argmax(t, axis, a);
            }
            Compare.exactly(name + " argmax ties/NaN axis " + axis, expected[axis == 1 ? 0 : 1], a);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void l2NormOverSeveralTensors(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(63);
        int[][][] groups = {{{7, 13}}, {{7, 13}, {259}, {0, 5}}, {{3, 50_000}}, {{1}}, {{0}}, {{2, 3, 17}, {33}}};
        for (int[][] group : groups) {
            Arg[] args = new Arg[group.length];
            for (int i = 0; i < group.length; i++) {
                args[i] = in("t" + i, Inputs.uniform(r, Inputs.size(group[i]), -2, 2), group[i]);
            }
            String s = "l2_norm of " + Arrays.deepToString(group);
            Result[] res = compare(s, (bk, t) -> bk.l2Norm(t), args);
            checkScalar(Tolerance.REDUCTION, s, res[0].scalar(), res[1].scalar());
        }
        assertEquals(0f, be.l2Norm(), name + " l2_norm of no tensors");
    }

    // ------------------------------------------------------------------------------------------------- dropout

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void dropoutMasksMatchBitForBit(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(70);
        int[][] shapes = {{1}, {7, 13}, {259}, {33, 17}, {3, 1000}, {0, 5}, {2, 3, 17}};
        float[] ps = {0f, 0.1f, 0.5f, 0.9f, 1f};
        long[] seeds = {0L, 42L, -1L, 0x123456789ABCDEFL};
        long[] offsets = {0L, 1L, 3L, 5L, (1L << 33) + 2};
        int c = 0;
        for (int[] dims : shapes) {
            int n = Inputs.size(dims);
            float[] x = Inputs.uniform(r, n, -3, 3);
            for (float p : ps) {
                for (int si = 0; si < 2; si++) {
                    long seed = seeds[(c + si) % seeds.length];
                    long offset = offsets[(c * 3 + si) % offsets.length];
                    c++;
                    String s = "dropout " + shape(dims) + " p=" + p + " seed=" + seed + " offset=" + offset;
                    float[] expected = dropoutByDefinition(x, p, seed, offset);
                    Result[] fwd = compare(s, (bk, t) -> {
                        bk.dropout(t[0], p, seed, offset, t[1]);
                        return 0;
                    }, in("x", x, dims), out("y", EXACT, dims));
                    Compare.exactly(name + " " + s + ": y against Philox by definition", expected, fwd[1].data()[1]);
                    Result[] bwd = compare(s + " backward", (bk, t) -> {
                        bk.dropoutBackward(t[0], p, seed, offset, t[1]);
                        return 0;
                    }, in("dy", x, dims), out("dx", EXACT, dims));
                    Compare.exactly(name + " " + s + ": backward equals forward's map", expected, bwd[1].data()[1]);
                    compare(s + " in place", (bk, t) -> {
                        bk.dropout(t[0], p, seed, offset, t[0]);
                        return 0;
                    }, inOut("x/y", EXACT, x, dims));
                }
            }
        }
    }

    /** keep element i iff Philox.toUniform(word(seed, offset + i)) ≥ p; kept values scaled by (float) 1/(1 − p). */
    static float[] dropoutByDefinition(float[] x, float p, long seed, long offset) {
        float scale = ReferenceBackend.dropoutScale(p);
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Philox.toUniform(Philox.word(seed, offset + i)) >= p ? x[i] * scale : 0f;
        }
        return y;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void dropoutMaskDependsOnlyOnSeedAndElementIndex(String backendName) {
        use(backendName);
        // one call over 2n elements equals two calls over the halves with offsets o and o + n
        int n = 1001;
        long seed = 7, offset = 13;
        float[] x = Inputs.uniform(new SplittableRandom(71), 2 * n, -1, 1);
        float[] whole;
        float[] lo;
        float[] hi;
        try (Tensor t = be.fromArray(x, 2 * n); Tensor y = be.allocate(2 * n);
             Tensor t1 = be.fromArray(Arrays.copyOfRange(x, 0, n), n);
             Tensor t2 = be.fromArray(Arrays.copyOfRange(x, n, 2 * n), n); Tensor y1 = be.allocate(n);
             Tensor y2 = be.allocate(n)) {
            be.dropout(t, 0.3f, seed, offset, y);
            be.dropout(t1, 0.3f, seed, offset, y1);
            be.dropout(t2, 0.3f, seed, offset + n, y2);
            whole = be.toArray(y);
            lo = be.toArray(y1);
            hi = be.toArray(y2);
        }
        Compare.exactly(name + " dropout first half", Arrays.copyOfRange(whole, 0, n), lo);
        Compare.exactly(name + " dropout second half", Arrays.copyOfRange(whole, n, 2 * n), hi);
        int kept = 0;
        for (float v : whole) {
            kept += v != 0 ? 1 : 0;
        }
        // 2002 draws at keep-probability 0.7: mean 1401.4, σ ≈ 20.5; 5σ either side
        assertTrue(Math.abs(kept - 1401.4) < 5 * 20.5, name + " dropout p=0.3 kept " + kept + " of 2002");
    }

    // ---------------------------------------------------------------------------------------------- optimizers

    private static final int[][] PARAM_SHAPES = {{7, 13}, {259}, {1}, {0, 5}, {3, 1000}};

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sgdEveryVariantOverSeveralSteps(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(80);
        SgdConfig[] configs = {
                SgdConfig.plain(0.1f),
                SgdConfig.plain(0.05f).withWeightDecay(0.01f),
                SgdConfig.plain(0.05f).withL1(0.001f),
                SgdConfig.momentum(0.1f, 0.9f),
                new SgdConfig(0.1f, 0.9f, 0.25f, false, 0, 0),
                SgdConfig.nesterov(0.1f, 0.9f),
                new SgdConfig(0.03f, 0.8f, 0, true, 0.02f, 0.005f),
                new SgdConfig(0.02f, 0.5f, 0.1f, false, 0.01f, 0.002f),
                SgdConfig.plain(0f)};
        for (int[] dims : PARAM_SHAPES) {
            int n = Inputs.size(dims);
            float[] p0 = Inputs.uniform(r, n, -1, 1);
            if (n > 2) {
                p0[1] = 0f; // sign(0) = 0 for the L1 term
            }
            float[][] grads = new float[5][];
            for (int s = 0; s < grads.length; s++) {
                grads[s] = Inputs.uniform(r, n, -1, 1);
            }
            for (SgdConfig cfg : configs) {
                for (int steps : new int[] {1, 5}) {
                    String s = "sgd " + cfg + " " + shape(dims) + " after " + steps + " step(s)";
                    compare(s, (bk, t) -> {
                        for (int step = 1; step <= steps; step++) {
                            bk.copyIn(grads[step - 1], t[1]);
                            bk.sgdStep(cfg, step, t[0], t[1], cfg.usesMomentum() ? t[2] : null);
                        }
                        return 0;
                    }, inOut("param", Tolerance.OPTIMIZER, p0, dims), inOut("grad", null, grads[0], dims),
                            inOut("momentum_buffer", cfg.usesMomentum() ? Tolerance.OPTIMIZER : null,
                                    Inputs.uniform(new SplittableRandom(n), n, -1, 1), dims));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void adamAndAdamWOverSeveralSteps(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(81);
        AdamConfig[] configs = {
                AdamConfig.adam(1e-3f),
                AdamConfig.adam(1e-2f).withWeightDecay(0.1f),
                AdamConfig.adamW(1e-2f),
                new AdamConfig(0.05f, 0.5f, 0.9f, 1e-6f, 0.05f, true),
                new AdamConfig(0.01f, 0f, 0f, 1e-8f, 0f, false),
                new AdamConfig(0.01f, 0.9f, 0.999f, 0.1f, 0f, false)};
        for (int[] dims : PARAM_SHAPES) {
            int n = Inputs.size(dims);
            float[] p0 = Inputs.uniform(r, n, -1, 1);
            float[][] grads = new float[5][];
            for (int s = 0; s < grads.length; s++) {
                grads[s] = Inputs.uniform(r, n, -1, 1);
            }
            for (AdamConfig cfg : configs) {
                for (long first : new long[] {1, 1000}) {
                    String s = (cfg.decoupled() ? "adamw " : "adam ") + cfg + " " + shape(dims) + " steps " + first
                            + ".." + (first + 4);
                    compare(s, (bk, t) -> {
                        for (int i = 0; i < 5; i++) {
                            bk.copyIn(grads[i], t[1]);
                            bk.adamStep(cfg, first + i, t[0], t[1], t[2], t[3]);
                        }
                        return 0;
                    }, inOut("param", Tolerance.OPTIMIZER, p0, dims), inOut("grad", null, grads[0], dims),
                            inOut("m", Tolerance.OPTIMIZER, new float[n], dims),
                            inOut("v", Tolerance.OPTIMIZER, new float[n], dims));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void clipGradNormScalesOnlyAboveTheMaximum(String backendName) {
        use(backendName);
        SplittableRandom r = new SplittableRandom(82);
        int[][] shapes = {{7, 13}, {259}, {0, 5}, {3, 1000}};
        Arg[] args = new Arg[shapes.length];
        Arg[] unchanged = new Arg[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            float[] g = Inputs.uniform(r, Inputs.size(shapes[i]), -1, 1);
            args[i] = inOut("grads[" + i + "]", Tolerance.CLIP_GRAD_NORM, g, shapes[i]);
            unchanged[i] = inOut("grads[" + i + "]", null, g, shapes[i]);
        }
        // the norm is ~ √(3350/3) ≈ 33: clipping to 1 scales every grad; 1e3 leaves them bit for bit unchanged
        Result[] clipped = compare("clip_grad_norm max 1", (bk, t) -> bk.clipGradNorm(1f, t), args);
        checkScalar(Tolerance.REDUCTION, "clip_grad_norm max 1: returned norm", clipped[0].scalar(),
                clipped[1].scalar());
        assertTrue(clipped[1].scalar() > 30, name + " clip_grad_norm returns the norm before clipping");
        Result[] kept = compare("clip_grad_norm max 1e3", (bk, t) -> bk.clipGradNorm(1e3f, t), unchanged);
        checkScalar(Tolerance.REDUCTION, "clip_grad_norm max 1e3: returned norm", kept[0].scalar(), kept[1].scalar());
        // after clipping, the norm is max_norm (up to the 1e-6 guard)
        try (Tensor t0 = be.fromArray(clipped[1].data()[0], shapes[0]);
             Tensor t1 = be.fromArray(clipped[1].data()[1], shapes[1]);
             Tensor t3 = be.fromArray(clipped[1].data()[3], shapes[3])) {
            Tolerance.REDUCTION.assertClose(name + " norm after clipping", 1.0, be.l2Norm(t0, t1, t3));
        }
    }
}
