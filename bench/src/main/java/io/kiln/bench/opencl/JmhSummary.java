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
 * Summarizes JMH JSON results of the OpenCL benchmarks by the median and the spread (min, max) of the measured
 * iterations, rather than JMH's mean ± error, which a noisy shared machine inflates:
 * <ul>
 *   <li>{@link OpenClGemmBench} (parameter {@code n}): one {@code GEMM:} line per (backend, n), in GFLOP/s = 2n³ /
 *       time;</li>
 *   <li>{@link OpenClTransferBench} (parameter {@code mib}): one {@code TRANSFER:} line per (benchmark, MiB), in
 *       GB/s = bytes moved / time (a round trip moves the bytes twice).</li>
 * </ul>
 *
 * <pre>java ... io.kiln.bench.opencl.JmhSummary target/opencl-gemm.json [more.json ...]</pre>
 */
public final class JmhSummary {
    private JmhSummary() {
    }

    public static void main(String[] args) throws IOException {
        for (String file : args) {
            for (JsonNode run : new ObjectMapper().readTree(new File(file))) {
                System.out.println(summarize(run));
            }
        }
    }

    static String summarize(JsonNode run) {
        JsonNode params = run.path("params");
        String bench = run.path("benchmark").asText();
        String method = bench.substring(bench.lastIndexOf('.') + 1);
        JsonNode metric = run.path("primaryMetric");
        double toSeconds = switch (metric.path("scoreUnit").asText()) {
            case "us/op" -> 1e-6;
            case "ms/op" -> 1e-3;
            case "ns/op" -> 1e-9;
            case "s/op" -> 1.0;
            default -> throw new IllegalArgumentException("unsupported unit " + metric.path("scoreUnit"));
        };
        List<Double> seconds = new ArrayList<>();
        for (JsonNode fork : metric.path("rawData")) {
            for (JsonNode it : fork) {
                seconds.add(it.asDouble() * toSeconds);
            }
        }
        Collections.sort(seconds);
        double median = seconds.size() % 2 == 1 ? seconds.get(seconds.size() / 2)
                : (seconds.get(seconds.size() / 2 - 1) + seconds.get(seconds.size() / 2)) / 2;
        double fast = seconds.get(0);
        double slow = seconds.get(seconds.size() - 1);
        if (params.has("n")) {
            long n = params.path("n").asLong();
            double work = 2.0 * n * n * n / 1e9;
            return String.format(Locale.ROOT,
                    "GEMM: backend=%-13s n=%-5d median %8.1f GFLOP/s (min %.1f, max %.1f; %d iterations; median %.3f ms)",
                    params.path("backend").asText("?"), n, work / median, work / slow, work / fast, seconds.size(),
                    median * 1e3);
        }
        if (params.has("mib")) {
            long mib = params.path("mib").asLong();
            double gb = mib * (double) (1 << 20) * (method.equals("roundTrip") ? 2 : 1) / 1e9;
            return String.format(Locale.ROOT,
                    "TRANSFER: %-13s %3d MiB median %7.2f GB/s (min %.2f, max %.2f; %d iterations; median %.1f us)",
                    method, mib, gb / median, gb / slow, gb / fast, seconds.size(), median * 1e6);
        }
        return String.format(Locale.ROOT, "%s %s: median %.3f us (min %.3f, max %.3f)", method, params, median * 1e6,
                fast * 1e6, slow * 1e6);
    }
}
