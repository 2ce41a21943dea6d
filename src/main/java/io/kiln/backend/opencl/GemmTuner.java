package io.kiln.backend.opencl;

import io.kiln.core.KilnException;
import io.kiln.core.Tensor;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Sweeps {@link GemmParams} candidates on a backend's device and returns the fastest, in the manner of CLBlast's
 * tuners (without persistence yet: apply the result with {@link OpenClBackend#setGemmParams}). Each candidate is
 * built, checked against the first candidate's result (a candidate whose C differs by more than
 * {@code 1e-4·Σ|a·b|} is rejected as wrong, not slow), warmed up, then timed {@code reps} times from OpenCL
 * profiling events (pack and tile kernels together, device time); the median ranks it. Candidates that fail to
 * build or launch are reported, not fatal.
 */
public final class GemmTuner {
    /** One measured candidate. */
    public record Result(GemmParams params, long medianNanos, long minNanos, long maxNanos, double gflops) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %.1f GFLOP/s (median %.3f ms, range %.3f..%.3f ms)", params,
                    gflops, medianNanos / 1e6, minNanos / 1e6, maxNanos / 1e6);
        }
    }

    /**
     * The sweep: the fastest candidate, every result (fastest first), the candidates that failed, and how many
     * candidates were left untried when the time budget ran out.
     */
    public record Report(int m, int n, int k, GemmParams best, List<Result> results, List<String> failures,
                         int untried) {
        /** One line: the best candidate and how the sweep went. */
        public String summary() {
            return String.format(Locale.ROOT, "%dx%dx%d: best %s; %d measured, %d failed, %d untried (time "
                    + "budget)", m, n, k, results.get(0), results.size(), failures.size(), untried);
        }
    }

    private GemmTuner() {
    }

    /** Tunes for square {@code size} GEMMs over {@link GemmParams#candidates} for the backend's device, 5 reps. */
    public static Report tune(OpenClBackend backend, int size) {
        return tune(backend, size, size, size, GemmParams.candidates(backend.device()), 5, Duration.ofDays(1));
    }

    /** Tunes an m x n x k GEMM (no transposes) over {@code candidates}, without a time limit. */
    public static Report tune(OpenClBackend backend, int m, int n, int k, List<GemmParams> candidates, int reps) {
        return tune(backend, m, n, k, candidates, reps, Duration.ofDays(1));
    }

    /**
     * Tunes an m x n x k GEMM over {@code candidates} in the given order, stopping (between candidates) once
     * {@code budget} has passed; the first candidate is always measured.
     */
    public static Report tune(OpenClBackend backend, int m, int n, int k, List<GemmParams> candidates, int reps,
                              Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        if (candidates.isEmpty()) {
            throw new io.kiln.core.InvalidArgumentException("GemmTuner: no candidates");
        }
        SplittableRandom rnd = new SplittableRandom(42);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        double[] absSum = absRowColSums(a, b, m, n, k);
        List<Result> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int tried = 0;
        boolean wasProfiling = backend.isProfiling();
        float[] expected = null;
        try (Tensor ta = backend.fromArray(a, m, k); Tensor tb = backend.fromArray(b, k, n);
             Tensor tc = backend.allocate(m, n)) {
            backend.setProfiling(true);
            for (GemmParams p : candidates) {
                if (!results.isEmpty() && System.nanoTime() > deadline) {
                    break;
                }
                tried++;
                try {
                    backend.drainTimings();
                    backend.gemm(p, false, false, 1, m, n, k, 1f, ta, tb, 0f, tc, null, 0, true);
                    float[] got = backend.toArray(tc);
                    if (expected == null) {
                        expected = got;
                    } else if (!close(expected, got, absSum, n)) {
                        failures.add(p + ": wrong result");
                        continue;
                    }
                    backend.drainTimings();
                    long[] t = new long[reps];
                    for (int r = 0; r < reps; r++) {
                        backend.gemm(p, false, false, 1, m, n, k, 1f, ta, tb, 0f, tc, null, 0, true);
                        long sum = 0;
                        for (KernelTiming kt : backend.drainTimings()) {
                            sum += kt.durationNs();
                        }
                        t[r] = sum;
                    }
                    Arrays.sort(t);
                    long median = t[reps / 2];
                    results.add(new Result(p, median, t[0], t[reps - 1], 2.0 * m * n * k / median));
                } catch (KilnException e) {
                    failures.add(p + ": " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
        } finally {
            backend.drainTimings();
            backend.setProfiling(wasProfiling);
        }
        if (results.isEmpty()) {
            throw new KilnException("GemmTuner: every candidate failed on " + backend.device().name() + ": "
                    + failures);
        }
        results.sort(Comparator.comparingLong(Result::medianNanos));
        return new Report(m, n, k, results.get(0).params(), List.copyOf(results), List.copyOf(failures),
                candidates.size() - tried);
    }

    /** Σ|a·b| bound per (i, j) approximated by (Σ_p |a_ip|·max_p|b_pj|): cheap, and an upper bound. */
    private static double[] absRowColSums(float[] a, float[] b, int m, int n, int k) {
        double[] rowAbs = new double[m];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                rowAbs[i] += Math.abs(a[i * k + p]);
            }
        }
        double[] colMax = new double[n];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                colMax[j] = Math.max(colMax[j], Math.abs(b[p * n + j]));
            }
        }
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = rowAbs[i] * colMax[j];
            }
        }
        return out;
    }

    private static boolean close(float[] expected, float[] got, double[] absSum, int n) {
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - got[i]) <= 1e-4 * absSum[i] + 1e-30)) {
                return false;
            }
        }
        return true;
    }
}
