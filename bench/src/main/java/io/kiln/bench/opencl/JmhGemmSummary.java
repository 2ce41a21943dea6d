package io.kiln.bench.opencl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Summarizes a JMH JSON result of {@link OpenClGemmBench} (or any benchmark with an {@code n} parameter and a
 * time-per-op score) as GFLOP/s = 2n³ / time: median, min and max over the measured iterations, one
 * {@code GEMM:} line per (backend, n). Used by bench/gpu/run.sh and for bench/README.md.
 *
 * <pre>java ... io.kiln.bench.opencl.JmhGemmSummary target/opencl-gemm.json</pre>
 */
public final class JmhGemmSummary {
    private JmhGemmSummary() {
    }

    public static void main(String[] args) throws IOException {
        JsonNode root = new ObjectMapper().readTree(new File(args[0]));
        for (JsonNode run : root) {
            JsonNode params = run.path("params");
            long n = params.path("n").asLong();
            String backend = params.path("backend").asText("?");
            JsonNode metric = run.path("primaryMetric");
            double unitToSeconds = switch (metric.path("scoreUnit").asText()) {
                case "us/op" -> 1e-6;
                case "ms/op" -> 1e-3;
                case "ns/op" -> 1e-9;
                case "s/op" -> 1.0;
                default -> throw new IllegalArgumentException("unsupported unit " + metric.path("scoreUnit"));
            };
            List<Double> gflops = new ArrayList<>();
            for (JsonNode fork : metric.path("rawData")) {
                for (JsonNode it : fork) {
                    gflops.add(2.0 * n * n * n / (it.asDouble() * unitToSeconds) / 1e9);
                }
            }
            Collections.sort(gflops);
            double median = gflops.size() % 2 == 1 ? gflops.get(gflops.size() / 2)
                    : (gflops.get(gflops.size() / 2 - 1) + gflops.get(gflops.size() / 2)) / 2;
            System.out.println(String.format(Locale.ROOT,
                    "GEMM: backend=%-13s n=%-5d median %8.1f GFLOP/s (min %.1f, max %.1f, %d iterations; %.3f ms/op)",
                    backend, n, median, gflops.get(0), gflops.get(gflops.size() - 1), gflops.size(),
                    2.0 * n * n * n / (median * 1e9) * 1e3));
        }
    }
}
