package io.kiln.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.Activation;
import io.kiln.core.Backend;
import io.kiln.core.Epilogue;
import io.kiln.core.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GEMM on the OpenCL backend against the reference backend: every transpose pair, alpha/beta (beta = 0 must not
 * read C), the bias + activation epilogue, batched, edge sizes (1, primes, zero dimensions), both the direct and
 * the packed tile path, and several tile parameter sets, including the local-memory (GPU) variant run on PoCL.
 *
 * <p>Bound per element: {@code |got − want| <= 1e-5·(|alpha|·Σ_p|a_ip·b_pj| + |beta·c_ij| + |bias_j|)}, as the
 * shared golden test; the kernels accumulate with fma in k order, far inside it for these k.
 */
class OpenClGemmTest {
    private static OpenClBackend cl;
    private static Backend ref;

    /** Tile sets covering both code paths and vector widths 1, 2, 4, 16. */
    private static List<GemmParams> paramSets;

    @BeforeAll
    static void setUp() {
        cl = OpenClTestSupport.backend();
        ref = OpenClTestSupport.reference();
        paramSets = List.of(
                GemmParams.defaultFor(cl.device()),
                GemmParams.GPU_DEFAULT,
                new GemmParams(16, 8, 4, 2, 4, 2, true, 8, 16),
                new GemmParams(8, 8, 3, 4, 4, 1, false, 6, 24),
                new GemmParams(16, 16, 8, 8, 8, 4, false, 0, 0),
                GemmParams.LARGE_GPU_DEFAULT);
    }

    private static final int[][] SIZES = {{1, 1, 1}, {2, 3, 5}, {7, 11, 13}, {13, 1, 17}, {1, 19, 23},
        {31, 33, 37}, {64, 64, 64}, {65, 97, 30}, {0, 5, 3}, {5, 0, 3}, {5, 3, 0}, {100, 3, 1}};

    private static float[] rand(SplittableRandom r, int n) {
        return OpenClTestSupport.random(r, n, -1, 1);
    }

