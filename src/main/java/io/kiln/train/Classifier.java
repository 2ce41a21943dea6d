package io.kiln.train;

/**
 * A trainable classifier on a Kiln backend: {@link #fit} on a training set, then {@link #predict} any rows of a
 * data set in batches. Every kernel goes through {@link #ops()}, so its cost meter sees all the work.
 */
public interface Classifier extends AutoCloseable {
    /** {@code mlp}, {@code logreg}, {@code perceptron} or {@code knn}. */
    String kind();

    /** One line describing the model and its hyper-parameters. */
    String describe();

    /** Trains on {@code train} from scratch (the model's shape is fixed by the data's features and classes). */
    TrainingHistory fit(Dataset train, TrainingListener listener);

    /** Predicts rows {@code start .. start+count} of {@code data} into {@code out[start .. start+count)}. */
    void predict(Dataset data, int start, int count, int[] out);

    /** The batch size {@link #predict} is best called with. */
    int predictBatchSize();

    /** Trainable (or stored, for k-NN) numbers. */
    long parameterCount();

    /** The metered kernel calls this classifier makes. */
    Ops ops();

    @Override
    void close();
}
