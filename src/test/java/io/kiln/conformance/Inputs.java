package io.kiln.conformance;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded random inputs for the shared suites, with ranges that suit each op. */
public final class Inputs {
    private Inputs() {
    }

    /** Uniform in [lo, hi). */
    public static float[] uniform(SplittableRandom r, int n, double lo, double hi) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return out;
    }

    /** Magnitude uniform in [lo, hi), random sign: safe divisors and reciprocals. */
    public static float[] awayFromZero(SplittableRandom r, int n, double lo, double hi) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double v = lo + (hi - lo) * r.nextDouble();
            out[i] = (float) (r.nextBoolean() ? v : -v);
        }
        return out;
    }

    /** Log-uniform in [lo, hi), lo &gt; 0: positive values over several decades (log, sqrt). */
    public static float[] logUniform(SplittableRandom r, int n, double lo, double hi) {
        float[] out = new float[n];
        double a = Math.log(lo);
        double b = Math.log(hi);
        for (int i = 0; i < n; i++) {
            out[i] = (float) Math.exp(a + (b - a) * r.nextDouble());
        }
        return out;
    }

    /**
     * Activation inputs: uniform in [−10, 10], with every 17th element replaced in turn by one of ±1e4, ±0, ±1 and
     * ±1e-3 (large magnitudes catch exp overflow in tanh/sigmoid formulations; 0 is ReLU's documented kink).
     */
    public static float[] activation(SplittableRandom r, int n) {
        float[] out = uniform(r, n, -10, 10);
        float[] specials = {1e4f, -1e4f, 0f, -0f, 1f, -1f, 1e-3f, -1e-3f};
        for (int i = 0, s = 0; i < n; i += 17, s++) {
            out[i] = specials[s % specials.length];
        }
        return out;
    }

    /** One class label per row in [0, classes). */
    public static int[] labels(SplittableRandom r, int rows, int classes) {
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = r.nextInt(classes);
        }
        return out;
    }

    /** Rows of probabilities (each row sums to 1 in float64 before rounding). */
    public static float[] softLabels(SplittableRandom r, int rows, int cols) {
        float[] out = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            double[] w = new double[cols];
            for (int j = 0; j < cols; j++) {
                w[j] = r.nextDouble();
                sum += w[j];
            }
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = (float) (w[j] / sum);
            }
        }
        return out;
    }

    /** Rows of probabilities, each row scaled by its own weight in [lo, hi) (so rows sum to that weight). */
    public static float[] weightedSoftLabels(SplittableRandom r, int rows, int cols, double lo, double hi) {
        float[] out = softLabels(r, rows, cols);
        for (int i = 0; i < rows; i++) {
            double w = lo + (hi - lo) * r.nextDouble();
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = (float) (out[i * cols + j] * w);
            }
        }
        return out;
    }

    public static float[] filled(int n, float value) {
        float[] out = new float[n];
        Arrays.fill(out, value);
        return out;
    }

    /** An output's initial contents: NaN everywhere, so an element a kernel forgets to write shows up. */
    public static float[] nan(int n) {
        return filled(n, Float.NaN);
    }

    public static int size(int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }
}
