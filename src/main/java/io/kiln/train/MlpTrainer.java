package io.kiln.train;

import io.kiln.core.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains an {@link Mlp} (or, with no hidden layers, multinomial logistic regression) with mini-batch SGD,
 * momentum, Nesterov, Adam or AdamW, or full-batch L-BFGS.
 *
 * <p>Mini-batch loop: each epoch visits the training rows in a fresh seeded permutation, in batches of
 * {@code batchSize}; the last batch holds the remainder (its gradient is the mean over its own rows, as PyTorch's
 * DataLoader with {@code drop_last=False}). The learning rate is {@code lr · schedule(progress)}, where progress
 * is the larger of steps done / planned steps and, with a time budget, the fraction of the budget used; the loop
 * stops at the budget. Everything is seeded: initialization, the shuffles and the dropout masks (Philox with a
 * step-dependent offset), so a run is reproducible and the same on every backend up to rounding.
 *
 * <p>L-BFGS treats the whole training set as one objective (the mean loss plus the L1/L2 penalty), evaluated in
 * chunks of {@code lbfgsChunkRows} rows whose gradients are averaged with Backend ops; see {@link Lbfgs}.
 */
public final class MlpTrainer implements Classifier {
    private static final long SHUFFLE_STREAM = 0x5348554646L;
    private static final long DROPOUT_STREAM = 0x44524F50L;

    private final Ops ops;
    private final MlpOptions options;
    private final String kind;
    private Mlp model;
    private String optimizerDescription = "";

    public MlpTrainer(Ops ops, MlpOptions options) {
        this(ops, options, options.hidden().length == 0 ? "logreg" : "mlp");
    }

