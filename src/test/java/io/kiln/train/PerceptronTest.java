package io.kiln.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.Backends;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PerceptronTest {
    /**
     * A linearly separable set with a margin: labels are argmax of a hidden linear score W*·x + b*, keeping only
     * points whose best score beats the runner-up by at least {@code margin}. Features are small integers, so every
     * perceptron update (w += x, w −= x) is exact and the weights stay integers.
     */
    static Dataset separable(int rows, int features, int classes, double margin, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] w = new double[classes][features + 1];
        for (double[] row : w) {
            for (int j = 0; j <= features; j++) {
                row[j] = r.nextDouble(-1, 1);
            }
        }
        float[] x = new float[rows * features];
        int[] y = new int[rows];
        int n = 0;
        double[] s = new double[classes];
        while (n < rows) {
            float[] p = new float[features];
            for (int j = 0; j < features; j++) {
                p[j] = r.nextInt(-5, 6);
            }
            int best = 0;
            for (int c = 0; c < classes; c++) {
                s[c] = w[c][features];
                for (int j = 0; j < features; j++) {
                    s[c] += w[c][j] * p[j];
                }
                if (s[c] > s[best]) {
                    best = c;
                }
            }
            double second = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                if (c != best) {
                    second = Math.max(second, s[c]);
                }
            }
            if (s[best] - second < margin) {
                continue;
            }
            System.arraycopy(p, 0, x, n * features, features);
            y[n++] = best;
        }
        return new Dataset("separable", x, y, features, classes, null);
    }

    @Test
    void reachesZeroTrainingErrorsOnALinearlySeparableSet() {
        Dataset data = separable(400, 6, 4, 0.5, 21);
        try (Perceptron p = new Perceptron(new Ops(Backends.select("reference")), 200, 3, 128)) {
            TrainingHistory h = p.fit(data, TrainingListener.NONE);
            assertTrue(h.stoppedBy().startsWith("no mistakes"), h.stoppedBy());
            double[] mistakes = h.lossCurve();
            assertEquals(0, mistakes[mistakes.length - 1]);
            assertTrue(mistakes[0] > 0, "the first epoch must make mistakes");
            Evaluation.Result r = Evaluation.evaluate(p, data);
            assertEquals(0, r.metrics().total() - r.metrics().correct(), "training errors");
            // w_y += x, w_ŷ −= x on integer features: every weight is an integer, and the weights of all classes
            // sum to zero per feature (each update adds x once and subtracts it once)
            float[] w = p.weights();
            int d1 = 7;
            for (int j = 0; j < d1; j++) {
                float sum = 0;
                for (int c = 0; c < 4; c++) {
                    float v = w[c * d1 + j];
                    assertEquals(Math.rint(v), v, 0f, "weight " + c + "," + j + " is not an integer");
                    sum += v;
                }
                assertEquals(0f, sum, 0f, "column " + j);
            }
        }
    }

    @Test
    void isReproducibleForASeed() {
        Dataset data = separable(200, 4, 3, 0.3, 5);
        try (Perceptron a = new Perceptron(new Ops(Backends.select("reference")), 5, 9, 64);
             Perceptron b = new Perceptron(new Ops(Backends.select("reference")), 5, 9, 64)) {
            a.fit(data, null);
            b.fit(data, null);
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.weights(), b.weights());
        }
    }
}
