package io.kiln.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.cli.TrainCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kiln train} run in-process through picocli, as KilnCli will run it. */
class TrainCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    /** {@code kiln --backend X} sets the kiln.backend property for the JVM; keep it from leaking between tests. */
    @org.junit.jupiter.api.AfterEach
    void clearBackendProperty() {
        System.clearProperty(io.kiln.core.Backends.PROPERTY);
    }

    /** {@code kiln [global] train [args]} through KilnCli with the train command added. */
    static Run kiln(String... args) {
        return execute(TrainMain.kilnWithTrain(), args);
    }

    /** {@code kiln --backend reference train args}. */
    static Run run(String... args) {
        return kiln(concat(new String[] {"--backend", "reference", "train"}, args));
    }

    static Run execute(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void noArgumentsTrainsAnMlpOnTheEmbeddedDataAndWritesTheReport() throws IOException {
        Path report = Files.isDirectory(Path.of("target")) ? Path.of("target", "kiln-train-report.json")
                : Path.of("kiln-train-report.json");
        Files.deleteIfExists(report);
        System.clearProperty(io.kiln.core.Backends.PROPERTY);
        Run r = execute(new CommandLine(new TrainCommand())); // standalone, no arguments at all: the auto backend
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("epoch 10/10"), "progress on stderr: " + r.err());
        assertTrue(r.out().contains("Evaluation on embedded/test") && r.out().contains("confusion matrix")
                && r.out().contains("Efficiency") && r.out().contains("forward per example"), r.out());
        JsonNode j = json(report);
        assertEquals("mlp", j.path("model").path("kind").asText());
        assertEquals("embedded", j.path("data").path("name").asText());
        double acc = j.path("evaluation").path("test").path("accuracy").asDouble();
        assertTrue(acc > 0.85, "default run test accuracy " + acc);
        assertEquals(10, j.path("training").path("epochLog").size());
        // 32-128-128-10: forward = 2·(32·128 + 128·128 + 128·10) GEMM FLOPs + bias + relu + argmax per example
        long params = 32 * 128 + 128 + 128 * 128 + 128 + 128 * 10 + 10;
        assertEquals(params, j.path("efficiency").path("parameters").asLong());
        long gemm = 2L * (32 * 128 + 128 * 128 + 128 * 10);
        long fwd = j.path("efficiency").path("forwardPerExample").path("flops").asLong();
        assertTrue(fwd >= gemm && fwd < gemm + 1000, "forward FLOPs per example " + fwd + " vs GEMM " + gemm);
        assertTrue(j.path("efficiency").path("trainingFlopsPerStep").asDouble() > 3 * gemm * 64);
        assertEquals(10, j.path("evaluation").path("test").path("confusionMatrix").size());
    }

    @Test
    void everyModelRunsFromTheCommandLine() throws IOException {
        String[][] variants = {
            {"--model", "logreg", "--optimizer", "lbfgs", "--max-iter", "20"},
            {"--model", "perceptron", "--epochs", "3"},
            {"--model", "knn", "--k", "3", "--metric", "cosine"},
            {"--model", "knn", "--k", "1", "--condense"},
            {"--layers", "32,16", "--activation", "silu,gelu_sigmoid", "--optimizer", "nesterov", "--epochs", "6",
                "--batch-size", "32", "--lr", "0.05", "--dropout", "0.1", "--l1", "1e-5", "--l2", "1e-4",
                "--schedule", "step"},
            {"--model", "logreg", "--loss", "mse", "--lr", "0.05", "--optimizer", "adamw", "--schedule", "cosine"},
        };
        for (String[] v : variants) {
            Path report = dir.resolve("r.json");
            String[] args = concat(v, "--limit-train", "600", "--limit-test", "300", "--report", report.toString(),
                    "--no-progress");
            Run r = run(args);
            assertEquals(0, r.exit(), String.join(" ", v) + ": " + r.err());
            JsonNode j = json(report);
            double acc = j.path("evaluation").path("test").path("accuracy").asDouble();
            assertTrue(acc > 0.2, String.join(" ", v) + ": accuracy " + acc);
            assertEquals(600, j.path("data").path("trainRows").asInt());
        }
    }

    @Test
    void theGlobalBackendOptionWorksBeforeAndAfterTheSubcommand() throws IOException {
        Path before = dir.resolve("before.json");
        Path after = dir.resolve("after.json");
        String[] common = {"--layers", "8", "--epochs", "1", "--limit-train", "200", "--limit-test", "50",
            "--no-progress"};
        assertEquals(0, kiln(concat(new String[] {"--backend", "reference", "train", "--report", before.toString()},
                common)).exit());
        assertEquals(0, kiln(concat(new String[] {"train", "--backend", "reference", "--report", after.toString()},
                common)).exit());
        assertEquals("reference", json(before).path("backend").path("name").asText());
        assertEquals("reference", json(after).path("backend").path("name").asText());
    }

    @Test
    void aTimeBudgetEndsTrainingAndIsReported() throws IOException {
        Path report = dir.resolve("budget.json");
        Run r = run("--time-budget", "800ms", "--schedule", "linear", "--warmup", "0.1", "--layers", "32",
                "--limit-train", "1000", "--limit-test", "200", "--report", report.toString(), "--no-progress");
        assertEquals(0, r.exit(), r.err());
        JsonNode t = json(report).path("training");
        assertEquals("time budget", t.path("stoppedBy").asText());
        assertTrue(t.path("seconds").asDouble() >= 0.8 && t.path("seconds").asDouble() < 5, t.toString());
    }

    @Test
    void csvDataFromTheCommandLine() throws IOException {
        StringBuilder sb = new StringBuilder("label,a,b\n");
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int i = 0; i < 300; i++) {
            int c = i % 3;
            sb.append(new String[] {"red", "green", "blue"}[c]).append(',').append(c * 3 + rnd.nextDouble())
                    .append(',').append(-c * 2 + rnd.nextDouble()).append('\n');
        }
        Path csv = dir.resolve("colors.csv");
        Files.writeString(csv, sb.toString());
        Path report = dir.resolve("csv.json");
        Run r = run("--data", csv.toString(), "--model", "logreg", "--epochs", "30", "--lr", "0.05", "--report",
                report.toString(), "--no-progress");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = json(report);
        assertEquals("blue", j.path("data").path("classNames").get(0).asText());
        assertTrue(j.path("evaluation").path("test").path("accuracy").asDouble() > 0.9);
    }

    @Test
    void errorsAreNamedAndExitNonZero() throws IOException {
        Run unknownModel = run("--model", "forest", "--no-progress");
        assertEquals(1, unknownModel.exit());
        assertEquals("", unknownModel.out());
        assertTrue(unknownModel.err().contains("unknown model 'forest'"), unknownModel.err());

        Path missing = dir.resolve("no-such-data");
        Run noData = run("--data", missing.toString(), "--no-progress");
        assertEquals(1, noData.exit());
        assertTrue(noData.err().contains(missing.toString()), noData.err());

        Files.write(dir.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
        for (String f : new String[] {"train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            Files.write(dir.resolve(f), new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
        }
        Run badIdx = run("--data", dir.toString(), "--no-progress");
        assertEquals(1, badIdx.exit());
        assertTrue(badIdx.err().contains("train-images-idx3-ubyte") && badIdx.err().contains("magic"),
                badIdx.err());

        Run badActivation = run("--activation", "swish", "--no-progress");
        assertEquals(1, badActivation.exit());
        assertTrue(badActivation.err().contains("unknown activation"), badActivation.err());

        Run badBackend = kiln("--backend", "tpu", "train", "--no-progress");
        assertEquals(1, badBackend.exit());
        assertTrue(badBackend.err().contains("unknown backend 'tpu'"), badBackend.err());

        Run badOption = run("--epochz", "3");
        assertEquals(2, badOption.exit(), "picocli usage error");
        assertTrue(badOption.err().contains("--epochz"), badOption.err());
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
