package io.kiln.train;

import io.kiln.core.InvalidArgumentException;

/**
 * Accuracy, per-class precision, recall and F1, their macro averages, and the confusion matrix
 * ({@code confusion[true][predicted]}). A class never predicted has precision 0, a class absent from the labels
 * recall 0 (scikit-learn's {@code zero_division=0}); F1 is 0 when precision + recall is 0.
 */
public final class ClassificationMetrics {
    private final int classes;
    private final long[][] confusion;
    private final long total;
    private final long correct;

    private ClassificationMetrics(int classes, long[][] confusion) {
        this.classes = classes;
        this.confusion = confusion;
        long t = 0;
        long c = 0;
        for (int i = 0; i < classes; i++) {
            for (int j = 0; j < classes; j++) {
                t += confusion[i][j];
            }
            c += confusion[i][i];
        }
        this.total = t;
        this.correct = c;
    }

    public static ClassificationMetrics of(int[] truth, int[] predicted, int classes) {
        if (truth.length != predicted.length) {
            throw new InvalidArgumentException("metrics: " + truth.length + " labels but " + predicted.length
                    + " predictions");
        }
        long[][] confusion = new long[classes][classes];
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] < 0 || truth[i] >= classes || predicted[i] < 0 || predicted[i] >= classes) {
                throw new InvalidArgumentException("metrics: row " + i + " has label " + truth[i] + " and prediction "
                        + predicted[i] + "; both must lie in [0, " + classes + ")");
            }
            confusion[truth[i]][predicted[i]]++;
        }
        return new ClassificationMetrics(classes, confusion);
    }

    public int classes() {
        return classes;
    }

    public long total() {
        return total;
    }

    public long correct() {
        return correct;
    }

    /** Correct / total (NaN for no examples). */
    public double accuracy() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** A copy of the confusion matrix, rows = true class, columns = predicted class. */
    public long[][] confusion() {
        long[][] c = new long[classes][];
        for (int i = 0; i < classes; i++) {
            c[i] = confusion[i].clone();
        }
        return c;
    }

    /** Examples of class c in the labels. */
    public long support(int c) {
        long s = 0;
        for (int j = 0; j < classes; j++) {
            s += confusion[c][j];
        }
        return s;
    }

    /** Predictions of class c. */
    public long predictedCount(int c) {
        long s = 0;
        for (int i = 0; i < classes; i++) {
            s += confusion[i][c];
        }
        return s;
    }

    public double precision(int c) {
        long p = predictedCount(c);
        return p == 0 ? 0 : (double) confusion[c][c] / p;
    }

    public double recall(int c) {
        long s = support(c);
        return s == 0 ? 0 : (double) confusion[c][c] / s;
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double macroPrecision() {
        double s = 0;
        for (int c = 0; c < classes; c++) {
            s += precision(c);
        }
        return s / classes;
    }

    public double macroRecall() {
        double s = 0;
        for (int c = 0; c < classes; c++) {
            s += recall(c);
        }
        return s / classes;
    }

    public double macroF1() {
        double s = 0;
        for (int c = 0; c < classes; c++) {
            s += f1(c);
        }
        return s / classes;
    }
}
