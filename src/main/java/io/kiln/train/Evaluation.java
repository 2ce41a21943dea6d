package io.kiln.train;

import io.kiln.core.Cost;
import java.util.Arrays;

/**
 * Runs a trained classifier over a data set in batches and measures it: the {@link ClassificationMetrics}, the
 * wall-clock latency of every full batch (median and 90th percentile), the throughput, and the counted cost per
 * example of the forward pass (from the classifier's cost meter).
 */
public final class Evaluation {
    /** What one evaluation measured. */
    public record Result(String data, ClassificationMetrics metrics, int batchSize, int batches,
                         double medianBatchMillis, double p90BatchMillis, double seconds, double examplesPerSecond,
                         Cost costPerExample, long kernelCallsPerBatch) {
        public double accuracy() {
            return metrics.accuracy();
        }
    }

    private Evaluation() {
    }

    /** Predicts every row of {@code data} in batches of the classifier's {@link Classifier#predictBatchSize()}. */
    public static Result evaluate(Classifier classifier, Dataset data) {
        int n = data.rows();
        int batch = Math.max(1, Math.min(classifier.predictBatchSize(), Math.max(1, n)));
        int[] predicted = new int[n];
        int batches = (n + batch - 1) / batch;
        double[] fullBatchMillis = new double[batches];
        int full = 0;
        CostMeter meter = classifier.ops().meter();
        CostMeter.Mark mark = meter.mark();
        long t0 = System.nanoTime();
        for (int start = 0; start < n; start += batch) {
            int rows = Math.min(batch, n - start);
            long b0 = System.nanoTime();
            classifier.predict(data, start, rows, predicted);
            long b1 = System.nanoTime();
            if (rows == batch) {
                fullBatchMillis[full++] = (b1 - b0) / 1e6;
            }
        }
        classifier.ops().backend().synchronize();
        double seconds = (System.nanoTime() - t0) / 1e9;
        CostMeter.Mark used = meter.since(mark);
        Cost c = used.cost();
        Cost perExample = n == 0 ? Cost.ZERO : new Cost(c.flops() / n, c.transcendentals() / n,
                c.bytesRead() / n, c.bytesWritten() / n);
        double[] sorted = Arrays.copyOf(fullBatchMillis, full);
        Arrays.sort(sorted);
        double median = full == 0 ? Double.NaN : percentile(sorted, 0.5);
        double p90 = full == 0 ? Double.NaN : percentile(sorted, 0.9);
        ClassificationMetrics metrics = ClassificationMetrics.of(data.y(), predicted, data.classes());
        return new Result(data.name(), metrics, batch, batches, median, p90, seconds,
                seconds > 0 ? n / seconds : 0, perExample, batches == 0 ? 0 : used.calls() / batches);
    }

    /** Nearest-rank percentile of a sorted array. */
    static double percentile(double[] sorted, double q) {
        int idx = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
