package io.kiln.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns JMH JSON results ({@code -rf json -rff FILE}) of the Kiln benchmarks into the markdown tables of
 * bench/README.md: per benchmark and parameter set, the median time over the measurement iterations and the
 * spread (min–max), the derived rate (GFLOP/s for GEMM, GB/s for memory-bound kernels, ns and cycles per element
 * for the compute-bound ones, using the clock given on the command line), and the ratio of each {@code simd*}
 * method to every peer method of the same parameters in the same run.
 *
 * <p>{@code java -cp <test classpath> io.kiln.bench.BenchReport GHZ FILE.json...}
 */
public final class BenchReport {
    private BenchReport() {
    }

    record Row(String bench, String method, Map<String, String> params, double median, double min, double max,
               String unit) {
        String key() {
            return bench + " " + params;
        }
    }

    public static void main(String[] args) throws IOException {
        double ghz = Double.parseDouble(args[0]);
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            for (JsonNode n : new ObjectMapper().readTree(new File(args[i]))) {
                String full = n.get("benchmark").asText();
                String cls = full.substring(full.lastIndexOf('.', full.lastIndexOf('.') - 1) + 1,
                        full.lastIndexOf('.'));
                String method = full.substring(full.lastIndexOf('.') + 1);
                Map<String, String> params = new LinkedHashMap<>();
                if (n.has("params")) {
                    n.get("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
                }
                List<Double> raw = new ArrayList<>();
                for (JsonNode fork : n.get("primaryMetric").get("rawData")) {
                    for (JsonNode v : fork) {
                        raw.add(v.asDouble());
                    }
                }
                double[] r = raw.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                double med = r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
                rows.add(new Row(cls, method, params, med, r[0], r[r.length - 1],
                        n.get("primaryMetric").get("scoreUnit").asText()));
            }
        }
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : rows) {
            groups.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
        }
        String lastBench = "";
        for (List<Row> g : groups.values()) {
            Row first = g.get(0);
            if (!first.bench().equals(lastBench)) {
                System.out.println();
                System.out.println("### " + first.bench());
                System.out.println();
                System.out.println("| params | method | median | spread (min–max) | rate | ratio simd/peer |");
                System.out.println("|---|---|---|---|---|---|");
                lastBench = first.bench();
            }
            for (Row r : g) {
                StringBuilder ratio = new StringBuilder();
                if (r.method().startsWith("simd") || r.method().equals("softmax") || r.method().equals("relu")
                        || r.method().equals("add") || r.method().equals("adam") || r.method().equals("forward")
                        || r.method().endsWith("Kiln")) {
                    for (Row peer : g) {
                        if (peer != r && isPeerOf(r, peer)) {
                            ratio.append(ratio.isEmpty() ? "" : ", ").append(String.format("%.2f× %s",
                                    peer.median() / r.median(), peer.method()));
                        }
                    }
                }
                System.out.printf("| %s | %s | %.4g %s | %.4g–%.4g | %s | %s |%n", fmt(r.params()), r.method(),
                        r.median(), r.unit(), r.min(), r.max(), rate(r, ghz), ratio);
            }
        }
    }

    /** Which methods a kernel is compared against in the same group. */
    private static boolean isPeerOf(Row r, Row peer) {
        String m = r.method();
        String p = peer.method();
        return switch (r.bench()) {
            case "ElementwiseBench" -> (m.equals("relu") && p.equals("copyN")) || (m.equals("add")
                    && p.equals("copy1p5N")) || (m.equals("adam") && p.equals("copy3p5N"));
            case "SoftmaxBench" -> p.equals("copy") || p.equals("plainJava");
            case "ActivationBench" -> p.equals("copy");
            case "TranscendentalBench" -> p.equals("copy") || (p.startsWith(m.substring(0, m.length() - 4))
                    && !p.equals(m));
            default -> !p.startsWith("simd");
        };
    }

    private static String fmt(Map<String, String> params) {
        return params.isEmpty() ? "-" : String.join(" ", params.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    /** GFLOP/s, GB/s or cycles/element, from the median time. */
    private static String rate(Row r, double ghz) {
        Map<String, String> p = r.params();
        double us = r.unit().startsWith("us") ? r.median() : Double.NaN;
        switch (r.bench()) {
            case "GemmBench", "GemmSmallBench" -> {
                double n = Double.parseDouble(p.get("n"));
                return String.format("%.1f GFLOP/s", 2 * n * n * n / us / 1e3);
            }
            case "GemmSweepBench" -> {
                String[] s = p.get("shape").split("x");
                double flops = 2.0 * Double.parseDouble(s[0]) * Double.parseDouble(s[1]) * Double.parseDouble(s[2]);
                return String.format("%.1f GFLOP/s", flops / us / 1e3);
            }
            case "MlpGemmBench", "MlpEpilogueBench" -> {
                String[] l = p.get("layer").split("x");
                double flops = 2.0 * MlpGemmBench.BATCH * Double.parseDouble(l[0]) * Double.parseDouble(l[1]);
                return String.format("%.1f GFLOP/s", flops / us / 1e3);
            }
            case "ElementwiseBench" -> {
                double n = ElementwiseBench.N;
                double floats = switch (r.method()) {
                    case "relu", "copyN" -> 2 * n;
                    case "add", "copy1p5N" -> 3 * n;
                    default -> 7 * n;
                };
                return String.format("%.1f GB/s", floats * 4 / us / 1e3);
            }
            case "SoftmaxBench" -> {
                String[] s = p.get("shape").split("x");
                double bytes = 8.0 * Double.parseDouble(s[0]) * Double.parseDouble(s[1]);
                return String.format("%.1f GB/s", bytes / us / 1e3);
            }
            case "ActivationBench", "TranscendentalBench", "DenormalBench" -> {
                return String.format("%.3f ns/elem = %.2f cycles/elem", r.median(), r.median() * ghz);
            }
            default -> {
                return "";
            }
        }
    }

    static String join(double[] v) {
        return Arrays.toString(v);
    }
}
