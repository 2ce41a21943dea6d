package io.kiln.train;

import io.kiln.core.InvalidArgumentException;
import io.kiln.core.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The multiclass perceptron (Rosenblatt; Collins 2002 for the multiclass form), trained online exactly as in the
 * lecture: one example at a time, predict {@code ŷ = argmax_c w_c·x}; on a mistake {@code w_y += x} and
 * {@code w_ŷ −= x}. Only additions and subtractions touch the weights; there is no learning rate and no loss.
 * A bias is learned as the weight of a constant feature 1 appended to every example.
 *
 * <p>Kernels: the score of one example is a 1×C GEMM against W (C × (d+1)) and an argmax. The update runs as one
 * rank-1 GEMM {@code W += u·xᵀ} with u holding +1 at y, −1 at ŷ and 0 elsewhere; multiplying by ±1 and 0 is
 * exact, so this is bit for bit the two row additions. (The cost meter counts it as the GEMM it is, 2·C·(d+1)
 * FLOPs, not the 2·(d+1) additions the math needs.)
 *
 * <p>Epochs visit the rows in a seeded random order; training stops after an epoch without mistakes (the data is
 * then separated, by the convergence theorem this happens when the data is linearly separable) or after the given
 * number of epochs.
 */
public final class Perceptron implements Classifier {
    private static final long SHUFFLE_STREAM = 0x50455243L;

    private final Ops ops;
    private final int maxEpochs;
    private final long seed;
    private final int predictBatchSize;
    private Tensor weights;
    private int features;
    private int classes;
    private Tensor[] predictInput = new Tensor[0];
    private Tensor[] predictScores = new Tensor[0];
    private float[][] predictStaging = new float[0][];
    private int[][] predictOut = new int[0][];

    public Perceptron(Ops ops, int maxEpochs, long seed, int predictBatchSize) {
        if (maxEpochs < 1) {
            throw new InvalidArgumentException("perceptron: epochs must be >= 1, got " + maxEpochs);
        }
        if (predictBatchSize < 1) {
            throw new InvalidArgumentException("perceptron: predict batch size must be >= 1, got " + predictBatchSize);
        }
        this.ops = ops;
        this.maxEpochs = maxEpochs;
        this.seed = seed;
        this.predictBatchSize = predictBatchSize;
    }

    @Override
    public String kind() {
        return "perceptron";
    }

    @Override
    public String describe() {
        return "multiclass perceptron (online, w_y += x, w_pred -= x on a mistake), at most " + maxEpochs
                + " epochs, stops after an epoch without mistakes";
    }

    @Override
    public Ops ops() {
        return ops;
    }

    @Override
    public long parameterCount() {
        return weights == null ? 0 : weights.size();
    }

    @Override
    public int predictBatchSize() {
        return predictBatchSize;
    }

    /** The weights, one row per class, the bias last (for tests). */
    public float[] weights() {
        return ops.backend().toArray(weights);
    }

