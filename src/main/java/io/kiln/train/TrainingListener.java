package io.kiln.train;

/** Receives a trainer's progress (the CLI's progress bar is one). Called on the training thread; keep it cheap. */
public interface TrainingListener {
    /**
     * Training starts. {@code lossName} says what the per-epoch value is (e.g. "cross-entropy", "mistakes"),
     * {@code epochs} is the planned number (−1 when only a time budget bounds it), {@code budgetSeconds} the time
     * budget (0 for none).
     */
    default void start(String what, String lossName, int epochs, long stepsPerEpoch, double budgetSeconds) {
    }

    /**
     * After a step: the epoch (from 1), the step within it (from 1), the running mean loss of the epoch, examples
     * processed in the whole run, seconds since the start, and overall progress in [0, 1].
     */
    default void step(int epoch, long stepInEpoch, double runningLoss, long examples, double seconds,
                      double progress) {
    }

    /** After each epoch. */
    default void epochEnd(TrainingHistory.Epoch epoch) {
    }

    /** Training is over. */
    default void end(TrainingHistory history) {
    }

    TrainingListener NONE = new TrainingListener() {
    };
}
