package io.kiln.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiln.core.Cost;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one {@code kiln train} run measured, printed as text and written as JSON: the data, the model and its
 * hyper-parameters, the loss curve, the evaluation on the training and test sets (accuracy, per-class precision,
 * recall and F1, confusion matrix), and the efficiency measures (parameters, counted FLOPs per example forward and
 * per training step, latency per batch, throughput). FLOPs follow {@link Cost#CONVENTION}.
 */
public record TrainReport(String backend, String backendDescription, String threads, DataSplit data,
                          Classifier classifier, Map<String, Object> hyperParameters, TrainingHistory history,
                          CostMeter.Mark trainingCost, Map<String, CostMeter.KernelTotal> trainingKernels,
                          Evaluation.Result trainEvaluation, Evaluation.Result testEvaluation, List<String> args) {

    /** Counted training FLOPs per optimizer step (NaN when no step ran). */
    public double flopsPerStep() {
        return history.steps() == 0 ? Double.NaN : (double) trainingCost.cost().flops() / history.steps();
    }

    /** Counted training FLOPs per training example processed. */
    public double flopsPerTrainingExample() {
        return history.examples() == 0 ? Double.NaN : (double) trainingCost.cost().flops() / history.examples();
    }

    // ------------------------------------------------------------------------------------------------- text

    public void print(PrintWriter out) {
        Dataset train = data.train();
        Dataset test = data.test();
        out.printf(Locale.ROOT, "Kiln train: %s on %s (%s train / %s test rows, %d features, %d classes)%n",
                classifier.kind(), data.name(), group(train.rows()), group(test.rows()), train.features(),
                train.classes());
        out.printf(Locale.ROOT, "  data     %s%n", data.description());
        out.printf(Locale.ROOT, "  backend  %s: %s%s%n", backend, backendDescription,
                threads == null ? "" : " (threads requested: " + threads + ")");
        out.printf(Locale.ROOT, "  model    %s%n", classifier.describe());
        out.printf(Locale.ROOT, "  training %d epoch(s), %s steps, %s examples in %s; stopped by: %s%n",
                history.epochs().size(), group(history.steps()), group(history.examples()),
                TimeBudget.format(history.seconds()), history.stoppedBy());
        double[] curve = history.lossCurve();
        if (curve.length > 0) {
            out.printf(Locale.ROOT, "  %s per epoch: %s%n", history.lossName(), curveText(curve));
        }
        out.println();
        ClassificationMetrics m = testEvaluation.metrics();
        out.printf(Locale.ROOT, "Evaluation on %s (%s examples)%n", test.name(), group(test.rows()));
        long trainRows = trainEvaluation.metrics().total();
        out.printf(Locale.ROOT, "  accuracy %.4f   (training set %.4f%s)   macro F1 %.4f%n", m.accuracy(),
                trainEvaluation.accuracy(), trainRows < train.rows() ? ", first " + group(trainRows) + " rows" : "",
                m.macroF1());
        int nameWidth = 5;
        for (String n : test.classNames()) {
            nameWidth = Math.max(nameWidth, n.length() + 2);
        }
        String rowFormat = "  %-" + nameWidth + "s  %9s  %7s  %7s  %8s%n";
        out.printf(Locale.ROOT, rowFormat, "class", "precision", "recall", "f1", "support");
        for (int c = 0; c < m.classes(); c++) {
            out.printf(Locale.ROOT, rowFormat, test.classNames().get(c), f4(m.precision(c)), f4(m.recall(c)),
                    f4(m.f1(c)), group(m.support(c)));
        }
        out.printf(Locale.ROOT, rowFormat, "macro", f4(m.macroPrecision()), f4(m.macroRecall()), f4(m.macroF1()),
                group(m.total()));
        out.println("  confusion matrix (rows: true class, columns: predicted class)");
        long[][] cm = m.confusion();
        int cell = 4;
        for (long[] row : cm) {
            for (long v : row) {
                cell = Math.max(cell, Long.toString(v).length() + 1);
            }
        }
        StringBuilder header = new StringBuilder("  " + " ".repeat(nameWidth));
        for (int c = 0; c < m.classes(); c++) {
            header.append(String.format(Locale.ROOT, "%" + cell + "d", c));
        }
        out.println(header);
        for (int i = 0; i < cm.length; i++) {
            String name = test.classNames().get(i);
            String label = name.equals(Integer.toString(i)) ? name : i + " " + truncate(name, nameWidth - 2);
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-" + nameWidth + "s", label));
            for (long v : cm[i]) {
                sb.append(String.format(Locale.ROOT, "%" + cell + "d", v));
            }
            out.println(sb);
        }
        out.println();
        Cost fwd = testEvaluation.costPerExample();
        out.println("Efficiency");
        out.printf(Locale.ROOT, "  parameters                 %s%n", group(classifier.parameterCount()));
        out.printf(Locale.ROOT, "  forward per example        %s FLOPs, %s transcendentals, %s bytes%n",
                group(fwd.flops()), group(fwd.transcendentals()), group(fwd.bytes()));
        out.printf(Locale.ROOT, "  training per step          %s FLOPs (%s per example, %s kernel calls in all)%n",
                groupD(flopsPerStep()), groupD(flopsPerTrainingExample()), group(trainingCost.calls()));
        out.printf(Locale.ROOT, "  training throughput        %s examples/s (%s GFLOP/s counted)%n",
                group(Math.round(history.examplesPerSecond())),
                f2(history.seconds() > 0 ? trainingCost.cost().flops() / history.seconds() / 1e9 : 0));
        out.printf(Locale.ROOT, "  inference latency          %s ms median, %s ms p90 per batch of %d%n",
                f3(testEvaluation.medianBatchMillis()), f3(testEvaluation.p90BatchMillis()),
                testEvaluation.batchSize());
        out.printf(Locale.ROOT, "  inference throughput       %s examples/s%n",
                group(Math.round(testEvaluation.examplesPerSecond())));
        out.println("  training time by kernel (wall time on the calling thread):");
        double kernelSeconds = 0;
        for (CostMeter.KernelTotal t : trainingKernels.values()) {
            kernelSeconds += t.seconds();
        }
        trainingKernels.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().nanos(), a.getValue().nanos()))
                .limit(8)
                .forEach(e -> {
                    CostMeter.KernelTotal t = e.getValue();
                    out.printf(Locale.ROOT, "    %-24s %8s calls %8.3f s %5.1f%%  %7.2f GFLOP/s%n", e.getKey(),
                            group(t.calls()), t.seconds(), history.seconds() > 0 ? 100 * t.seconds()
                                    / history.seconds() : 0, t.nanos() > 0 ? (double) t.cost().flops() / t.nanos() : 0);
                });
        out.printf(Locale.ROOT, "    %-24s %23.3f s %5.1f%%%n", "outside kernels",
                Math.max(0, history.seconds() - kernelSeconds), history.seconds() > 0
                        ? 100 * Math.max(0, history.seconds() - kernelSeconds) / history.seconds() : 0);
        out.println("  (" + Cost.CONVENTION + ")");
        out.flush();
    }

    private static String curveText(double[] curve) {
        StringBuilder sb = new StringBuilder();
        int n = curve.length;
        int shown = 0;
        for (int i = 0; i < n; i++) {
            if (n > 12 && i >= 5 && i < n - 5) {
                if (i == 5) {
                    sb.append(" ...");
                }
                continue;
            }
            sb.append(shown++ == 0 ? "" : " ");
            double v = curve[i];
            sb.append(v == Math.rint(v) ? String.format(Locale.ROOT, "%d", (long) v)
                    : String.format(Locale.ROOT, "%.4f", v));
        }
        return sb.toString();
    }

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, Math.max(0, n));
    }

    private static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String f3(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String group(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static String groupD(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    // ------------------------------------------------------------------------------------------------- JSON

    public ObjectNode toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("kiln", "train");
        ArrayNode argv = root.putArray("args");
        args.forEach(argv::add);
        ObjectNode be = root.putObject("backend");
        be.put("name", backend);
        be.put("description", backendDescription);
        be.put("threadsRequested", threads);
        ObjectNode machine = root.putObject("machine");
        machine.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));

        ObjectNode d = root.putObject("data");
        d.put("name", data.name());
        d.put("description", data.description());
        d.put("trainRows", data.train().rows());
        d.put("testRows", data.test().rows());
        d.put("features", data.train().features());
        d.put("classes", data.train().classes());
        ArrayNode names = d.putArray("classNames");
        data.train().classNames().forEach(names::add);

        ObjectNode model = root.putObject("model");
        model.put("kind", classifier.kind());
        model.put("description", classifier.describe());
        model.put("parameters", classifier.parameterCount());
        ObjectNode hp = model.putObject("hyperParameters");
        hyperParameters.forEach((k, v) -> hp.set(k, mapper.valueToTree(v)));

        ObjectNode tr = root.putObject("training");
        tr.put("lossName", history.lossName());
        tr.put("epochs", history.epochs().size());
        tr.put("steps", history.steps());
        tr.put("examples", history.examples());
        tr.put("seconds", history.seconds());
        tr.put("examplesPerSecond", history.examplesPerSecond());
        tr.put("stoppedBy", history.stoppedBy());
        ArrayNode curve = tr.putArray("epochLog");
        for (TrainingHistory.Epoch e : history.epochs()) {
            ObjectNode o = curve.addObject();
            o.put("epoch", e.epoch());
            o.put("loss", e.loss());
            o.put("learningRate", e.learningRate());
            o.put("examples", e.examples());
            o.put("seconds", e.seconds());
        }

        ObjectNode ev = root.putObject("evaluation");
        ev.put("trainAccuracy", trainEvaluation.accuracy());
        ev.put("trainAccuracyRows", trainEvaluation.metrics().total());
        ev.set("test", evaluationJson(mapper, testEvaluation, data.test().classNames()));

        ObjectNode eff = root.putObject("efficiency");
        eff.put("parameters", classifier.parameterCount());
        eff.set("forwardPerExample", costJson(mapper, testEvaluation.costPerExample()));
        eff.put("trainingFlopsTotal", trainingCost.cost().flops());
        eff.put("trainingTranscendentalsTotal", trainingCost.cost().transcendentals());
        eff.put("trainingKernelCalls", trainingCost.calls());
        eff.put("trainingFlopsPerStep", flopsPerStep());
        eff.put("trainingFlopsPerExample", flopsPerTrainingExample());
        eff.put("trainingExamplesPerSecond", history.examplesPerSecond());
        eff.put("trainingCountedGflopsPerSecond",
                history.seconds() > 0 ? trainingCost.cost().flops() / history.seconds() / 1e9 : 0);
        ObjectNode lat = eff.putObject("inference");
        lat.put("batchSize", testEvaluation.batchSize());
        lat.put("batches", testEvaluation.batches());
        lat.put("medianBatchMillis", testEvaluation.medianBatchMillis());
        lat.put("p90BatchMillis", testEvaluation.p90BatchMillis());
        lat.put("examplesPerSecond", testEvaluation.examplesPerSecond());
        lat.put("kernelCallsPerBatch", testEvaluation.kernelCallsPerBatch());
        ObjectNode kernels = eff.putObject("trainingKernels");
        trainingKernels.forEach((name, t) -> {
            ObjectNode o = kernels.putObject(name);
            o.put("calls", t.calls());
            o.put("flops", t.cost().flops());
            o.put("transcendentals", t.cost().transcendentals());
            o.put("bytes", t.cost().bytes());
            o.put("seconds", t.seconds());
        });
        eff.put("costConvention", Cost.CONVENTION);
        return root;
    }

    private static ObjectNode evaluationJson(ObjectMapper mapper, Evaluation.Result r, List<String> classNames) {
        ObjectNode o = mapper.createObjectNode();
        ClassificationMetrics m = r.metrics();
        o.put("data", r.data());
        o.put("examples", m.total());
        o.put("accuracy", m.accuracy());
        o.put("macroPrecision", m.macroPrecision());
        o.put("macroRecall", m.macroRecall());
        o.put("macroF1", m.macroF1());
        ArrayNode per = o.putArray("perClass");
        for (int c = 0; c < m.classes(); c++) {
            ObjectNode pc = per.addObject();
            pc.put("class", c);
            pc.put("name", classNames.get(c));
            pc.put("precision", m.precision(c));
            pc.put("recall", m.recall(c));
            pc.put("f1", m.f1(c));
            pc.put("support", m.support(c));
        }
        ArrayNode cm = o.putArray("confusionMatrix");
        for (long[] row : m.confusion()) {
            ArrayNode a = cm.addArray();
            for (long v : row) {
                a.add(v);
            }
        }
        return o;
    }

    private static ObjectNode costJson(ObjectMapper mapper, Cost c) {
        ObjectNode o = mapper.createObjectNode();
        o.put("flops", c.flops());
        o.put("transcendentals", c.transcendentals());
        o.put("bytesRead", c.bytesRead());
        o.put("bytesWritten", c.bytesWritten());
        return o;
    }

    /** Writes {@link #toJson()} to {@code file} (creating parent directories). */
    public void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toJson());
        } catch (IOException e) {
            throw new io.kiln.core.KilnException("cannot write the training report " + file + ": " + e.getMessage(),
                    e);
        }
    }
}
