package io.kiln.backend.simd;

import io.kiln.core.Activation;
import io.kiln.core.Epilogue;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * GEMM against a float64 product: all four transpose pairs, sizes around the block edges, alpha/beta (beta = 0 must
 * not read C), every epilogue activation with and without bias, batched products, several blockings (including tiny
 * ones that force many kc/mc/nc passes and edge tiles), the direct small-product path, and many threads at once.
 * Each element is checked against the float dot-product bound {@code (k + 2)·2^-24·Σ|A·B|·|alpha| + ...}.
 */
class SimdGemmTest {
    private static final SimdBackend DEFAULT = new SimdBackend(2, GemmBlocking.defaults());
    /** Tiny blocks, parallel from the first FLOP, no direct path: every edge case of the loop nest. */
    private static final SimdBackend TINY = new SimdBackend(2, new GemmBlocking(4, 3 * Lanes.L, 8, 16, 6 * Lanes.L, 0, 0));
    private static final SimdBackend ONE_THREAD = new SimdBackend(1, new GemmBlocking(8, 2 * Lanes.L, 24, 40, 4 * Lanes.L, 0, 0));
    private static final SimdBackend WIDE = new SimdBackend(2, new GemmBlocking(14, Lanes.L, 28, 64, 8 * Lanes.L, 0, 0));
    private static final int[] EDGE_SIZES = {1, 7, 17, 63, 65, 129, 300};

    @AfterAll
    static void close() {
        DEFAULT.close();
        TINY.close();
        ONE_THREAD.close();
        WIDE.close();
    }

