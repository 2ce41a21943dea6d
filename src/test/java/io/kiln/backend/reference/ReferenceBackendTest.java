package io.kiln.backend.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.conformance.Compare;
import io.kiln.conformance.Inputs;
import io.kiln.core.Activation;
import io.kiln.core.Backend;
import io.kiln.core.BinaryOp;
import io.kiln.core.Broadcast;
import io.kiln.core.Epilogue;
import io.kiln.core.Reduction;
import io.kiln.core.SgdConfig;
import io.kiln.core.Shape;
import io.kiln.core.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The oracle against independent, naive float64 formulas written here, for what neither the golden vectors nor the
 * reference-against-itself conformance run can catch: broadcasting index arithmetic, reduction axes, GEMM epilogues,
 * SGD's L1 and dampening, clipping, zero-size conventions. Each expected value is the correctly rounded float of a
 * float64 formula; the oracle promises that within ~1 float ulp.
 */
class ReferenceBackendTest {
    private final Backend ref = new ReferenceBackend();

    /** Correct rounding of a float64 value that itself carries ~k·2^-53 relative error: within 1 float ulp. */
    private static void assertOneUlp(String what, double expected, float actual) {
        float e = (float) expected;
        assertTrue(Math.abs(actual - e) <= Math.ulp(e) || Float.floatToIntBits(actual) == Float.floatToIntBits(e)
                || Double.isNaN(expected) && Float.isNaN(actual), what + ": expected " + e + " but got " + actual);
    }

    @Test
    void binaryBroadcastingMatchesNaiveIndexArithmetic() {
        SplittableRandom r = new SplittableRandom(1);
        int[][][] pairs = {{{2, 3, 4}, {3, 1}}, {{2, 1, 4}, {5, 1}}, {{1, 33}, {7, 1}}, {{4}, {3, 4}}, {{}, {2, 3}},
                {{2, 3, 4}, {2, 3, 4}}, {{3, 1, 2}, {1, 4, 1}}};
        for (BinaryOp op : BinaryOp.values()) {
            for (int[][] p : pairs) {
                Shape sa = Shape.of(p[0]);
                Shape sb = Shape.of(p[1]);
                Shape so = Broadcast.resolve("t", sa, sb);
                float[] a = Inputs.awayFromZero(r, sa.size(), 0.5, 3);
                float[] b = Inputs.awayFromZero(r, sb.size(), 0.5, 3);
                float[] expected = new float[so.size()];
                int[] od = so.dims();
                for (int i = 0; i < expected.length; i++) {
                    // unravel i over the output, then ravel into each input with size-1 dimensions pinned to 0
                    int[] idx = new int[od.length];
                    for (int d = od.length - 1, rem = i; d >= 0; d--) {
                        idx[d] = rem % od[d];
                        rem /= od[d];
                    }
                    expected[i] = op.apply(a[ravel(idx, sa)], b[ravel(idx, sb)]);
                }
                try (Tensor ta = ref.fromArray(a, p[0]); Tensor tb = ref.fromArray(b, p[1]);
                     Tensor to = ref.allocate(od)) {
                    ref.binary(op, ta, tb, to);
                    Compare.exactly(op.opName() + " " + sa + " " + sb, expected, ref.toArray(to));
                }
            }
        }
    }

    private static int ravel(int[] outIdx, Shape in) {
        int offset = outIdx.length - in.rank();
        int flat = 0;
        for (int d = 0; d < in.rank(); d++) {
            int i = in.dim(d) == 1 ? 0 : outIdx[d + offset];
            flat = flat * in.dim(d) + i;
        }
        return flat;
    }