    /** Checks C of one (possibly batched) GEMM against the reference with the Σ|a·b| bound. */
    private static void check(String what, boolean ta, boolean tb, int batch, int m, int n, int k, float alpha,
                              float[] a, float[] b, float beta, float[] c0, float[] bias, float[] want,
                              float[] got) {
        for (int bi = 0; bi < batch; bi++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double abs = 0;
                    for (int p = 0; p < k; p++) {
                        double aip = ta ? a[bi * m * k + p * m + i] : a[bi * m * k + i * k + p];
                        double bpj = tb ? b[bi * k * n + j * k + p] : b[bi * k * n + p * n + j];
                        abs += Math.abs(aip * bpj);
                    }
                    int idx = bi * m * n + i * n + j;
                    double bound = 1e-5 * (Math.abs(alpha) * abs + Math.abs(beta * c0[idx])
                            + (bias != null ? Math.abs(bias[j]) : 0)) + 1e-30;
                    double err = Math.abs(got[idx] - want[idx]);
                    if (!(err <= bound) && !(Float.isNaN(want[idx]) && Float.isNaN(got[idx]))) {
                        throw new AssertionError(what + " at batch " + bi + " (" + i + "," + j + "): want "
                                + want[idx] + " got " + got[idx] + ", error " + err + " > " + bound);
                    }
                }
            }
        }
    }

    private static float[] referenceGemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a,
                                         float[] b, float beta, float[] c0, float[] bias, Activation act) {
        try (Tensor at = ref.fromArray(a, ta ? k : m, ta ? m : k); Tensor bt = ref.fromArray(b, tb ? n : k,
                tb ? k : n); Tensor ct = ref.fromArray(c0, m, n);
             Tensor bs = bias == null ? null : ref.fromArray(bias, n)) {
            ref.gemm(ta, tb, alpha, at, bt, beta, ct, Epilogue.of(bs, act));
            return ref.toArray(ct);
        }
    }

    @Test
    void everyTransposePairSizeAndPathAgainstReference() {
        SplittableRandom r = new SplittableRandom(1);
        float[][] alphaBeta = {{1f, 0f}, {0.5f, 2f}, {-1.25f, 1f}};
        for (GemmParams params : paramSets) {
            for (boolean forceTiled : new boolean[]{false, true}) {
                for (int[] s : SIZES) {
                    int m = s[0];
                    int n = s[1];
                    int k = s[2];
                    for (boolean ta : new boolean[]{false, true}) {
                        for (boolean tb : new boolean[]{false, true}) {
                            float[] ab = alphaBeta[(m + n + k + (ta ? 1 : 0) + (tb ? 2 : 0)) % alphaBeta.length];
                            float[] a = rand(r, m * k);
                            float[] b = rand(r, k * n);
                            float[] c0 = rand(r, m * n);
                            float[] want = referenceGemm(ta, tb, m, n, k, ab[0], a, b, ab[1], c0, null,
                                    Activation.IDENTITY);
                            float[] got;
                            try (Tensor at = cl.fromArray(a, ta ? k : m, ta ? m : k);
                                 Tensor bt = cl.fromArray(b, tb ? n : k, tb ? k : n);
                                 Tensor ct = cl.fromArray(c0, m, n)) {
                                cl.gemm(params, ta, tb, 1, m, n, k, ab[0], at, bt, ab[1], ct, null, 0, forceTiled);
                                got = cl.toArray(ct);
                            }
                            check("gemm " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " alpha=" + ab[0]
                                    + " beta=" + ab[1] + " " + params + (forceTiled ? " tiled" : ""), ta, tb, 1, m,
                                    n, k, ab[0], a, b, ab[1], c0, null, want, got);
                        }
                    }
                }
            }
        }
    }

    @Test
    void publicEntryPointLargerThanTheDirectThreshold() {
        SplittableRandom r = new SplittableRandom(2);
        int m = 129;
        int n = 67;
        int k = 257;
        for (boolean ta : new boolean[]{false, true}) {
            for (boolean tb : new boolean[]{false, true}) {
                float[] a = rand(r, m * k);
                float[] b = rand(r, k * n);
                float[] c0 = rand(r, m * n);
                float[] want = referenceGemm(ta, tb, m, n, k, 0.75f, a, b, -0.5f, c0, null, Activation.IDENTITY);
                float[] got;
                try (Tensor at = cl.fromArray(a, ta ? k : m, ta ? m : k);
                     Tensor bt = cl.fromArray(b, tb ? n : k, tb ? k : n); Tensor ct = cl.fromArray(c0, m, n)) {
                    cl.gemm(ta, tb, 0.75f, at, bt, -0.5f, ct);
                    got = cl.toArray(ct);
                }
                check("gemm public ta=" + ta + " tb=" + tb, ta, tb, 1, m, n, k, 0.75f, a, b, -0.5f, c0, null, want,
                        got);
            }
        }
    }

    @Test
    void betaZeroDoesNotReadC() {
        SplittableRandom r = new SplittableRandom(3);
        for (int[] s : new int[][]{{3, 5, 7}, {70, 90, 80}}) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] nan = new float[m * n];
            java.util.Arrays.fill(nan, Float.NaN);
            try (Tensor a = cl.fromArray(rand(r, m * k), m, k); Tensor b = cl.fromArray(rand(r, k * n), k, n);
                 Tensor c = cl.fromArray(nan, m, n)) {
                for (GemmParams p : paramSets) {
                    for (boolean forceTiled : new boolean[]{false, true}) {
                        cl.copyIn(nan, c);
                        cl.gemm(p, false, false, 1, m, n, k, 1f, a, b, 0f, c, null, 0, forceTiled);
                        for (float v : cl.toArray(c)) {
                            assertFalse(Float.isNaN(v), "beta = 0 read C (" + p + ", " + m + "x" + n + "x" + k
                                    + (forceTiled ? ", tiled" : ", direct") + ")");
                        }
                    }
                }
            }
        }
    }

    @Test
    void epilogueBiasAndEveryActivation() {
        SplittableRandom r = new SplittableRandom(4);
        for (int[] s : new int[][]{{5, 7, 3}, {67, 45, 33}}) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (Activation act : Activation.values()) {
                for (boolean withBias : new boolean[]{false, true}) {
                    float[] a = rand(r, m * k);
                    float[] b = rand(r, k * n);
                    float[] c0 = rand(r, m * n);
                    float[] bias = withBias ? rand(r, n) : null;
                    float[] want = referenceGemm(false, true, m, n, k, 1.5f, a, b, 0.5f, c0, bias, act);
                    for (GemmParams p : paramSets.subList(0, 3)) {
                        float[] got;
                        try (Tensor at = cl.fromArray(a, m, k); Tensor bt = cl.fromArray(b, n, k);
                             Tensor ct = cl.fromArray(c0, m, n);
                             Tensor bs = bias == null ? null : cl.fromArray(bias, 1, n)) {
                            cl.gemm(p, false, true, 1, m, n, k, 1.5f, at, bt, 0.5f, ct, bs,
                                    KernelCodes.activation(act), true);
                            got = cl.toArray(ct);
                        }
                        // The activation is applied to the checked pre-activation, so allow its own error on top.
                        for (int i = 0; i < want.length; i++) {
                            double tol = 1e-5 * (Math.abs(want[i]) + k + 1) + 1e-6;
                            assertTrue(Math.abs(want[i] - got[i]) <= tol, "epilogue " + act + " bias=" + withBias
                                    + " " + p + " at " + i + ": want " + want[i] + " got " + got[i]);
                        }
                    }
                    // And through the public API.
                    try (Tensor at = cl.fromArray(a, m, k); Tensor bt = cl.fromArray(b, n, k);
                         Tensor ct = cl.fromArray(c0, m, n); Tensor bs = bias == null ? null : cl.fromArray(bias, n)) {
                        cl.gemm(false, true, 1.5f, at, bt, 0.5f, ct, Epilogue.of(bs, act));
                        float[] got = cl.toArray(ct);
                        for (int i = 0; i < want.length; i++) {
                            assertTrue(Math.abs(want[i] - got[i]) <= 1e-5 * (Math.abs(want[i]) + k + 1) + 1e-6,
                                    "public epilogue " + act + " at " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void batchedEveryTransposePairBothPaths() {
        SplittableRandom r = new SplittableRandom(5);
        int[][] sizes = {{3, 5, 7, 9}, {2, 33, 17, 65}, {1, 1, 1, 1}, {0, 4, 4, 4}, {4, 0, 3, 2}, {2, 3, 4, 0}};
        for (int[] s : sizes) {
            int batch = s[0];
            int m = s[1];
            int n = s[2];
            int k = s[3];
            for (boolean ta : new boolean[]{false, true}) {
                for (boolean tb : new boolean[]{false, true}) {
                    float[] a = rand(r, batch * m * k);
                    float[] b = rand(r, batch * k * n);
                    float[] c0 = rand(r, batch * m * n);
                    float[] want;
                    try (Tensor at = ref.fromArray(a, batch, ta ? k : m, ta ? m : k);
                         Tensor bt = ref.fromArray(b, batch, tb ? n : k, tb ? k : n);
                         Tensor ct = ref.fromArray(c0, batch, m, n)) {
                        ref.batchedGemm(ta, tb, 0.5f, at, bt, 1.5f, ct);
                        want = ref.toArray(ct);
                    }
                    for (GemmParams p : paramSets.subList(0, 3)) {
                        for (boolean forceTiled : new boolean[]{false, true}) {
                            float[] got;
                            try (Tensor at = cl.fromArray(a, batch, ta ? k : m, ta ? m : k);
                                 Tensor bt = cl.fromArray(b, batch, tb ? n : k, tb ? k : n);
                                 Tensor ct = cl.fromArray(c0, batch, m, n)) {
                                cl.gemm(p, ta, tb, batch, m, n, k, 0.5f, at, bt, 1.5f, ct, null, 0, forceTiled);
                                got = cl.toArray(ct);
                            }
                            check("batched " + batch + "x" + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " "
                                    + p + (forceTiled ? " tiled" : ""), ta, tb, batch, m, n, k, 0.5f, a, b, 1.5f, c0,
                                    null, want, got);
                        }
                    }
                    try (Tensor at = cl.fromArray(a, batch, ta ? k : m, ta ? m : k);
                         Tensor bt = cl.fromArray(b, batch, tb ? n : k, tb ? k : n);
                         Tensor ct = cl.fromArray(c0, batch, m, n)) {
                        cl.batchedGemm(ta, tb, 0.5f, at, bt, 1.5f, ct);
                        check("batched public", ta, tb, batch, m, n, k, 0.5f, a, b, 1.5f, c0, null, want,
                                cl.toArray(ct));
                    }
                }
            }
        }
    }

    @Test
    void tunerReturnsTheFastestCheckedCandidate() {
        List<GemmParams> candidates = List.of(GemmParams.defaultFor(cl.device()),
                new GemmParams(8, 8, 3, 4, 4, 1, false, 6, 24), new GemmParams(16, 16, 8, 8, 8, 4, false, 0, 0));
        GemmTuner.Report report = GemmTuner.tune(cl, 96, 80, 72, candidates, 3);
        assertTrue(report.failures().isEmpty(), "failures: " + report.failures());
        assertTrue(report.results().size() == candidates.size(), "every candidate measured");
        GemmTuner.Result best = report.results().get(0);
        assertTrue(best.params().equals(report.best()), "best is the first result");
        for (GemmTuner.Result res : report.results()) {
            assertTrue(res.medianNanos() >= best.medianNanos(), "sorted fastest first: " + report.results());
            assertTrue(res.gflops() > 0 && res.minNanos() <= res.medianNanos()
                    && res.medianNanos() <= res.maxNanos(), "sane timing: " + res);
        }
        assertFalse(cl.isProfiling(), "the tuner restores the profiling switch");
    }

    @Test
    void candidateListsAreValidForTheirDevices() {
        List<GemmParams> cpu = GemmParams.candidates(cl.device());
        assertFalse(cpu.isEmpty());
        for (GemmParams p : cpu) {
            assertTrue(p.fits(cl.device()), p + " fits");
        }
        assertTrue(GemmParams.defaultFor(cl.device()).fits(cl.device()));
    }
}