    private static float[] rand(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    /** Checks C computed by the backend against float64, element by element, with the dot-product error bound. */
    private static void check(String what, boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a,
                              float[] b, float beta, float[] c0, float[] bias, Activation act, float[] got) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double x = ta ? a[p * m + i] : a[i * k + p];
                    double y = tb ? b[j * k + p] : b[p * n + j];
                    acc += x * y;
                    abs += Math.abs(x * y);
                }
                double v = alpha * acc + (beta != 0 ? beta * c0[i * n + j] : 0) + (bias != null ? bias[j] : 0);
                double pre = v;
                v = Oracle.act(act, v);
                double bound = (k + 4) * 0x1p-24 * abs * Math.abs(alpha) + 4 * 0x1p-24 * Math.abs(pre)
                        + (beta != 0 ? 2 * 0x1p-24 * Math.abs(beta * c0[i * n + j]) : 0) + 1e-30;
                // the activation's own error and its slope (≤ 1.13 for these) on the pre-activation error
                bound = bound * 1.2 + 8e-7 * Math.abs(v) + (act == Activation.IDENTITY ? 0 : 2e-7);
                float g = got[i * n + j];
                if (!(Math.abs(g - v) <= bound)) {
                    fail(what + ": C[" + i + "][" + j + "] = " + g + ", expected " + v + " (bound " + bound + ")");
                }
            }
        }
    }

    private static void run(SimdBackend be, String what, boolean ta, boolean tb, int m, int n, int k, float alpha,
                            float beta, boolean withBias, Activation act) {
        long seed = 31L * m + 17L * n + k + (ta ? 1000 : 0) + (tb ? 2000 : 0);
        float[] a = rand(m * k, seed);
        float[] b = rand(k * n, seed + 1);
        float[] c0 = rand(m * n, seed + 2);
        if (beta == 0) {
            java.util.Arrays.fill(c0, Float.NaN); // must not be read
        }
        float[] bias = withBias ? rand(n, seed + 3) : null;
        Tensor at = be.fromArray(a, ta ? k : m, ta ? m : k);
        Tensor bt = be.fromArray(b, tb ? n : k, tb ? k : n);
        Tensor ct = be.fromArray(c0, m, n);
        Epilogue ep = withBias || act != Activation.IDENTITY
                ? Epilogue.of(withBias ? be.fromArray(bias, n) : null, act) : Epilogue.NONE;
        be.gemm(ta, tb, alpha, at, bt, beta, ct, ep);
        check(what + " " + (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " alpha="
                + alpha + " beta=" + beta + " bias=" + withBias + " act=" + act, ta, tb, m, n, k, alpha, a, b, beta,
                c0, bias, act, be.toArray(ct));
    }

    @Test
    void allTransposePairsAroundBlockEdges() {
        Random r = new Random(1);
        for (SimdBackend be : new SimdBackend[]{DEFAULT, TINY}) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                for (int m : EDGE_SIZES) {
                    // every m with a few n, k from the edge list (the whole cube would be slow)
                    for (int rep = 0; rep < 3; rep++) {
                        int n = EDGE_SIZES[r.nextInt(EDGE_SIZES.length)];
                        int k = EDGE_SIZES[r.nextInt(EDGE_SIZES.length)];
                        run(be, "edges", ta, tb, m, n, k, 1f, 0f, false, Activation.IDENTITY);
                    }
                }
            }
        }
    }

    @Test
    void alphaBetaAndZeroSizes() {
        for (SimdBackend be : new SimdBackend[]{DEFAULT, TINY, ONE_THREAD, WIDE}) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                run(be, "alpha/beta", ta, tb, 65, 33, 129, 0.5f, 1.5f, false, Activation.IDENTITY);
                run(be, "alpha/beta", ta, tb, 17, 100, 40, -2f, 0f, false, Activation.IDENTITY);
                run(be, "alpha/beta", ta, tb, 9, 9, 9, 1f, -1f, false, Activation.IDENTITY);
                run(be, "alpha=0", ta, tb, 20, 30, 40, 0f, 0.5f, true, Activation.RELU);
                run(be, "k=0", ta, tb, 20, 30, 0, 1f, 2f, false, Activation.IDENTITY);
                run(be, "k=0 beta=0", ta, tb, 20, 30, 0, 1f, 0f, true, Activation.IDENTITY);
                run(be, "m=0", ta, tb, 0, 30, 5, 1f, 0f, false, Activation.IDENTITY);
                run(be, "n=0", ta, tb, 30, 0, 5, 1f, 0f, false, Activation.IDENTITY);
                run(be, "1x1x1", ta, tb, 1, 1, 1, 1f, 0f, false, Activation.IDENTITY);
            }
        }
    }

    @Test
    void epilogueBiasAndEveryActivation() {
        for (Activation act : Activation.values()) {
            for (SimdBackend be : new SimdBackend[]{DEFAULT, TINY}) {
                run(be, "epilogue", false, false, 37, 70, 300, 1f, 0f, true, act);
                run(be, "epilogue", true, true, 37, 70, 33, 0.5f, 1f, true, act);
                run(be, "epilogue", false, true, 5, 5, 5, 1f, 0f, false, act);
            }
        }
    }

    @Test
    void largerThanOneBlockInEveryDimension() {
        // default blocking: mc = 144, kc = 256, nc = 3072 is too big to cross here; the large sizes cross mc and kc
        run(DEFAULT, "large", false, false, 300, 259, 520, 1f, 0f, true, Activation.GELU_TANH);
        run(DEFAULT, "large", true, false, 160, 129, 300, 1f, 1f, false, Activation.IDENTITY);
        run(WIDE, "large", false, true, 130, 300, 200, 1f, 0f, false, Activation.IDENTITY);
        run(ONE_THREAD, "large", true, true, 100, 130, 170, 1f, 0f, false, Activation.IDENTITY);
    }

    @Test
    void batched() {
        for (SimdBackend be : new SimdBackend[]{DEFAULT, TINY}) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                for (int[] s : new int[][]{{5, 7, 9, 11}, {1, 1, 1, 1}, {3, 65, 33, 17}, {0, 4, 4, 4}}) {
                    int batch = s[0];
                    int m = s[1];
                    int n = s[2];
                    int k = s[3];
                    float[] a = rand(batch * m * k, 5);
                    float[] b = rand(batch * k * n, 6);
                    float[] c = rand(batch * m * n, 7);
                    Tensor ct = be.fromArray(c, batch, m, n);
                    be.batchedGemm(ta, tb, 0.5f, be.fromArray(a, batch, ta ? k : m, ta ? m : k),
                            be.fromArray(b, batch, tb ? n : k, tb ? k : n), 2f, ct);
                    float[] got = be.toArray(ct);
                    for (int i = 0; i < batch; i++) {
                        float[] ai = java.util.Arrays.copyOfRange(a, i * m * k, (i + 1) * m * k);
                        float[] bi = java.util.Arrays.copyOfRange(b, i * k * n, (i + 1) * k * n);
                        float[] ci = java.util.Arrays.copyOfRange(c, i * m * n, (i + 1) * m * n);
                        float[] gi = java.util.Arrays.copyOfRange(got, i * m * n, (i + 1) * m * n);
                        check("batched " + i, ta, tb, m, n, k, 0.5f, ai, bi, 2f, ci, null, Activation.IDENTITY, gi);
                    }
                }
            }
        }
    }

    @Test
    void resultsDoNotDependOnThreadCount() {
        int m = 150;
        int n = 333;
        int k = 270;
        float[] a = rand(m * k, 1);
        float[] b = rand(k * n, 2);
        GemmBlocking blk = GemmBlocking.defaults();
        try (SimdBackend one = new SimdBackend(1, blk); SimdBackend two = new SimdBackend(2, blk)) {
            Tensor c1 = one.allocate(m, n);
            Tensor c2 = two.allocate(m, n);
            one.gemm(false, false, 1f, one.fromArray(a, m, k), one.fromArray(b, k, n), 0f, c1);
            two.gemm(false, false, 1f, two.fromArray(a, m, k), two.fromArray(b, k, n), 0f, c2);
            assertArrayEquals(one.toArray(c1), two.toArray(c2));
        }
    }

    @Test
    void manyThreadsAtOnceEqualSingleThreaded() throws Exception {
        for (SimdBackend be : new SimdBackend[]{DEFAULT, TINY}) {
            manyThreadsAtOnce(be);
        }
    }

    private static void manyThreadsAtOnce(SimdBackend be) throws Exception {
        int m = 60;
        int n = 130;
        int k = 90;
        float[] a = rand(m * k, 3);
        float[] b = rand(k * n, 4);
        float[] bias = rand(n, 5);
        Tensor ref = be.allocate(m, n);
        Epilogue ep = Epilogue.of(be.fromArray(bias, n), Activation.SILU);
        be.gemm(false, true, 1f, be.fromArray(a, m, k), be.fromArray(b, n, k), 0f, ref, ep);
        float[] expected = be.toArray(ref);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < 8; w++) {
            Thread th = new Thread(() -> {
                try {
                    Tensor c = be.allocate(m, n);
                    Tensor at = be.fromArray(a, m, k);
                    Tensor bt = be.fromArray(b, n, k);
                    for (int it = 0; it < 10; it++) {
                        be.gemm(false, true, 1f, at, bt, 0f, c, ep);
                        assertArrayEquals(expected, be.toArray(c));
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

    @Test
    void blockingIsValidated() {
        assertThrows(InvalidArgumentException.class, () -> new GemmBlocking(5, 32, 10, 64, 64, 0, 0));
        assertThrows(InvalidArgumentException.class, () -> new GemmBlocking(8, 30, 16, 64, 60, 0, 0));
        assertThrows(InvalidArgumentException.class, () -> new GemmBlocking(8, 32, 12, 64, 64, 0, 0));
        assertThrows(InvalidArgumentException.class, () -> new GemmBlocking(8, 32, 16, 0, 64, 0, 0));
        assertEquals(GemmBlocking.defaults(), DEFAULT.gemmBlocking());
    }
}