    @Test
    void reductionAxesFollowPyTorch() {
        try (Tensor x = ref.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3); Tensor rows = ref.allocate(2);
             Tensor cols = ref.allocate(3); Tensor one = ref.allocate(1);
             Tensor v = ref.fromArray(new float[] {3, -1, 7, 2}, 4)) {
            ref.reduce(Reduction.SUM, x, 1, rows);
            assertArrayEquals(new float[] {6, 15}, ref.toArray(rows), "sum over axis 1: one per row");
            ref.reduce(Reduction.SUM, x, -1, rows);
            assertArrayEquals(new float[] {6, 15}, ref.toArray(rows), "axis -1 is the last");
            ref.reduce(Reduction.SUM, x, 0, cols);
            assertArrayEquals(new float[] {5, 7, 9}, ref.toArray(cols), "sum over axis 0: one per column");
            ref.reduce(Reduction.MEAN, x, 0, cols);
            assertArrayEquals(new float[] {2.5f, 3.5f, 4.5f}, ref.toArray(cols));
            ref.reduce(Reduction.MAX, x, 1, rows);
            assertArrayEquals(new float[] {3, 6}, ref.toArray(rows));
            ref.reduce(Reduction.MAX, x, -2, cols);
            assertArrayEquals(new float[] {4, 5, 6}, ref.toArray(cols));
            ref.reduce(Reduction.MEAN, v, 0, one);
            assertArrayEquals(new float[] {2.75f}, ref.toArray(one));
            ref.reduce(Reduction.MAX, v, -1, one);
            assertArrayEquals(new float[] {7}, ref.toArray(one));
            int[] am = new int[3];
            ref.argmax(x, 0, am);
            assertArrayEquals(new int[] {1, 1, 1}, am);
        }
        try (Tensor empty = ref.allocate(0); Tensor out = ref.allocate(1)) {
            ref.reduce(Reduction.SUM, empty, 0, out);
            assertEquals(0f, ref.toArray(out)[0]);
            ref.reduce(Reduction.MEAN, empty, 0, out);
            assertTrue(Float.isNaN(ref.toArray(out)[0]), "mean of nothing is NaN");
            ref.reduce(Reduction.MAX, empty, 0, out);
            assertEquals(Float.NEGATIVE_INFINITY, ref.toArray(out)[0], "max of nothing is -inf");
        }
    }

    @Test
    void gemmWithEpilogueMatchesNaiveFloat64() {
        SplittableRandom r = new SplittableRandom(2);
        int m = 7, n = 13, k = 19;
        for (Activation act : Activation.values()) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = Inputs.uniform(r, m * k, -1, 1);
                    float[] b = Inputs.uniform(r, k * n, -1, 1);
                    float[] c = Inputs.uniform(r, m * n, -1, 1);
                    float[] bias = Inputs.uniform(r, n, -1, 1);
                    float alpha = 1.25f;
                    float beta = -0.5f;
                    try (Tensor at = ref.fromArray(a, ta ? k : m, ta ? m : k);
                         Tensor bt = ref.fromArray(b, tb ? n : k, tb ? k : n); Tensor ct = ref.fromArray(c, m, n);
                         Tensor biasT = ref.fromArray(bias, n)) {
                        ref.gemm(ta, tb, alpha, at, bt, beta, ct, Epilogue.of(biasT, act));
                        float[] got = ref.toArray(ct);
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double s = 0;
                                for (int p = 0; p < k; p++) {
                                    s += (double) (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                                }
                                double pre = alpha * s + (double) beta * c[i * n + j] + bias[j];
                                assertOneUlp("gemm " + act + " ta=" + ta + " tb=" + tb + " (" + i + "," + j + ")",
                                        DoubleMath.activation(act, pre), got[i * n + j]);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void batchedGemmIsOneGemmPerBatch() {
        SplittableRandom r = new SplittableRandom(3);
        int batch = 3, m = 4, n = 5, k = 6;
        float[] a = Inputs.uniform(r, batch * m * k, -1, 1);
        float[] b = Inputs.uniform(r, batch * n * k, -1, 1);
        float[] c0 = Inputs.uniform(r, batch * m * n, -1, 1);
        try (Tensor at = ref.fromArray(a, batch, k, m); Tensor bt = ref.fromArray(b, batch, n, k);
             Tensor ct = ref.fromArray(c0, batch, m, n)) {
            ref.batchedGemm(true, true, 0.5f, at, bt, 2f, ct);
            float[] got = ref.toArray(ct);
            for (int i = 0; i < batch; i++) {
                try (Tensor ai = ref.fromArray(java.util.Arrays.copyOfRange(a, i * m * k, (i + 1) * m * k), k, m);
                     Tensor bi = ref.fromArray(java.util.Arrays.copyOfRange(b, i * n * k, (i + 1) * n * k), n, k);
                     Tensor ci = ref.fromArray(java.util.Arrays.copyOfRange(c0, i * m * n, (i + 1) * m * n), m, n)) {
                    ref.gemm(true, true, 0.5f, ai, bi, 2f, ci);
                    Compare.exactly("batch " + i, ref.toArray(ci),
                            java.util.Arrays.copyOfRange(got, i * m * n, (i + 1) * m * n));
                }
            }
        }
    }

    @Test
    void sgdL1DampeningAndNesterovByHand() {
        // two steps on p = [1, -2, 0], g1 = [0.5, 0.5, 0.5], g2 = [-1, 0.25, 2]
        float lr = 0.1f, mom = 0.9f, damp = 0.25f, wd = 0.01f, l1 = 0.02f;
        double[] p = {1, -2, 0};
        double[][] g = {{0.5, 0.5, 0.5}, {-1, 0.25, 2}};
        double[] buf = new double[3];
        SgdConfig cfg = new SgdConfig(lr, mom, damp, false, wd, l1);
        try (Tensor pt = ref.fromArray(new float[] {1, -2, 0}, 3); Tensor gt = ref.allocate(3);
             Tensor bt = ref.allocate(3)) {
            for (int step = 1; step <= 2; step++) {
                for (int i = 0; i < 3; i++) {
                    double d = g[step - 1][i] + (double) wd * p[i] + (double) l1 * Math.signum(p[i]);
                    buf[i] = step == 1 ? d : (double) mom * (float) buf[i] + (1 - (double) damp) * d;
                    p[i] = (float) (p[i] - (double) lr * buf[i]);
                }
                ref.copyIn(new float[] {(float) g[step - 1][0], (float) g[step - 1][1], (float) g[step - 1][2]}, gt);
                ref.sgdStep(cfg, step, pt, gt, bt);
                float[] got = ref.toArray(pt);
                for (int i = 0; i < 3; i++) {
                    assertOneUlp("sgd step " + step + " p[" + i + "]", p[i], got[i]);
                }
            }
        }
        // nesterov: p -= lr·(g + momentum·buf); at step 1 buf = g
        try (Tensor pt = ref.fromArray(new float[] {1}, 1); Tensor gt = ref.fromArray(new float[] {0.5f}, 1);
             Tensor bt = ref.allocate(1)) {
            ref.sgdStep(SgdConfig.nesterov(0.1f, 0.9f), 1, pt, gt, bt);
            assertOneUlp("nesterov step 1", 1 - 0.1f * (0.5 + 0.9f * 0.5), ref.toArray(pt)[0]);
            assertEquals(0.5f, ref.toArray(bt)[0]);
        }
    }

    @Test
    void clipGradNormScalesByMaxOverNormPlusEpsilon() {
        try (Tensor a = ref.fromArray(new float[] {3}, 1); Tensor b = ref.fromArray(new float[] {0, 4}, 2)) {
            assertEquals(5f, ref.l2Norm(a, b));
            assertEquals(5f, ref.clipGradNorm(1f, a, b));
            double coef = 1.0 / (5 + 1e-6);
            assertOneUlp("a", 3 * (double) (float) coef, ref.toArray(a)[0]);
            assertOneUlp("b", 4 * (double) (float) coef, ref.toArray(b)[1]);
            assertEquals(0f, ref.toArray(b)[0]);
        }
    }

    @Test
    void zeroSizeLossesAreNaNAsInPyTorch() {
        try (Tensor p = ref.allocate(0, 4); Tensor t = ref.allocate(0, 4)) {
            assertTrue(Float.isNaN(ref.mseLoss(p, t, null)), "mse of no elements");
            assertTrue(Float.isNaN(ref.crossEntropy(p, new int[0], null)), "cross-entropy over no rows");
            assertTrue(Float.isNaN(ref.crossEntropySoft(p, t, null)), "soft cross-entropy over no rows");
        }
    }

    @Test
    void crossEntropyAndSoftmaxOnAHandExample() {
        // logits [0, ln 3]: softmax [1/4, 3/4]; label 1: loss -ln(3/4); dlogits [1/4, -1/4]
        float l3 = (float) Math.log(3);
        try (Tensor x = ref.fromArray(new float[] {0, l3}, 1, 2); Tensor g = ref.allocate(1, 2);
             Tensor y = ref.allocate(1, 2)) {
            float loss = ref.crossEntropy(x, new int[] {1}, g);
            assertOneUlp("loss", -Math.log(Math.exp(l3) / (1 + Math.exp(l3))), loss);
            float[] gv = ref.toArray(g);
            assertOneUlp("dlogits[0]", 1 / (1 + Math.exp(l3)), gv[0]);
            assertOneUlp("dlogits[1]", Math.exp(l3) / (1 + Math.exp(l3)) - 1, gv[1]);
            ref.softmax(x, y);
            assertOneUlp("softmax[1]", Math.exp(l3) / (1 + Math.exp(l3)), ref.toArray(y)[1]);
        }
    }

    @Test
    void dropoutScaleIsOneFloatRoundingOfTheReciprocal() {
        assertEquals((float) (1.0 / (1.0 - 0.1f)), ReferenceBackend.dropoutScale(0.1f));
        assertEquals(1f, ReferenceBackend.dropoutScale(0f));
        assertEquals(2f, ReferenceBackend.dropoutScale(0.5f));
        assertEquals(0f, ReferenceBackend.dropoutScale(1f));
    }
}
