package io.kiln.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kiln.hw.profile.HardwareProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a profiling run measured: the machine, the roofs used, the cycle source, one
 * {@link KernelMeasurement} per kernel, backend and size, and the activation table. Written as JSON
 * ({@link #toJson()}), a terminal table ({@link #kernelTableText()}, {@link #activationTableText()}) and an SVG roofline
 * ({@link RooflineChart}).
 *
 * @param date            ISO date of the run
 * @param command         the command line
 * @param host            one line describing the machine
 * @param jvm             JVM name and version
 * @param roofs           the roofs of each profile used, by profile id
 * @param backendRoofs    backend name → the profile id whose roofs its kernels are held against
 * @param cycleSource     {@code pmu}, {@code tsc} or {@code estimated}
 * @param cycleDetail     how cycles were obtained, and which sources were passed over and why
 * @param convention      the FLOP counting convention ({@link io.kiln.core.Cost#CONVENTION})
 * @param notes           caveats of this run
 * @param measurements    every kernel
 * @param activationTable cycles per element of the activations, forward and backward, per backend
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProfileReport(String date, String command, String host, String jvm, Map<String, Roofs> roofs,
                            Map<String, String> backendRoofs, String cycleSource, String cycleDetail,
                            String convention, List<String> notes, List<KernelMeasurement> measurements,
                            List<ActivationRow> activationTable) {

    /**
     * The roofs of one profile.
     *
     * @param peakGflops          all cores: cores × clock × FLOP/cycle/core
     * @param peakGflopsOneCore   one core
     * @param bandwidthGBs        all-threads memory bandwidth, null when the profile has none
     * @param bandwidthOneThreadGBs one thread, null when unknown
     * @param ridgeIntensity      FLOP/byte where the roofs meet, null without a memory roof
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Roofs(String id, int cores, double clockGHz, double peakFlopPerCyclePerCore, double peakGflops,
                        double peakGflopsOneCore, Double bandwidthGBs, Double bandwidthOneThreadGBs,
                        Double ridgeIntensity, boolean calibrated) {
        public static Roofs of(HardwareProfile p) {
            double bw = p.bandwidthGBs();
            Double one = p.memoryBandwidthGBs() == null ? null : p.memoryBandwidthGBs().oneThread();
            return new Roofs(p.id(), p.cores(), p.clockGHz(), p.peakFp32FlopPerCyclePerCore(), p.peakGflops(),
                    p.peakGflopsPerCore(), Double.isNaN(bw) ? null : bw, one,
                    Double.isNaN(bw) ? null : p.peakGflops() / bw, p.calibration() != null);
        }
    }

    /** Cycles per element of one activation in one direction on one backend, at the cache and memory sizes. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ActivationRow(String activation, String direction, String backend, long flopsPerElement,
                                long transcendentalsPerElement, Double cyclesPerElementCache,
                                Double cyclesPerElementMemory, Double cyclesPerElementSmall) {
    }

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public String toJson() {
        try {
            return JSON.writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the profile report as JSON", e);
        }
    }

    public static ProfileReport fromJson(String json) {
        try {
            return JSON.readValue(json, ProfileReport.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a profile report: " + e.getOriginalMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------------ tables

    /** The per-kernel table: one line per kernel, backend and size. */
    public String kernelTableText() {
        StringBuilder sb = new StringBuilder();
        String head = String.format(Locale.ROOT, "%-27s %-6s %-9s %8s %7s %8s %10s %6s %11s %7s %6s %7s %8s %7s %-7s %6s",
                "kernel", "size", "backend", "FLOPs", "trans", "bytes", "median", "+-%", "cycles(" + cycleSource
                        + ")", "FLOP/c", "%peak", "AI", "GFLOP/s", "GB/s", "bound", "%roof");
        sb.append(head).append('\n').append("-".repeat(head.length())).append('\n');
        for (KernelMeasurement m : measurements) {
            if (m.error() != null) {
                sb.append(String.format(Locale.ROOT, "%-27s %-6s %-9s FAILED: %s%n", m.op(), m.size(), m.backend(),
                        m.error()));
                continue;
            }
            sb.append(String.format(Locale.ROOT,
                    "%-27s %-6s %-9s %8s %7s %8s %10s %6.1f %11s %7s %6s %7s %8s %7s %-7s %6s%n", m.op(), m.size(),
                    m.backend(), eng(m.flops()), eng(m.transcendentals()), engBytes(m.bytes()),
                    (Boolean.FALSE.equals(m.warmupSettled()) ? "~" : "") + (m.contended() ? "*" : "")
                            + time(m.medianNs()),
                    m.spreadPct(), eng(m.cycles()), num(m.flopPerCycle(), 2), num(m.pctPeak(), 1),
                    num(m.intensity(), 3), num(m.gflops(), 2), num(m.gbs(), 2), m.bound() == null ? "-" : m.bound(),
                    num(m.pctRoof(), 1)));
        }
        long unsettled = measurements.stream().filter(m -> Boolean.FALSE.equals(m.warmupSettled())).count();
        if (unsettled > 0) {
            sb.append("~ ").append(unsettled).append(" of ").append(measurements.size()).append(" kernels: call "
                    + "times had not settled when warm-up hit its time limit (JIT still compiling, or noise)\n");
        }
        long contended = measurements.stream().filter(KernelMeasurement::contended).count();
        if (contended > 0) {
            sb.append("* ").append(contended).append(" of ").append(measurements.size()).append(" kernels: the "
                    + "measuring thread was on its core for under 90% of the median call (other processes shared "
                    + "the cores); their times are inflated\n");
        }
        return sb.toString();
    }

    /** The activation table: cycles per element, forward and backward, one column pair per backend. */
    public String activationTableText() {
        Map<String, Map<String, ActivationRow>> byKey = new LinkedHashMap<>();
        List<String> backends = new ArrayList<>();
        for (ActivationRow r : activationTable) {
            byKey.computeIfAbsent(r.activation() + " " + r.direction(), k -> new LinkedHashMap<>())
                    .put(r.backend(), r);
            if (!backends.contains(r.backend())) {
                backends.add(r.backend());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("cycles per element (").append(cycleSource).append("), L2-resident [64 x 1024] and memory-resident "
                + "sizes; FLOPs + transcendentals per element as counted by the op catalog\n");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-24s %9s", "activation", "FLOP+tr"));
        for (String b : backends) {
            head.append(String.format(Locale.ROOT, " %12s %12s", b + " L2", b + " mem"));
        }
        sb.append(head).append('\n').append("-".repeat(head.length())).append('\n');
        for (Map.Entry<String, Map<String, ActivationRow>> e : byKey.entrySet()) {
            ActivationRow any = e.getValue().values().iterator().next();
            sb.append(String.format(Locale.ROOT, "%-24s %9s", e.getKey(), any.flopsPerElement() + "+"
                    + any.transcendentalsPerElement()));
            for (String b : backends) {
                ActivationRow r = e.getValue().get(b);
                sb.append(String.format(Locale.ROOT, " %12s %12s", r == null ? "-" : num(r.cyclesPerElementCache(), 2),
                        r == null ? "-" : num(r.cyclesPerElementMemory(), 2)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The header lines printed above the tables. */
    public List<String> header() {
        List<String> out = new ArrayList<>();
        out.add("kiln profile, " + date + ": " + host);
        out.add("jvm: " + jvm);
        for (Roofs r : roofs.values()) {
            out.add(String.format(Locale.ROOT, "roofs of %s%s: %.1f GFLOP/s FP32 (%d cores x %.3f GHz x %.0f "
                            + "FLOP/cycle), memory %s GB/s, ridge %s FLOP/byte", r.id(), r.calibrated() ? " (calibrated)"
                            : "", r.peakGflops(), r.cores(), r.clockGHz(), r.peakFlopPerCyclePerCore(),
                    r.bandwidthGBs() == null ? "unknown" : num(r.bandwidthGBs(), 1),
                    r.ridgeIntensity() == null ? "-" : num(r.ridgeIntensity(), 2)));
        }
        out.add("cycles: " + cycleDetail);
        out.add("counting: " + convention);
        for (String n : notes) {
            out.add("note: " + n);
        }
        return out;
    }

    static String num(Double d, int digits) {
        if (d == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%." + digits + "f", d);
    }

    static String time(Double ns) {
        if (ns == null) {
            return "-";
        }
        if (ns < 1e3) {
            return String.format(Locale.ROOT, "%.0f ns", ns);
        }
        if (ns < 1e6) {
            return String.format(Locale.ROOT, "%.1f us", ns / 1e3);
        }
        if (ns < 1e9) {
            return String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
        }
        return String.format(Locale.ROOT, "%.3f s", ns / 1e9);
    }

    static String eng(double v) {
        if (v == 0) {
            return "0";
        }
        String[] units = {"", "K", "M", "G", "T", "P"};
        int u = 0;
        while (Math.abs(v) >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 || u == 0 ? "%.0f%s" : "%.1f%s", v, units[u]);
    }

    static String eng(Double v) {
        return v == null ? "-" : eng(v.doubleValue());
    }

    static String engBytes(long b) {
        String[] units = {"B", "KiB", "MiB", "GiB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 || u == 0 ? "%.0f%s" : "%.1f%s", v, units[u]);
    }
}
