package io.kiln.backend.simd;

import io.kiln.core.Activation;
import io.kiln.core.AdamConfig;
import io.kiln.core.Backend;
import io.kiln.core.BackendProvider;
import io.kiln.core.Backends;
import io.kiln.core.BinaryOp;
import io.kiln.core.Broadcast;
import io.kiln.core.Philox;
import io.kiln.core.Reduction;
import io.kiln.core.SgdConfig;
import io.kiln.core.Shape;
import io.kiln.core.Tensor;
import io.kiln.core.UnaryOp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every non-GEMM op of the SIMD backend against float64 formulas written here, on sizes that hit the vector body,
 * the masked tail, zero sizes, and the parallel split (more than two chunks of {@link SimdBackend#ELEMENT_GRAIN}).
 */
class SimdBackendTest {
    private static final SimdBackend B = new SimdBackend(2, GemmBlocking.defaults());
    /** 0, 1, primes, non-multiples of 16, and one size large enough to run on two threads. */
    private static final int[] SIZES = {0, 1, 7, 16, 17, 31, 257, 4099, 3 * SimdBackend.ELEMENT_GRAIN + 5};

    @AfterAll
    static void close() {
        B.close();
    }

    static float[] rand(int n, long seed, float scale) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * scale);
        }
        return x;
    }

    static Tensor t(float[] x, int... dims) {
        return B.fromArray(x, dims);
    }

    /** |actual − expected| ≤ atol + rtol·|expected| elementwise, NaN where expected is NaN. */
    static void close(String what, double[] expected, float[] actual, double rtol, double atol) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            float a = actual[i];
            if (Double.isNaN(e)) {
                assertTrue(Float.isNaN(a), what + "[" + i + "]: expected NaN, got " + a);
                continue;
            }
            if (Double.isInfinite(e)) {
                assertEquals(e, a, 0, what + "[" + i + "]");
                continue;
            }
            double tol = atol + rtol * Math.abs(e);
            if (!(Math.abs(a - e) <= tol)) {
                fail(what + "[" + i + "]: expected " + e + ", got " + a + " (tolerance " + tol + ")");
            }
        }
    }

    static double[] map(float[] x, DoubleUnaryOperator f) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = f.applyAsDouble(x[i]);
        }
        return y;
    }

    // ------------------------------------------------------------------------------------------- provider

    @Test
    void providerIsRegisteredAndAvailable() {
        BackendProvider found = null;
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals("simd")) {
                found = p;
            }
        }
        assertTrue(found != null, "simd provider not registered in META-INF/services");
        assertEquals(30, found.priority());
        assertTrue(found.unavailableReason().isEmpty(), () -> "unavailable here: " + "simd");
        Backend b = Backends.select("simd");
        assertEquals("simd", b.name());
        assertTrue(b.description().contains("lanes"));
    }

    // ------------------------------------------------------------------------------------------ elementwise

    @Test
    void unaryOps() {
        for (int n : SIZES) {
            float[] x = rand(n, n, 3f);
            for (UnaryOp op : UnaryOp.values()) {
                float[] in = x.clone();
                if (op == UnaryOp.LOG || op == UnaryOp.SQRT) {
                    for (int i = 0; i < n; i++) {
                        in[i] = Math.abs(in[i]) + (i % 5 == 0 ? 0 : 1e-3f);
                    }
                }
                Tensor xt = t(in, n);
                Tensor yt = B.allocate(n);
                B.unary(op, xt, yt);
                DoubleUnaryOperator f = switch (op) {
                    case NEG -> v -> -v;
                    case ABS -> Math::abs;
                    case EXP -> Math::exp;
                    case LOG -> Math::log;
                    case TANH -> Math::tanh;
                    case ERF -> Oracle::erf;
                    case SQRT -> Math::sqrt;
                    case RECIPROCAL -> v -> 1.0 / v;
                    case SQUARE -> v -> v * v;
                };
                // exact ops: half an ulp (1 ulp rel); transcendentals: their documented ulp bounds
                double rtol = switch (op) {
                    case EXP, LOG -> 2.5e-7;
                    case TANH -> 6e-7;
                    case ERF -> 7e-7;
                    default -> 6e-8;
                };
                close(op.opName() + " n=" + n, map(in, f), B.toArray(yt), rtol, 1e-37);
            }
        }
    }

    @Test
    void binaryOpsWithBroadcasting() {
        int[][][] cases = {
            {{3, 5}, {3, 5}}, {{3, 5}, {5}}, {{3, 5}, {3, 1}}, {{1, 5}, {4, 1}}, {{2, 3, 4}, {3, 1}},
            {{17}, {1}}, {{1}, {17}}, {{}, {4}}, {{0, 5}, {5}}, {{2, 1, 33}, {2, 7, 1}}, {{300, 40}, {300, 40}},
            {{5, 1, 1}, {1, 1, 19}}, {{4, 70000}, {70000}},
        };
        for (int[][] c : cases) {
            Shape sa = Shape.of(c[0]);
            Shape sb = Shape.of(c[1]);
            Shape so = Broadcast.resolve("t", sa, sb);
            float[] a = rand(sa.size(), 1, 2f);
            float[] b = rand(sb.size(), 2, 2f);
            int[] stA = Broadcast.strides(sa, so);
            int[] stB = Broadcast.strides(sb, so);
            for (BinaryOp op : BinaryOp.values()) {
                Tensor out = B.allocate(so.dims());
                B.binary(op, t(a, c[0]), t(b, c[1]), out);
                double[] expected = new double[so.size()];
                int[] idx = new int[so.rank()];
                for (int i = 0; i < expected.length; i++) {
                    int rem = i;
                    int ia = 0;
                    int ib = 0;
                    for (int d = so.rank() - 1; d >= 0; d--) {
                        idx[d] = rem % so.dim(d);
                        rem /= so.dim(d);
                        ia += idx[d] * stA[d];
                        ib += idx[d] * stB[d];
                    }
                    expected[i] = op.apply(a[ia], b[ib]);
                }
                close(op.opName() + " " + sa + " " + sb, expected, B.toArray(out), 0, 0);
            }
        }
    }

    @Test
    void scaleAxpyBiasClampFillCopy() {
        for (int n : SIZES) {
            float[] x = rand(n, 3, 1f);
            float[] y = rand(n, 4, 1f);
            Tensor out = B.allocate(n);
            B.scale(-1.5f, t(x, n), out);
            close("scale", map(x, v -> (float) (-1.5 * v)), B.toArray(out), 0, 0);
            Tensor yt = t(y, n);
            B.axpy(0.75f, t(x, n), yt);
            double[] ax = new double[n];
            for (int i = 0; i < n; i++) {
                ax[i] = (float) (0.75 * x[i] + y[i]);
            }
            close("axpy", ax, B.toArray(yt), 0, 0);
            B.clamp(t(x, n), -0.5f, 0.25f, out);
            close("clamp", map(x, v -> Math.min(Math.max(v, -0.5), 0.25)), B.toArray(out), 0, 0);
            B.fill(out, 3.5f);
            close("fill", map(x, v -> 3.5), B.toArray(out), 0, 0);
            B.copy(t(x, n), out);
            assertArrayEquals(x, B.toArray(out));
        }
        for (int[] rc : new int[][]{{1, 1}, {3, 17}, {70, 2000}, {0, 5}}) {
            int rows = rc[0];
            int cols = rc[1];
            float[] x = rand(rows * cols, 5, 1f);
            float[] bias = rand(cols, 6, 1f);
            Tensor out = B.allocate(rows, cols);
            B.biasAdd(t(x, rows, cols), t(bias, cols), out);
            double[] e = new double[rows * cols];
            for (int i = 0; i < e.length; i++) {
                e[i] = x[i] + bias[i % cols];
            }
            close("bias_add", e, B.toArray(out), 0, 0);
        }
        float[] special = {Float.NaN, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        Tensor out = B.allocate(4);
        B.clamp(t(special, 4), -1f, 1f, out);
        float[] got = B.toArray(out);
        assertTrue(Float.isNaN(got[0]));
        assertEquals(1f, got[2]);
        assertEquals(-1f, got[3]);
    }

    // ------------------------------------------------------------------------------------------ activations

    @Test
    void activationsForwardAndBackward() {
        for (int n : new int[]{0, 1, 7, 16, 17, 31, 257, 4099, 2 * SimdBackend.ELEMENT_GRAIN + 3}) {
            float[] x = rand(n, 7 + n, 4f);
            if (n > 10) {
                x[0] = 0f;
                x[1] = -0f;
                x[2] = Float.NaN;
                x[3] = 30f;
                x[4] = -30f;
                x[5] = 1e-30f;
                x[6] = -12f;
            }
            float[] dy = rand(n, 8, 1f);
            for (Activation act : Activation.values()) {
                Tensor y = B.allocate(n);
                B.activation(act, t(x, n), y);
                float[] got = B.toArray(y);
                for (int i = 0; i < n; i++) {
                    double e = Oracle.act(act, x[i]);
                    // GELU-erf below −1: 0.5·x·(1 + erf) cancels; erf's 6 ulp near −1 become ≤ 3·|x|·2^-24
                    double atol = act == Activation.GELU_ERF && x[i] < -1 ? 3 * Math.abs(x[i]) * 0x1p-24 : 2e-7;
                    boolean ok = Double.isNaN(e) ? Float.isNaN(got[i]) : Math.abs(got[i] - e) <= atol + 8e-7 * Math.abs(e);
                    if (!ok) {
                        fail(act.opName() + " n=" + n + " x=" + x[i] + ": expected " + e + ", got " + got[i]);
                    }
                }
                // in place
                Tensor inPlace = t(x, n);
                B.activation(act, inPlace, inPlace);
                assertArrayEquals(B.toArray(y), B.toArray(inPlace), act.opName() + " in place");
                Tensor dx = B.allocate(n);
                B.activationBackward(act, t(x, n), t(dy, n), dx);
                double[] de = new double[n];
                for (int i = 0; i < n; i++) {
                    de[i] = Oracle.deriv(act, x[i]) * dy[i];
                }
                close(act.opName() + "_backward n=" + n, de, B.toArray(dx), 1e-6, 5e-7);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- softmax

    static double[][] softmaxOracle(float[] x, int rows, int cols) {
        double[] sm = new double[rows * cols];
        double[] lsm = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                double v = x[r * cols + j];
                max = Double.isNaN(v) || Double.isNaN(max) ? Double.NaN : Math.max(max, v);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[r * cols + j] - max);
            }
            for (int j = 0; j < cols; j++) {
                double s = x[r * cols + j] - max;
                sm[r * cols + j] = Math.exp(s) / sum;
                lsm[r * cols + j] = s - Math.log(sum);
            }
        }
        return new double[][]{sm, lsm};
    }

    /**
     * Softmax's bound: x − max is rounded to float (an absolute error ≤ |x − max|·2^-24 in the exponent, as in any
     * float softmax), then exp ≤ 2 ulp, the scale ≤ 1 ulp and the final rounding: relative error
     * ≤ (|x − max| + 5)·2^-24.
     */
    static void softmaxClose(String what, float[] x, int rows, int cols, double[] expected, float[] actual) {
        for (int r = 0; r < rows; r++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[r * cols + j]);
            }
            for (int j = 0; j < cols; j++) {
                int i = r * cols + j;
                double e = expected[i];
                if (Double.isNaN(e)) {
                    assertTrue(Float.isNaN(actual[i]), what + "[" + i + "]: expected NaN, got " + actual[i]);
                    continue;
                }
                double tol = e == 0 ? 1e-38 : Math.abs(e) * (Math.abs((double) x[i] - max) + 5) * 0x1p-24 + 1e-38;
                if (!(Math.abs(actual[i] - e) <= tol)) {
                    fail(what + "[" + i + "]: expected " + e + ", got " + actual[i] + " (tolerance " + tol + ")");
                }
            }
        }
    }

    @Test
    void softmaxAndLogSoftmax() {
        int[][] shapes = {{1, 1}, {3, 17}, {5, 16}, {2, 5000}, {64, 10}, {4, 0}, {0, 7}, {40, 3000}, {2, 2 * 2048 + 3}};
        for (int[] s : shapes) {
            int rows = s[0];
            int cols = s[1];
            float[] x = rand(rows * cols, rows * 31 + cols, 3f);
            if (cols > 2100) {
                // a rising maximum across online blocks
                for (int j = 0; j < cols; j++) {
                    x[j] += j * 0.01f;
                }
            }
            double[][] e = softmaxOracle(x, rows, cols);
            Tensor y = B.allocate(rows, cols);
            B.softmax(t(x, rows, cols), y);
            softmaxClose("softmax " + rows + "x" + cols, x, rows, cols, e[0], B.toArray(y));
            B.logSoftmax(t(x, rows, cols), y);
            close("log_softmax " + rows + "x" + cols, e[1], B.toArray(y), 2e-7, 1e-6);
            Tensor inPlace = t(x, rows, cols);
            B.softmax(inPlace, inPlace);
            softmaxClose("softmax in place", x, rows, cols, e[0], B.toArray(inPlace));
        }
        float inf = Float.POSITIVE_INFINITY;
        float[] special = {1, Float.NaN, 2, -inf, -inf, -inf, -inf, 0, 1, 1, inf, 0};
        double[][] e = softmaxOracle(special, 4, 3);
        Tensor y = B.allocate(4, 3);
        B.softmax(t(special, 4, 3), y);
        softmaxClose("softmax special", special, 4, 3, e[0], B.toArray(y));
        B.logSoftmax(t(special, 4, 3), y);
        close("log_softmax special", e[1], B.toArray(y), 2e-7, 1e-6);
    }

    @Test
    void softmaxBackward() {
        for (int[] s : new int[][]{{1, 1}, {3, 17}, {7, 300}, {2, 5000}}) {
            int rows = s[0];
            int cols = s[1];
            float[] x = rand(rows * cols, 11, 2f);
            float[] dy = rand(rows * cols, 12, 1f);
            Tensor y = B.allocate(rows, cols);
            B.softmax(t(x, rows, cols), y);
            float[] ys = B.toArray(y);
            Tensor dx = B.allocate(rows, cols);
            B.softmaxBackward(y, t(dy, rows, cols), dx);
            double[] e = new double[rows * cols];
            for (int r = 0; r < rows; r++) {
                double dot = 0;
                for (int j = 0; j < cols; j++) {
                    dot += (double) dy[r * cols + j] * ys[r * cols + j];
                }
                for (int j = 0; j < cols; j++) {
                    e[r * cols + j] = ys[r * cols + j] * (dy[r * cols + j] - dot);
                }
            }
            close("softmax_backward", e, B.toArray(dx), 1e-6, 1e-7);
            B.logSoftmax(t(x, rows, cols), y);
            ys = B.toArray(y);
            B.logSoftmaxBackward(y, t(dy, rows, cols), dx);
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    sum += dy[r * cols + j];
                }
                for (int j = 0; j < cols; j++) {
                    e[r * cols + j] = dy[r * cols + j] - Math.exp(ys[r * cols + j]) * sum;
                }
            }
            close("log_softmax_backward", e, B.toArray(dx), 1e-6, 2e-6);
        }
    }

    // ----------------------------------------------------------------------------------------------- losses

    @Test
    void mseLoss() {
        for (int n : SIZES) {
            float[] p = rand(n, 13, 1f);
            float[] q = rand(n, 14, 1f);
            Tensor g = B.allocate(n);
            float loss = B.mseLoss(t(p, n), t(q, n), g);
            double sum = 0;
            double[] ge = new double[n];
            for (int i = 0; i < n; i++) {
                double d = (double) p[i] - q[i];
                sum += d * d;
                ge[i] = 2 * d / n;
            }
            if (n == 0) {
                assertTrue(Float.isNaN(loss));
            } else {
                assertEquals(sum / n, loss, 1e-6 * sum / n);
            }
            close("mse grad", ge, B.toArray(g), 2.5e-7, 0);
            assertEquals(loss, B.mseLoss(t(p, n), t(q, n), null), 0);
        }
    }

    @Test
    void crossEntropyHardAndSoft() {
        for (int[] s : new int[][]{{1, 1}, {1, 10}, {128, 10}, {33, 17}, {3, 5000}, {600, 300}}) {
            int rows = s[0];
            int cols = s[1];
            float[] x = rand(rows * cols, 15, 3f);
            int[] labels = new int[rows];
            Random r = new Random(16);
            for (int i = 0; i < rows; i++) {
                labels[i] = r.nextInt(cols);
            }
            double[][] sm = softmaxOracle(x, rows, cols);
            double loss = 0;
            double[] ge = new double[rows * cols];
            for (int i = 0; i < rows; i++) {
                loss -= sm[1][i * cols + labels[i]];
                for (int j = 0; j < cols; j++) {
                    ge[i * cols + j] = (sm[0][i * cols + j] - (j == labels[i] ? 1 : 0)) / rows;
                }
            }
            loss /= rows;
            Tensor g = B.allocate(rows, cols);
            float got = B.crossEntropy(t(x, rows, cols), labels, g);
            assertEquals(loss, got, 1e-6 * Math.abs(loss) + 1e-6, "cross_entropy " + rows + "x" + cols);
            close("cross_entropy grad", ge, B.toArray(g), 1e-6, 1e-9);
            assertEquals(got, B.crossEntropy(t(x, rows, cols), labels, null), 0);

            float[] targets = new float[rows * cols];
            for (int i = 0; i < targets.length; i++) {
                targets[i] = r.nextFloat() / cols;
            }
            double lossSoft = 0;
            for (int i = 0; i < rows; i++) {
                double ts = 0;
                for (int j = 0; j < cols; j++) {
                    lossSoft -= targets[i * cols + j] * sm[1][i * cols + j];
                    ts += targets[i * cols + j];
                }
                for (int j = 0; j < cols; j++) {
                    ge[i * cols + j] = (sm[0][i * cols + j] * ts - targets[i * cols + j]) / rows;
                }
            }
            lossSoft /= rows;
            float gotSoft = B.crossEntropySoft(t(x, rows, cols), t(targets, rows, cols), g);
            assertEquals(lossSoft, gotSoft, 1e-6 * Math.abs(lossSoft) + 1e-7, "cross_entropy_soft");
            close("cross_entropy_soft grad", ge, B.toArray(g), 2e-6, 1e-9);
        }
    }

    // ------------------------------------------------------------------------------------------- reductions

    @Test
    void reductions() {
        int[][] shapes = {{1, 1}, {3, 17}, {17, 3}, {0, 5}, {5, 0}, {129, 70}, {2, 70000}, {300, 1000}};
        for (int[] s : shapes) {
            int rows = s[0];
            int cols = s[1];
            float[] x = rand(rows * cols, 17, 1f);
            for (Reduction red : Reduction.values()) {
                for (int axis : new int[]{0, 1, -1}) {
                    int ax = axis < 0 ? 1 : axis;
                    int outer = ax == 1 ? rows : cols;
                    int inner = ax == 1 ? cols : rows;
                    Tensor out = B.allocate(outer);
                    B.reduce(red, t(x, rows, cols), axis, out);
                    double[] e = new double[outer];
                    for (int o = 0; o < outer; o++) {
                        double acc = red == Reduction.MAX ? Double.NEGATIVE_INFINITY : 0;
                        for (int i = 0; i < inner; i++) {
                            double v = ax == 1 ? x[o * cols + i] : x[i * cols + o];
                            acc = red == Reduction.MAX ? Math.max(acc, v) : acc + v;
                        }
                        e[o] = red == Reduction.MEAN ? acc / inner : acc;
                    }
                    close("reduce_" + red.opName() + " " + rows + "x" + cols + " axis " + axis, e, B.toArray(out),
                            1e-6, 1e-5);
                }
            }
            // rank 1
            Tensor out = B.allocate(1);
            B.reduce(Reduction.SUM, t(x, rows * cols), 0, out);
            double sum = 0;
            for (float v : x) {
                sum += v;
            }
            assertEquals(sum, B.toArray(out)[0], 1e-6 * Math.abs(sum) + 1e-5);
        }
        Tensor out = B.allocate(2);
        B.reduce(Reduction.MAX, t(new float[]{1, Float.NaN, 2, 3, 4, 5}, 2, 3), 1, out);
        assertTrue(Float.isNaN(B.toArray(out)[0]));
        assertEquals(5f, B.toArray(out)[1]);
    }

    @Test
    void argmax() {
        float nan = Float.NaN;
        float[] x = {1, 3, 3, 2, /* row 1 */ 5, nan, 7, nan, /* row 2 */ -0f, 0f, -1, -2};
        int[] out = new int[3];
        B.argmax(t(x, 3, 4), 1, out);
        assertArrayEquals(new int[]{1, 1, 0}, out);
        int[] cols = new int[4];
        B.argmax(t(x, 3, 4), 0, cols);
        assertArrayEquals(new int[]{1, 1, 1, 1}, cols);
        for (int[] s : new int[][]{{1, 1}, {7, 33}, {3, 5000}, {1000, 10}}) {
            float[] v = rand(s[0] * s[1], 19, 1f);
            int[] rowIdx = new int[s[0]];
            B.argmax(t(v, s[0], s[1]), -1, rowIdx);
            for (int r = 0; r < s[0]; r++) {
                int best = 0;
                for (int j = 1; j < s[1]; j++) {
                    if (v[r * s[1] + j] > v[r * s[1] + best]) {
                        best = j;
                    }
                }
                assertEquals(best, rowIdx[r]);
            }
            int[] colIdx = new int[s[1]];
            B.argmax(t(v, s[0], s[1]), 0, colIdx);
            for (int j = 0; j < s[1]; j++) {
                int best = 0;
                for (int r = 1; r < s[0]; r++) {
                    if (v[r * s[1] + j] > v[best * s[1] + j]) {
                        best = r;
                    }
                }
                assertEquals(best, colIdx[j]);
            }
        }
    }

    @Test
    void l2NormAndClip() {
        float[] a = rand(70001, 20, 1f);
        float[] b = rand(33, 21, 1f);
        b[0] = 1e20f; // would overflow a float sum of squares
        double sum = 0;
        for (float v : a) {
            sum += (double) v * v;
        }
        for (float v : b) {
            sum += (double) v * v;
        }
        assertEquals(Math.sqrt(sum), B.l2Norm(t(a, 70001), t(b, 33)), 1e-6 * Math.sqrt(sum));
        float[] g = rand(1000, 22, 1f);
        Tensor gt = t(g, 1000);
        float norm = B.clipGradNorm(1f, gt);
        double n2 = 0;
        for (float v : g) {
            n2 += (double) v * v;
        }
        assertEquals(Math.sqrt(n2), norm, 1e-5);
        assertEquals(1.0, B.l2Norm(gt), 1e-5);
    }

    // ---------------------------------------------------------------------------------------------- dropout

    @Test
    void dropoutMaskEqualsPhiloxBitForBit() {
        for (int n : SIZES) {
            boolean big = n > 10_000;
            for (float p : big ? new float[]{0.5f} : new float[]{0f, 0.1f, 0.5f, 0.999f, 1f}) {
                for (long offset : big ? new long[]{3} : new long[]{0, 1, 3, 1L << 33}) {
                    long seed = 0x1234_5678_9ABCL + n;
                    float[] x = rand(n, 23, 1f);
                    Tensor y = B.allocate(n);
                    B.dropout(t(x, n), p, seed, offset, y);
                    float scale = p >= 1f ? 0f : (float) (1.0 / (1.0 - p));
                    float[] got = B.toArray(y);
                    for (int i = 0; i < n; i++) {
                        float e = Philox.keep(p, Philox.word(seed, offset + i)) ? x[i] * scale : 0f;
                        if (Float.floatToRawIntBits(e) != Float.floatToRawIntBits(got[i])) {
                            fail("dropout n=" + n + " p=" + p + " offset=" + offset + " i=" + i + ": " + e + " vs "
                                    + got[i]);
                        }
                    }
                    Tensor dx = B.allocate(n);
                    B.dropoutBackward(t(x, n), p, seed, offset, dx);
                    assertArrayEquals(got, B.toArray(dx));
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------- optimizers

    @Test
    void sgdVariants() {
        SgdConfig[] configs = {SgdConfig.plain(0.1f), SgdConfig.momentum(0.05f, 0.9f),
            SgdConfig.nesterov(0.05f, 0.9f).withWeightDecay(0.01f),
            new SgdConfig(0.01f, 0.8f, 0.3f, false, 0.001f, 0.002f)};
        for (SgdConfig cfg : configs) {
            for (int n : new int[]{1, 17, 70001}) {
                float[] p = rand(n, 24, 1f);
                p[0] = 0f;
                double[] pe = new double[n];
                double[] be = new double[n];
                for (int i = 0; i < n; i++) {
                    pe[i] = p[i];
                }
                Tensor pt = t(p, n);
                Tensor buf = B.allocate(n);
                for (int step = 1; step <= 3; step++) {
                    float[] g = rand(n, 25 + step, 1f);
                    B.sgdStep(cfg, step, pt, t(g, n), buf);
                    for (int i = 0; i < n; i++) {
                        double d = g[i] + cfg.weightDecay() * pe[i] + cfg.l1() * Math.signum(pe[i]);
                        if (cfg.usesMomentum()) {
                            be[i] = step == 1 ? d : cfg.momentum() * be[i] + (1 - cfg.dampening()) * d;
                            d = cfg.nesterov() ? d + cfg.momentum() * be[i] : be[i];
                        }
                        pe[i] = (float) (pe[i] - cfg.lr() * d);
                    }
                }
                close("sgd " + cfg, pe, B.toArray(pt), 1e-6, 1e-6);
            }
        }
    }

    @Test
    void adamAndAdamW() {
        for (AdamConfig cfg : new AdamConfig[]{AdamConfig.adam(1e-3f), AdamConfig.adamW(1e-2f),
            AdamConfig.adam(1e-2f).withWeightDecay(0.1f)}) {
            for (int n : new int[]{1, 17, 70001}) {
                float[] p = rand(n, 30, 1f);
                double[] pe = new double[n];
                double[] me = new double[n];
                double[] ve = new double[n];
                for (int i = 0; i < n; i++) {
                    pe[i] = p[i];
                }
                Tensor pt = t(p, n);
                Tensor m = B.allocate(n);
                Tensor v = B.allocate(n);
                for (int step = 1; step <= 5; step++) {
                    float[] g = rand(n, 31 + step, 1f);
                    B.adamStep(cfg, step, pt, t(g, n), m, v);
                    double bc1 = 1 - Math.pow(cfg.beta1(), step);
                    double bc2 = 1 - Math.pow(cfg.beta2(), step);
                    for (int i = 0; i < n; i++) {
                        double pi = pe[i];
                        double gi = g[i];
                        if (cfg.decoupled()) {
                            pi *= 1 - (double) cfg.lr() * cfg.weightDecay();
                        } else {
                            gi += cfg.weightDecay() * pi;
                        }
                        me[i] = (float) (cfg.beta1() * me[i] + (1 - cfg.beta1()) * gi);
                        ve[i] = (float) (cfg.beta2() * ve[i] + (1 - cfg.beta2()) * gi * gi);
                        double denom = Math.sqrt(ve[i]) / Math.sqrt(bc2) + cfg.eps();
                        pe[i] = (float) (pi - cfg.lr() / bc1 * me[i] / denom);
                    }
                }
                close("adam p " + cfg, pe, B.toArray(pt), 1e-6, 1e-7);
                // m and v are differences of terms of mixed sign: bounded in ulp of the terms (|g| ~ 1 here)
                close("adam m", me, B.toArray(m), 1e-6, 1e-7);
                close("adam v", ve, B.toArray(v), 1e-6, 2e-9);
            }
        }
    }

    // ----------------------------------------------------------------------------------------- concurrency

    @Test
    void manyThreadsCallingSoftmaxAndActivationsAgreeWithOneThread() throws Exception {
        int rows = 64;
        int cols = 999;
        float[] x = rand(rows * cols, 40, 2f);
        Tensor y1 = B.allocate(rows, cols);
        B.softmax(t(x, rows, cols), y1);
        float[] expected = B.toArray(y1);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < 8; w++) {
            Thread th = new Thread(() -> {
                try {
                    Tensor y = B.allocate(rows, cols);
                    for (int it = 0; it < 20; it++) {
                        B.softmax(t(x, rows, cols), y);
                        assertArrayEquals(expected, B.toArray(y));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            workers.add(th);
            th.start();
        }
        for (Thread th : workers) {
            th.join();
        }
        assertTrue(failures.isEmpty(), () -> "failures: " + failures);
    }
}
