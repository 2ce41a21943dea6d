package io.kiln.train;

import java.util.ArrayList;
import java.util.List;

/**
 * What a training run did: per epoch (or per L-BFGS iteration, or perceptron pass) its mean loss or error count,
 * learning rate and time, plus totals and the reason it stopped.
 */
public final class TrainingHistory {
    /** One epoch: its number from 1, mean training loss (or mistakes for the perceptron), seconds since start. */
    public record Epoch(int epoch, double loss, double learningRate, long examples, double seconds) {
    }

    private final List<Epoch> epochs = new ArrayList<>();
    private final String lossName;
    private long steps;
    private long examples;
    private double seconds;
    private String stoppedBy = "epochs";

    public TrainingHistory(String lossName) {
        this.lossName = lossName;
    }

    public void addEpoch(Epoch e) {
        epochs.add(e);
    }

    public List<Epoch> epochs() {
        return List.copyOf(epochs);
    }

    /** The per-epoch values, in order. */
    public double[] lossCurve() {
        return epochs.stream().mapToDouble(Epoch::loss).toArray();
    }

    /** What {@link Epoch#loss()} measures, e.g. "cross-entropy" or "mistakes". */
    public String lossName() {
        return lossName;
    }

    public long steps() {
        return steps;
    }

    public long examples() {
        return examples;
    }

    public double seconds() {
        return seconds;
    }

    public String stoppedBy() {
        return stoppedBy;
    }

    void finish(long steps, long examples, double seconds, String stoppedBy) {
        this.steps = steps;
        this.examples = examples;
        this.seconds = seconds;
        this.stoppedBy = stoppedBy;
    }

    /** Training examples processed per second of training. */
    public double examplesPerSecond() {
        return seconds > 0 ? examples / seconds : 0;
    }
}
