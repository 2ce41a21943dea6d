package io.kiln.cli;

import io.kiln.core.Activation;
import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.KilnException;
import io.kiln.train.Classifier;
import io.kiln.train.CostMeter;
import io.kiln.train.DataSources;
import io.kiln.train.DataSplit;
import io.kiln.train.Evaluation;
import io.kiln.train.KNearestNeighbours;
import io.kiln.train.LrSchedule;
import io.kiln.train.Mlp;
import io.kiln.train.MlpOptions;
import io.kiln.train.MlpTrainer;
import io.kiln.train.OptimizerKind;
import io.kiln.train.Ops;
import io.kiln.train.Perceptron;
import io.kiln.train.ProgressBar;
import io.kiln.train.TimeBudget;
import io.kiln.train.TrainReport;
import io.kiln.train.TrainingHistory;
import io.kiln.train.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code kiln train}: trains a classifier on Kiln's eager kernels and reports how well and how fast. With no
 * arguments it trains an MLP on the embedded data set on the {@code auto} backend. Progress goes to stderr; the
 * evaluation and efficiency report to stdout, and a JSON report to {@code --report}.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a classifier (MLP, logistic regression, perceptron, k-NN) on Kiln's kernels, then "
                + "print its evaluation (accuracy, per-class precision/recall/F1, confusion matrix) and efficiency "
                + "(parameters, counted FLOPs, latency, throughput), and write a JSON report.",
                "With no arguments: an MLP on the embedded generated data set, on the auto backend (kiln --backend "
                        + "NAME, or the kiln.backend property, picks another)."},
        footer = {"", "Examples:",
                "  kiln train",
                "  kiln train --data fashion-mnist --layers 512,512 --activation gelu_tanh --epochs 3",
                "  kiln train --model logreg --optimizer lbfgs",
                "  kiln train --model knn --k 5 --metric cosine --condense",
                "  kiln --backend reference train --epochs 2",
                "  kiln train --time-budget 30s --schedule linear --warmup 0.05"})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** The {@code kiln} command when run as {@code kiln train} (its {@code --backend} chooses the backend); else null. */
    @ParentCommand
    KilnCli parent;

    @Option(names = "--model", paramLabel = "KIND", defaultValue = "mlp",
            description = "mlp, logreg, perceptron or knn (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--data", paramLabel = "DATA", defaultValue = "embedded",
            description = "embedded (generated, nothing to install), fashion-mnist (Debian's dataset-fashion-mnist), "
                    + "a directory of IDX files or of train.csv/test.csv, or a .csv file (default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--layers", paramLabel = "W1,W2,...", defaultValue = "128,128",
            description = "hidden layer widths of the MLP; 'none' for none (default: ${DEFAULT-VALUE})")
    String layers;

    @Option(names = "--activation", paramLabel = "ACT", defaultValue = "relu",
            description = "relu, leaky_relu, sigmoid, tanh, silu, gelu_erf, gelu_tanh, gelu_sigmoid; one for all "
                    + "hidden layers or a comma list, one per layer (default: ${DEFAULT-VALUE})")
    String activation;

    @Option(names = "--loss", paramLabel = "LOSS", defaultValue = "ce",
            description = "ce (softmax cross-entropy) or mse (against one-hot targets) (default: ${DEFAULT-VALUE})")
    String loss;

    @Option(names = "--optimizer", paramLabel = "OPT", defaultValue = "adam",
            description = "sgd, momentum, nesterov, adam, adamw or lbfgs (full batch) (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "learning rate (default: sgd 0.05, momentum/nesterov 0.02, adam/adamw 0.001; lbfgs: "
                    + "initial line-search step 1)")
    Float lr;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9",
            description = "momentum of momentum/nesterov (default: ${DEFAULT-VALUE})")
    float momentum;

    @Option(names = "--epochs", paramLabel = "N",
            description = "epochs (default 10; perceptron: at most 50; with --time-budget and no --epochs: until the"
                    + " budget is spent)")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128",
            description = "mini-batch size; the last batch of an epoch keeps the remainder (default: "
                    + "${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--time-budget", paramLabel = "DURATION",
            description = "stop training after this wall-clock time (500ms, 30s, 5m, 1h); the schedule's progress "
                    + "is then the fraction of the budget spent")
    String timeBudget;

    @Option(names = "--schedule", paramLabel = "NAME", defaultValue = "constant",
            description = "learning-rate schedule: constant, step (x0.1 at 50% and 75%), cosine, linear (default: "
                    + "${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--warmup", paramLabel = "FRACTION", defaultValue = "0",
            description = "linear warm-up over this fraction of training (default: ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--dropout", paramLabel = "P", defaultValue = "0",
            description = "dropout probability after each hidden activation (default: ${DEFAULT-VALUE})")
    float dropout;

    @Option(names = "--l1", paramLabel = "LAMBDA", defaultValue = "0", description = "L1 penalty (default: "
            + "${DEFAULT-VALUE})")
    float l1;

    @Option(names = "--l2", paramLabel = "LAMBDA", defaultValue = "0",
            description = "L2 penalty / weight decay; for adamw the decoupled decay (0 means PyTorch's 0.01) "
                    + "(default: ${DEFAULT-VALUE})")
    float l2;

    @Option(names = "--clip-grad-norm", paramLabel = "MAX", defaultValue = "0",
            description = "clip the global gradient norm to MAX, 0 for no clipping (default: ${DEFAULT-VALUE})")
    float clipGradNorm;

    @Option(names = "--lbfgs-history", paramLabel = "M", defaultValue = "10",
            description = "L-BFGS: curvature pairs kept (default: ${DEFAULT-VALUE})")
    int lbfgsHistory;

    @Option(names = "--max-iter", paramLabel = "N", defaultValue = "100",
            description = "L-BFGS: at most N iterations (default: ${DEFAULT-VALUE})")
    int maxIterations;

    @Option(names = "--k", paramLabel = "K", defaultValue = "5", description = "k-NN: neighbours that vote "
            + "(default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--metric", paramLabel = "METRIC", defaultValue = "l2",
            description = "k-NN: l2 or cosine (default: ${DEFAULT-VALUE})")
    String metric;

    @Option(names = "--condense", description = "k-NN: keep only the prototypes of Hart's condensed nearest "
            + "neighbour")
    boolean condense;

    @Option(names = "--threads", paramLabel = "N",
            description = "threads of the backend's pool (simd; the caller included): sets the kiln.threads "
                    + "property before the backend is created (default: one per processor the JVM sees)")
    Integer threads;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42",
            description = "seed of initialization, shuffling, dropout and sampling (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--limit-train", paramLabel = "N", defaultValue = "0",
            description = "use only the first N training rows (0: all)")
    int limitTrain;

    @Option(names = "--limit-test", paramLabel = "N", defaultValue = "0",
            description = "use only the first N test rows (0: all)")
    int limitTest;

    @Option(names = "--train-eval-rows", paramLabel = "N", defaultValue = "10000",
            description = "training-set accuracy is measured on the first N training rows, 0 for all (default: "
                    + "${DEFAULT-VALUE})")
    int trainEvalRows;

    @Option(names = "--eval-batch-size", paramLabel = "N", defaultValue = "1000",
            description = "rows per prediction batch in the evaluation (default: ${DEFAULT-VALUE})")
    int evalBatchSize;

    @Option(names = "--report", paramLabel = "FILE",
            description = "JSON report (default: target/kiln-train-report.json when ./target exists, else "
                    + "./kiln-train-report.json)")
    Path report;

    @Option(names = "--no-progress", description = "no progress output on stderr")
    boolean noProgress;

    private final List<String> argv = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        argv.clear();
        argv.addAll(spec.commandLine().getParseResult().originalArgs());
        try {
            run(out, err);
            return 0;
        } catch (KilnException e) {
            err.println("kiln train: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private void run(PrintWriter out, PrintWriter err) {
        if (threads != null) {
            if (threads < 1) {
                throw new InvalidArgumentException("--threads must be >= 1, got " + threads);
            }
            System.setProperty("kiln.threads", Integer.toString(threads));
        }
        // kiln --backend NAME (inherited by every subcommand) wins; else the kiln.backend property, else auto
        Backend be = Backends.select(parent != null ? parent.backend() : null);
        if (threads != null && be.parallelism() != threads) {
            err.println("kiln train: note: --threads " + threads + " is not applied: the " + be.name()
                    + " backend runs its host work on " + be.parallelism() + " thread(s) (only simd has a pool to "
                    + "size, and a backend reads kiln.threads once, when this JVM first creates it)");
        }
        DataSplit split = DataSources.load(data, seed).limit(limitTrain, limitTest);
        Ops ops = new Ops(be, new CostMeter());
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("seed", seed);
        try (Classifier classifier = build(ops, hp)) {
            TrainingListener listener = noProgress ? TrainingListener.NONE
                    : new ProgressBar(err, ProgressBar.stderrIsTerminal());
            CostMeter.Mark before = ops.meter().mark();
            TrainingHistory history = classifier.fit(split.train(), listener);
            be.synchronize();
            CostMeter.Mark trainingCost = ops.meter().since(before);
            Map<String, CostMeter.KernelTotal> trainingKernels = ops.meter().byKernel();
            Evaluation.Result trainEval = Evaluation.evaluate(classifier,
                    trainEvalRows > 0 ? split.train().head(trainEvalRows) : split.train());
            Evaluation.Result testEval = Evaluation.evaluate(classifier, split.test());
            TrainReport r = new TrainReport(be.name(), be.description(), threads == null ? null : threads.toString(),
                    split, classifier, hp, history, trainingCost, trainingKernels, trainEval, testEval, argv);
            r.print(out);
            Path file = reportPath();
            r.write(file);
            out.println("report written to " + file);
            out.flush();
        }
    }

    private Path reportPath() {
        if (report != null) {
            return report;
        }
        return Files.isDirectory(Path.of("target")) ? Path.of("target", "kiln-train-report.json")
                : Path.of("kiln-train-report.json");
    }

    private Classifier build(Ops ops, Map<String, Object> hp) {
        String kind = model.strip().toLowerCase(Locale.ROOT);
        hp.put("model", kind);
        switch (kind) {
            case "mlp", "logreg" -> {
                MlpOptions o = mlpOptions(kind.equals("logreg"));
                hp.put("hidden", o.hidden());
                hp.put("activations", Arrays.stream(o.activations()).map(Activation::opName).toList());
                hp.put("loss", o.loss() == Mlp.Loss.MSE ? "mse" : "cross_entropy");
                hp.put("optimizer", o.optimizer().cliName());
                hp.put("lr", o.lr());
                if (o.optimizer() == OptimizerKind.MOMENTUM || o.optimizer() == OptimizerKind.NESTEROV) {
                    hp.put("momentum", o.momentum());
                }
                hp.put("epochs", o.epochs());
                hp.put("batchSize", o.batchSize());
                hp.put("schedule", o.schedule().describe());
                hp.put("timeBudgetSeconds", o.timeBudget() == null ? null : o.timeBudget().toNanos() / 1e9);
                hp.put("dropout", o.dropout());
                hp.put("l1", o.l1());
                hp.put("l2", o.l2());
                hp.put("clipGradNorm", o.clipGradNorm());
                if (o.optimizer() == OptimizerKind.LBFGS) {
                    hp.put("lbfgsHistory", o.lbfgsHistory());
                    hp.put("maxIterations", o.lbfgsMaxIterations());
                }
                return new MlpTrainer(ops, o, kind);
            }
            case "perceptron" -> {
                int e = epochs == null ? 50 : epochs;
                hp.put("maxEpochs", e);
                return new Perceptron(ops, e, seed, evalBatchSize);
            }
            case "knn" -> {
                hp.put("k", k);
                hp.put("metric", metric);
                hp.put("condense", condense);
                return new KNearestNeighbours(ops, k, KNearestNeighbours.parseMetric(metric), condense, seed,
                        evalBatchSize);
            }
            default -> throw new InvalidArgumentException("unknown model '" + model
                    + "'; known: mlp, logreg, perceptron, knn");
        }
    }

    private MlpOptions mlpOptions(boolean logreg) {
        MlpOptions o = new MlpOptions();
        int[] hidden = logreg ? new int[0] : parseLayers(layers);
        o.hidden(hidden);
        o.activations(parseActivations(activation));
        o.loss(switch (loss.strip().toLowerCase(Locale.ROOT)) {
            case "ce", "cross_entropy", "cross-entropy" -> Mlp.Loss.CROSS_ENTROPY;
            case "mse" -> Mlp.Loss.MSE;
            default -> throw new InvalidArgumentException("unknown loss '" + loss + "'; known: ce, mse");
        });
        o.optimizer(OptimizerKind.parse(optimizer));
        if (lr != null) {
            o.lr(lr);
        }
        o.momentum(momentum);
        Duration budget = timeBudget == null ? null : TimeBudget.parse(timeBudget);
        o.timeBudget(budget);
        o.epochs(epochs != null ? epochs : budget != null ? -1 : 10);
        o.batchSize(batchSize);
        o.schedule(LrSchedule.parse(schedule, warmup));
        o.dropout(dropout);
        o.l1(l1);
        o.l2(l2);
        o.clipGradNorm(clipGradNorm);
        o.lbfgsHistory(lbfgsHistory);
        o.lbfgsMaxIterations(maxIterations);
        o.seed(seed);
        o.predictBatchSize(evalBatchSize);
        if (!logreg && hidden.length > 0) {
            int acts = o.activations().length;
            if (acts != 1 && acts != hidden.length) {
                throw new InvalidArgumentException("--activation lists " + acts + " activations for " + hidden.length
                        + " hidden layers; give one for all or one per layer");
            }
        }
        o.validate();
        return o;
    }

    static int[] parseLayers(String s) {
        String t = s.strip();
        if (t.isEmpty() || t.equalsIgnoreCase("none")) {
            return new int[0];
        }
        String[] parts = t.split(",");
        int[] widths = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                widths[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new InvalidArgumentException("--layers: '" + parts[i].strip() + "' is not a width; use e.g. "
                        + "512,512");
            }
            if (widths[i] <= 0) {
                throw new InvalidArgumentException("--layers: widths must be > 0, got " + widths[i]);
            }
        }
        return widths;
    }

    static Activation[] parseActivations(String s) {
        String[] parts = s.split(",");
        Activation[] acts = new Activation[parts.length];
        for (int i = 0; i < parts.length; i++) {
            acts[i] = Activation.byName(parts[i].strip());
        }
        return acts;
    }
}