    @Override
    public TrainingHistory fit(Dataset train, TrainingListener listener) {
        TrainingListener l = listener == null ? TrainingListener.NONE : listener;
        closeTensors();
        features = train.features();
        classes = train.classes();
        int d1 = features + 1;
        int n = train.rows();
        weights = ops.allocate(classes, d1);
        Tensor x = ops.allocate(1, d1);
        Tensor scores = ops.allocate(1, classes);
        Tensor u = ops.allocate(classes, 1);
        float[] xHost = new float[d1];
        float[] uHost = new float[classes];
        int[] predicted = new int[1];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom shuffle = new SplittableRandom(seed ^ SHUFFLE_STREAM);
        TrainingHistory history = new TrainingHistory("mistakes");
        float[] data = train.x();
        int[] labels = train.y();
        long examples = 0;
        String stoppedBy = "epochs";
        l.start(describe(), history.lossName(), maxEpochs, n, 0);
        long t0 = System.nanoTime();
        try {
            for (int epoch = 1; epoch <= maxEpochs; epoch++) {
                Dataset.shuffle(order, shuffle);
                long mistakes = 0;
                for (int i = 0; i < n; i++) {
                    int row = order[i];
                    System.arraycopy(data, row * features, xHost, 0, features);
                    xHost[features] = 1f;
                    ops.copyIn(xHost, x);
                    ops.gemm(false, true, 1f, x, weights, 0f, scores);
                    ops.argmax(scores, 1, predicted);
                    int y = labels[row];
                    int p = predicted[0];
                    if (p != y) {
                        mistakes++;
                        uHost[y] = 1f;
                        uHost[p] = -1f;
                        ops.copyIn(uHost, u);
                        ops.gemm(false, false, 1f, u, x, 1f, weights);
                        uHost[y] = 0f;
                        uHost[p] = 0f;
                    }
                    examples++;
                    if ((i & 1023) == 1023 || i == n - 1) {
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        l.step(epoch, i + 1, (double) mistakes, examples, seconds,
                                (epoch - 1 + (i + 1.0) / n) / maxEpochs);
                    }
                }
                TrainingHistory.Epoch e = new TrainingHistory.Epoch(epoch, mistakes, 0, n,
                        (System.nanoTime() - t0) / 1e9);
                history.addEpoch(e);
                l.epochEnd(e);
                if (mistakes == 0) {
                    stoppedBy = "no mistakes in an epoch (training set separated)";
                    break;
                }
            }
        } finally {
            x.close();
            scores.close();
            u.close();
        }
        history.finish(examples, examples, (System.nanoTime() - t0) / 1e9, stoppedBy);
        l.end(history);
        return history;
    }

    @Override
    public void predict(Dataset data, int start, int count, int[] out) {
        if (weights == null) {
            throw new InvalidArgumentException("perceptron: predict before fit");
        }
        if (data.features() != features) {
            throw new InvalidArgumentException("perceptron: data " + data + " has " + data.features()
                    + " features, the model takes " + features);
        }
        int slot = slot(count);
        float[] staging = predictStaging[slot];
        int d1 = features + 1;
        float[] x = data.x();
        for (int r = 0; r < count; r++) {
            System.arraycopy(x, (start + r) * features, staging, r * d1, features);
            staging[r * d1 + features] = 1f;
        }
        ops.copyIn(staging, predictInput[slot]);
        ops.gemm(false, true, 1f, predictInput[slot], weights, 0f, predictScores[slot]);
        ops.argmax(predictScores[slot], 1, predictOut[slot]);
        System.arraycopy(predictOut[slot], 0, out, start, count);
    }

    /** The prediction buffers for {@code count} rows, allocated on first use. */
    private int slot(int count) {
        for (int i = 0; i < predictInput.length; i++) {
            if (predictInput[i].dim(0) == count) {
                return i;
            }
        }
        int i = predictInput.length;
        predictInput = Arrays.copyOf(predictInput, i + 1);
        predictScores = Arrays.copyOf(predictScores, i + 1);
        predictStaging = Arrays.copyOf(predictStaging, i + 1);
        predictOut = Arrays.copyOf(predictOut, i + 1);
        predictInput[i] = ops.allocate(count, features + 1);
        predictScores[i] = ops.allocate(count, classes);
        predictStaging[i] = new float[count * (features + 1)];
        predictOut[i] = new int[count];
        return i;
    }

    private void closeTensors() {
        if (weights != null) {
            weights.close();
            weights = null;
        }
        for (int i = 0; i < predictInput.length; i++) {
            predictInput[i].close();
            predictScores[i].close();
        }
        predictInput = new Tensor[0];
        predictScores = new Tensor[0];
        predictStaging = new float[0][];
        predictOut = new int[0][];
    }

    @Override
    public void close() {
        closeTensors();
    }
}