    public MlpTrainer(Ops ops, MlpOptions options, String kind) {
        options.validate();
        this.ops = ops;
        this.options = options;
        this.kind = kind;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String describe() {
        String shape = model != null ? model.describe() : "hidden " + java.util.Arrays.toString(options.hidden());
        return (kind.equals("logreg") ? "multinomial logistic regression " : "MLP ") + shape + "; "
                + (optimizerDescription.isEmpty() ? options.optimizer() + "(lr=" + options.lr() + ")"
                : optimizerDescription) + ", batch " + options.batchSize() + ", schedule "
                + options.schedule().describe();
    }

    /** The trained model (null before {@link #fit}). */
    public Mlp model() {
        return model;
    }

    public MlpOptions options() {
        return options;
    }

    @Override
    public Ops ops() {
        return ops;
    }

    @Override
    public long parameterCount() {
        return model == null ? 0 : model.parameterCount();
    }

    @Override
    public int predictBatchSize() {
        return options.predictBatchSize();
    }

    @Override
    public TrainingHistory fit(Dataset train, TrainingListener listener) {
        if (model != null) {
            model.close();
        }
        if (train.rows() == 0) {
            throw new DatasetException("training set " + train + " is empty");
        }
        model = new Mlp(ops, train.features(), options.hidden(), options.activations(), train.classes(),
                options.dropout(), options.loss(), options.seed());
        TrainingListener l = listener == null ? TrainingListener.NONE : listener;
        return options.optimizer() == OptimizerKind.LBFGS ? fitLbfgs(train, l) : fitMiniBatch(train, l);
    }

    private TrainingHistory fitMiniBatch(Dataset train, TrainingListener listener) {
        int n = train.rows();
        int batch = Math.min(options.batchSize(), n);
        long stepsPerEpoch = (n + batch - 1) / batch;
        int epochs = options.epochs();
        long plannedSteps = epochs > 0 ? stepsPerEpoch * epochs : Long.MAX_VALUE;
        double budget = options.timeBudget() == null ? 0 : options.timeBudget().toNanos() / 1e9;
        String lossName = options.loss() == Mlp.Loss.MSE ? "mse" : "cross-entropy";
        TrainingHistory history = new TrainingHistory(lossName);
        List<Parameter> params = model.parameters();
        Tensor[] grads = params.stream().map(Parameter::grad).toArray(Tensor[]::new);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom shuffle = new SplittableRandom(options.seed() ^ SHUFFLE_STREAM);
        long dropoutSeed = options.seed() ^ DROPOUT_STREAM;
        long dropoutPerRow = model.dropoutElementsPerRow();
        long dropoutOffset = 0;
        long step = 0;
        long examples = 0;
        String stoppedBy = "epochs";
        listener.start(describe(), lossName, epochs, stepsPerEpoch, budget);
        try (Optimizer optimizer = Optimizer.create(options.optimizer(), ops, params, options.lr(),
                options.momentum(), options.l1(), options.l2())) {
            optimizerDescription = optimizer.describe();
            long t0 = System.nanoTime();
            boolean stop = false;
            for (int epoch = 1; !stop && (epochs < 0 || epoch <= epochs); epoch++) {
                Dataset.shuffle(order, shuffle);
                double lossSum = 0;
                long epochRows = 0;
                float factor = 1;
                long stepInEpoch = 0;
                for (int start = 0; start < n; start += batch) {
                    int rows = Math.min(batch, n - start);
                    Mlp.Workspace ws = model.workspace(rows, true);
                    ws.load(train, order, start);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double progress = progress(step, plannedSteps, seconds, budget);
                    factor = options.schedule().factor(progress);
                    float loss = model.forwardBackward(ws, dropoutSeed, dropoutOffset);
                    dropoutOffset += rows * dropoutPerRow;
                    if (options.clipGradNorm() > 0) {
                        ops.clipGradNorm(options.clipGradNorm(), grads);
                    }
                    optimizer.step(++step, factor);
                    lossSum += (double) loss * rows;
                    epochRows += rows;
                    examples += rows;
                    stepInEpoch++;
                    seconds = (System.nanoTime() - t0) / 1e9;
                    listener.step(epoch, stepInEpoch, lossSum / epochRows, examples, seconds,
                            progress(step, plannedSteps, seconds, budget));
                    if (budget > 0 && seconds >= budget) {
                        stop = true;
                        stoppedBy = "time budget";
                        break;
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                TrainingHistory.Epoch e = new TrainingHistory.Epoch(epoch, lossSum / epochRows,
                        options.lr() * factor, epochRows, seconds);
                history.addEpoch(e);
                listener.epochEnd(e);
                if (!Double.isFinite(e.loss())) {
                    stoppedBy = "loss is not finite";
                    break;
                }
            }
            history.finish(step, examples, (System.nanoTime() - t0) / 1e9, stoppedBy);
        }
        listener.end(history);
        return history;
    }

    private static double progress(long step, long plannedSteps, double seconds, double budget) {
        double p = plannedSteps == Long.MAX_VALUE ? 0 : (double) step / plannedSteps;
        if (budget > 0) {
            p = Math.max(p, seconds / budget);
        }
        return Math.min(1, p);
    }

    private TrainingHistory fitLbfgs(Dataset train, TrainingListener listener) {
        int n = train.rows();
        int chunk = Math.min(n, options.lbfgsChunkRows());
        List<Parameter> params = model.parameters();
        boolean chunked = chunk < n;
        Tensor[] accumulated = new Tensor[params.size()];
        if (chunked) {
            for (int i = 0; i < accumulated.length; i++) {
                accumulated[i] = ops.allocate(params.get(i).value().shape().dims());
            }
        }
        double budget = options.timeBudget() == null ? 0 : options.timeBudget().toNanos() / 1e9;
        int maxIterations = options.lbfgsMaxIterations();
        TrainingHistory history = new TrainingHistory("objective (" + (options.loss() == Mlp.Loss.MSE ? "mse"
                : "cross-entropy") + " + penalty)");
        optimizerDescription = "lbfgs(history=" + options.lbfgsHistory() + ", initial step=" + options.lr()
                + ", armijo backtracking" + (options.l2() != 0 ? ", l2=" + options.l2() : "")
                + (options.l1() != 0 ? ", l1=" + options.l1() : "") + ")";
        listener.start(describe(), history.lossName(), maxIterations, 1, budget);
        long[] evaluations = {0};
        Lbfgs.Objective objective = () -> {
            double loss = 0;
            for (int start = 0; start < n; start += chunk) {
                int rows = Math.min(chunk, n - start);
                Mlp.Workspace ws = model.workspace(rows, true);
                ws.load(train, null, start);
                float w = (float) rows / n;
                loss += (double) model.forwardBackward(ws, 0, 0) * rows / n;
                if (chunked) {
                    for (int i = 0; i < accumulated.length; i++) {
                        if (start == 0) {
                            ops.scale(w, params.get(i).grad(), accumulated[i]);
                        } else {
                            ops.axpy(w, params.get(i).grad(), accumulated[i]);
                        }
                    }
                }
            }
            if (chunked) {
                for (int i = 0; i < accumulated.length; i++) {
                    ops.copy(accumulated[i], params.get(i).grad());
                }
            }
            evaluations[0]++;
            return loss;
        };
        long t0 = System.nanoTime();
        Lbfgs.Result result;
        try (Regularization reg = new Regularization(ops, params, options.l1(), options.l2());
             Lbfgs lbfgs = new Lbfgs(ops, params, options.lbfgsHistory(), options.lr(), 20, 1e-5, 1e-9)) {
            Lbfgs.Objective regularized = reg.isActive() ? () -> {
                double f = objective.evaluate();
                double penalty = reg.penalty();
                reg.addGradient(true);
                return f + penalty;
            } : objective;
            result = lbfgs.minimize(regularized, maxIterations,
                    () -> budget > 0 && (System.nanoTime() - t0) / 1e9 >= budget,
                    (iteration, value, evals, gnorm) -> {
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        TrainingHistory.Epoch e = new TrainingHistory.Epoch(iteration, value, options.lr(),
                                (long) evals * n, seconds);
                        history.addEpoch(e);
                        listener.step(iteration, 1, value, (long) evals * n, seconds,
                                Math.max((double) iteration / maxIterations, budget > 0 ? seconds / budget : 0));
                        listener.epochEnd(e);
                    });
        } finally {
            for (Tensor t : accumulated) {
                if (t != null) {
                    t.close();
                }
            }
        }
        history.finish(result.iterations(), evaluations[0] * n, (System.nanoTime() - t0) / 1e9,
                result.stoppedBy());
        listener.end(history);
        return history;
    }

    @Override
    public void predict(Dataset data, int start, int count, int[] out) {
        if (model == null) {
            throw new io.kiln.core.InvalidArgumentException(kind + ": predict before fit");
        }
        Mlp.Workspace ws = model.workspace(count, false);
        ws.load(data, null, start);
        int[] p = model.predict(ws);
        System.arraycopy(p, 0, out, start, count);
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
            model = null;
        }
    }
}
