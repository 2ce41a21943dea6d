package io.kiln.train;

import io.kiln.core.Activation;
import io.kiln.core.InvalidArgumentException;
import java.time.Duration;
import java.util.Arrays;

/**
 * Hyper-parameters of {@link MlpTrainer}, with fluent setters and the defaults {@code kiln train} uses. Logistic
 * regression is the same trainer with no hidden layers.
 */
public final class MlpOptions {
    private int[] hidden = {128, 128};
    private Activation[] activations = {Activation.RELU};
    private float dropout;
    private Mlp.Loss loss = Mlp.Loss.CROSS_ENTROPY;
    private OptimizerKind optimizer = OptimizerKind.ADAM;
    private float lr = Float.NaN;
    private float momentum = 0.9f;
    private float l1;
    private float l2;
    private int epochs = 10;
    private int batchSize = 128;
    private LrSchedule schedule = LrSchedule.constant();
    private Duration timeBudget;
    private long seed = 42;
    private float clipGradNorm;
    private int lbfgsHistory = 10;
    private int lbfgsMaxIterations = 100;
    private int lbfgsChunkRows = 4096;
    private int predictBatchSize = 1000;

    public int[] hidden() {
        return hidden.clone();
    }

    public MlpOptions hidden(int... widths) {
        this.hidden = widths.clone();
        return this;
    }

    public Activation[] activations() {
        return activations.clone();
    }

    /** One activation for every hidden layer, or one per hidden layer. */
    public MlpOptions activations(Activation... acts) {
        if (acts.length == 0) {
            throw new InvalidArgumentException("mlp: need at least one activation");
        }
        this.activations = acts.clone();
        return this;
    }

    public float dropout() {
        return dropout;
    }

    public MlpOptions dropout(float p) {
        this.dropout = p;
        return this;
    }

    public Mlp.Loss loss() {
        return loss;
    }

    public MlpOptions loss(Mlp.Loss loss) {
        this.loss = loss;
        return this;
    }

    public OptimizerKind optimizer() {
        return optimizer;
    }

    public MlpOptions optimizer(OptimizerKind kind) {
        this.optimizer = kind;
        return this;
    }

    /** The learning rate given, or the optimizer's default. */
    public float lr() {
        return Float.isNaN(lr) ? optimizer.defaultLr() : lr;
    }

    public MlpOptions lr(float lr) {
        this.lr = lr;
        return this;
    }

    public float momentum() {
        return momentum;
    }

    public MlpOptions momentum(float momentum) {
        this.momentum = momentum;
        return this;
    }

    public float l1() {
        return l1;
    }

    public MlpOptions l1(float l1) {
        this.l1 = l1;
        return this;
    }

    public float l2() {
        return l2;
    }

    public MlpOptions l2(float l2) {
        this.l2 = l2;
        return this;
    }

    /** Epochs to train; −1 means "until the time budget runs out". */
    public int epochs() {
        return epochs;
    }

    public MlpOptions epochs(int epochs) {
        this.epochs = epochs;
        return this;
    }

    public int batchSize() {
        return batchSize;
    }

    public MlpOptions batchSize(int batchSize) {
        this.batchSize = batchSize;
        return this;
    }

    public LrSchedule schedule() {
        return schedule;
    }

    public MlpOptions schedule(LrSchedule schedule) {
        this.schedule = schedule;
        return this;
    }

    /** Wall-clock budget of the training loop, or null. */
    public Duration timeBudget() {
        return timeBudget;
    }

    public MlpOptions timeBudget(Duration budget) {
        this.timeBudget = budget;
        return this;
    }

    public long seed() {
        return seed;
    }

    public MlpOptions seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Global gradient-norm clipping threshold, 0 for none. */
    public float clipGradNorm() {
        return clipGradNorm;
    }

    public MlpOptions clipGradNorm(float maxNorm) {
        this.clipGradNorm = maxNorm;
        return this;
    }

    public int lbfgsHistory() {
        return lbfgsHistory;
    }

    public MlpOptions lbfgsHistory(int m) {
        this.lbfgsHistory = m;
        return this;
    }

    public int lbfgsMaxIterations() {
        return lbfgsMaxIterations;
    }

    public MlpOptions lbfgsMaxIterations(int n) {
        this.lbfgsMaxIterations = n;
        return this;
    }

    /** L-BFGS evaluates its full-batch objective in chunks of this many rows (bounding workspace memory). */
    public int lbfgsChunkRows() {
        return lbfgsChunkRows;
    }

    public MlpOptions lbfgsChunkRows(int rows) {
        this.lbfgsChunkRows = rows;
        return this;
    }

    public int predictBatchSize() {
        return predictBatchSize;
    }

    public MlpOptions predictBatchSize(int n) {
        this.predictBatchSize = n;
        return this;
    }

    /** Rejects inconsistent settings, naming the option. */
    public void validate() {
        if (epochs == 0 || epochs < -1) {
            throw new InvalidArgumentException("mlp: epochs must be >= 1 (or -1 with a time budget), got " + epochs);
        }
        if (epochs == -1 && timeBudget == null) {
            throw new InvalidArgumentException("mlp: epochs = -1 (unbounded) needs a time budget");
        }
        if (batchSize <= 0 || predictBatchSize <= 0 || lbfgsChunkRows <= 0) {
            throw new InvalidArgumentException("mlp: batch sizes must be > 0, got " + batchSize + ", "
                    + predictBatchSize + " and " + lbfgsChunkRows);
        }
        if (!(lr() > 0) || !Float.isFinite(lr())) {
            throw new InvalidArgumentException("mlp: learning rate must be finite and > 0, got " + lr());
        }
        if (!(l1 >= 0) || !(l2 >= 0) || !Float.isFinite(l1) || !Float.isFinite(l2)) {
            throw new InvalidArgumentException("mlp: l1 and l2 must be finite and >= 0, got " + l1 + " and " + l2);
        }
        if (!(clipGradNorm >= 0) || !Float.isFinite(clipGradNorm)) {
            throw new InvalidArgumentException("mlp: clip-grad-norm must be finite and >= 0, got " + clipGradNorm);
        }
        if (optimizer == OptimizerKind.LBFGS && dropout > 0) {
            throw new InvalidArgumentException("lbfgs needs a deterministic objective: dropout must be 0, got "
                    + dropout);
        }
        if (hidden.length > 0 && activations.length != 1 && activations.length != hidden.length) {
            throw new InvalidArgumentException("mlp: " + activations.length + " activations "
                    + Arrays.toString(activations) + " for " + hidden.length + " hidden layers");
        }
    }
}
