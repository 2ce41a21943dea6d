package io.kiln.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.core.AdamConfig;
import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.core.Cost;
import io.kiln.core.Op;
import io.kiln.core.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-kernel reports: counted cost from the catalog, measured times, JSON lines; and the demo's dumps. */
class ReportTest {
    private final Backend ref = Backends.select("reference");

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("io.kiln.conformance.TestBackends#names")
    void cyclesUseTheHostProfilesClockOnHostBackendsAndNoneOnDevices(String name) {
        Backend be = io.kiln.conformance.TestBackends.get(name);
        Graph g = new Graph("tiny");
        Input x = g.input("x", 4, 8);
        g.output("y", x.relu());
        try (Executable exe = g.compile(be, CompileOptions.defaults().profile(true))) {
            float[] xs = Data.uniform(2, 32, -1, 1);
            exe.run(Map.of(x, xs));
            Report r = exe.report();
            Report.Line line = r.lines().get(0);
            String table = r.toString();
            if (be.memory() == io.kiln.core.MemorySpace.HOST) {
                assertTrue(r.clockMhz() > 0, table);
                assertEquals("estimated", line.cyclesSource());
                assertEquals(line.medianNanos() * r.clockMhz() / 1000, line.estimatedCycles(), 1e-6);
                // the clock of the profile matched to this host, as `kiln profile` uses it
                assertTrue(table.contains("clock of profile ") || table.contains("/proc/cpuinfo"), table);
            } else {
                assertEquals(0.0, r.clockMhz());
                assertTrue(Double.isNaN(line.estimatedCycles()));
                assertTrue(table.contains("cycles: unknown (a device backend"), table);
            }
        }
    }

    @Test
    void profiledRunReportsEveryKernelWithCostAndTimes() throws Exception {
        Graph g = new Graph("layer");
        Input x = g.input("x", 16, 32);
        Parameter w = g.parameter("w", 32, 8);
        Parameter b = g.parameter("b", 8);
        g.output("y", x.matmul(w).add(b).relu().mul(2f).tanh());
        try (Executable exe = g.compile(ref, CompileOptions.defaults().profile(true))) {
            float[] xs = Data.uniform(1, 16 * 32, -1, 1);
            for (int i = 0; i < 7; i++) {
                exe.run(Map.of(x, xs));
            }
            Report r = exe.report();
            assertEquals(2, r.lines().size(), r.toString());
            Report.Line gemm = r.lines().get(0);
            assertEquals("matmul+bias+relu", gemm.kernel());
            assertEquals(List.of("matmul", "bias", "relu"), gemm.ops());
            long flops = Op.GEMM.cost(16, 8, 32).flops() + Op.ADD.cost(128).flops() + Op.RELU.cost(128).flops();
            assertEquals(new Cost(flops, 0, 4L * (16 * 32 + 32 * 8 + 8), 4L * 16 * 8), gemm.cost());
            assertEquals(7, gemm.runs());
            assertTrue(gemm.minNanos() > 0 && gemm.minNanos() <= gemm.medianNanos());
            assertEquals(gemm.cost().flops() / gemm.medianNanos(), gemm.gflops(), 1e-12);
            Report.Line tail = r.lines().get(1);
            assertEquals("mul+tanh", tail.kernel());
            assertEquals(new Cost(128, 128, 512, 512), tail.cost());
            String table = r.toString();
            assertTrue(table.contains(Cost.CONVENTION), table);
            assertTrue(table.contains("matmul+bias+relu") && table.contains("total"), table);
            if (r.clockMhz() > 0) {
                assertEquals("estimated", gemm.cyclesSource());
                assertEquals(gemm.medianNanos() * r.clockMhz() / 1000, gemm.estimatedCycles(), 1e-6);
            }
            ObjectMapper json = new ObjectMapper();
            String[] lines = r.toJsonLines().split("\n");
            assertEquals(2, lines.length);
            JsonNode first = json.readTree(lines[0]);
            assertEquals("matmul+bias+relu", first.get("kernel").asText());
            assertEquals(flops, first.get("flops").asLong());
            assertEquals(7, first.get("runs").asInt());
            assertTrue(first.get("median_ns").asDouble() > 0);
            assertEquals(List.of("matmul", "bias", "relu"),
                    List.of(first.get("ops").get(0).asText(), first.get("ops").get(1).asText(),
                            first.get("ops").get(2).asText()));
        }
    }

    @Test
    void unprofiledReportHasCostsAndNoTimes() {
        Graph g = new Graph();
        Input x = g.input("x", 4);
        g.output("y", x.exp());
        try (Executable exe = g.compile(ref)) {
            exe.run(Map.of(x, new float[4]));
            Report.Line l = exe.report().lines().get(0);
            assertEquals(0, l.runs());
            assertTrue(Double.isNaN(l.medianNanos()));
            assertTrue(exe.report().toJsonLines().contains("\"median_ns\":null"));
        }
    }

    @Test
    void demoPrintsDumpsOfGeluAndOfATrainingStep() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        GraphDemo.run(ref, new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("fused[mul+mul+mul+add+mul+mul+tanh+add+mul]"), out);
        assertTrue(out.contains("-- after fuse_matmul_epilogue"), out);
        assertTrue(out.contains("gemm[matmul+bias]"), out);
        assertTrue(out.contains("loss_with_grad[cross_entropy+cross_entropy_grad]"), out);
        assertTrue(out.contains("digraph \"mlp_train\""), out);
        assertTrue(out.contains("\"cycles_source\""), out);
        assertFalse(out.contains("NaN"), "losses are finite");
    }

    @Test
    void threeLayerTrainingGraphHasTheExpectedKernels() {
        GraphDemo.Mlp mlp = GraphDemo.mlp(8, new int[] {20, 16, 12, 4}, 0f, AdamConfig.adam(1e-2f));
        try (Executable exe = mlp.graph.compile(ref)) {
            List<Tensor> ts = mlp.bindRandom(exe, ref, 3);
            float[] xs = Data.uniform(1, 8 * 20, -1, 1);
            int[] ys = Data.labels(2, 8, 4);
            exe.run(Map.of(mlp.x, xs, mlp.y, ys));
            float first = exe.scalar("loss");
            for (int i = 0; i < 30; i++) {
                exe.run();
            }
            assertTrue(exe.scalar("loss") < first * 0.7, first + " -> " + exe.scalar("loss"));
            List<String> names = exe.kernels().stream().map(Kernel::name).toList();
            assertEquals(3, names.stream().filter(n -> n.equals("matmul+bias")).count(), names.toString());
            assertEquals(6, names.stream().filter(n -> n.equals("adam")).count(), names.toString());
            assertTrue(names.contains("cross_entropy+cross_entropy_grad"), names.toString());
            ts.forEach(Tensor::close);
        }
    }
}
