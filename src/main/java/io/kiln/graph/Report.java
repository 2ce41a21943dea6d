package io.kiln.graph;

import io.kiln.core.Cost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Per-kernel counted cost against measured time, for one compiled graph: ops fused, FLOPs, transcendentals, bytes,
 * min and median time over the profiled runs, GFLOP/s and GB/s at the median, arithmetic intensity, and cycles
 * estimated as time × the core clock of the hardware profile matched to this host, as {@code kiln profile} does
 * without counters: the clock {@code kiln calibrate} measured when the profile is calibrated, else the profile's
 * (documented or detected) clock, else {@code /proc/cpuinfo} (labelled {@code estimated}, with where the clock came
 * from). Graphs compiled for a device backend (OpenCL) get no cycle figure: a host clock would mean nothing there.
 * Printed as a table with {@link Cost#CONVENTION}, or one JSON object a line.
 */
public final class Report {

    /** One kernel's line. Times are NaN when the kernel was not profiled. */
    public record Line(String kernel, List<String> ops, Cost cost, int runs, double minNanos, double medianNanos,
                       double estimatedCycles, String cyclesSource) {

        public double gflops() {
            return cost.flops() / medianNanos;
        }

        public double gbPerSecond() {
            return cost.bytes() / medianNanos;
        }

        public double arithmeticIntensity() {
            return cost.arithmeticIntensity();
        }
    }

    private final String graph;
    private final String backend;
    private final List<Line> lines;
    private final MemoryPlan plan;
    private final double clockMhz;
    private final String clockSource;

    Report(String graph, String backend, boolean hostBackend, List<Kernel> kernels, MemoryPlan plan) {
        this.graph = graph;
        this.backend = backend;
        this.plan = plan;
        this.clockMhz = hostBackend ? HostClock.mhz() : 0;
        this.clockSource = hostBackend ? HostClock.source() : "a device backend: no host clock applies";
        List<Line> ls = new ArrayList<>();
        for (Kernel k : kernels) {
            long[] s = k.samples();
            Arrays.sort(s);
            double min = s.length == 0 ? Double.NaN : s[0];
            double median = s.length == 0 ? Double.NaN
                    : (s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0);
            double cycles = clockMhz > 0 ? median * clockMhz / 1000.0 : Double.NaN;
            ls.add(new Line(k.name(), k.ops(), k.cost(), s.length, min, median, cycles,
                    clockMhz > 0 ? "estimated" : "unknown"));
        }
        this.lines = List.copyOf(ls);
    }

    public List<Line> lines() {
        return lines;
    }

    /** Sum of every kernel's cost. */
    public Cost totalCost() {
        Cost c = Cost.ZERO;
        for (Line l : lines) {
            c = c.plus(l.cost());
        }
        return c;
    }

    /** Sum of the kernels' median times, in nanoseconds (NaN when not profiled). */
    public double totalMedianNanos() {
        double t = 0;
        for (Line l : lines) {
            t += l.medianNanos();
        }
        return t;
    }

    /** The clock used for estimated cycles, in MHz (0 when unknown). */
    public double clockMhz() {
        return clockMhz;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "graph %s on %s: %d kernels; %s%n", graph, backend, lines.size(), plan));
        String fmt = "%-44s %12s %10s %12s %10s %10s %9s %8s %7s %12s%n";
        sb.append(String.format(Locale.ROOT, fmt, "kernel", "FLOPs", "transc.", "bytes", "min us", "median us",
                "GFLOP/s", "GB/s", "FLOP/B", "cycles(est)"));
        for (Line l : lines) {
            sb.append(String.format(Locale.ROOT, fmt, shorten(l.kernel(), 44), l.cost().flops(),
                    l.cost().transcendentals(), l.cost().bytes(), us(l.minNanos()), us(l.medianNanos()),
                    num(l.gflops()), num(l.gbPerSecond()), String.format(Locale.ROOT, "%.2f", l.arithmeticIntensity()),
                    Double.isNaN(l.estimatedCycles()) ? "-" : String.format(Locale.ROOT, "%.0f", l.estimatedCycles())));
        }
        Cost t = totalCost();
        double tn = totalMedianNanos();
        sb.append(String.format(Locale.ROOT, fmt, "total", t.flops(), t.transcendentals(), t.bytes(), "",
                us(tn), num(t.flops() / tn), num(t.bytes() / tn),
                String.format(Locale.ROOT, "%.2f", t.arithmeticIntensity()),
                clockMhz > 0 && !Double.isNaN(tn) ? String.format(Locale.ROOT, "%.0f", tn * clockMhz / 1000) : "-"));
        sb.append("cycles: ").append(clockMhz > 0 ? String.format(Locale.ROOT,
                "estimated as median time x %.0f MHz (%s)", clockMhz, clockSource)
                : "unknown (" + clockSource + ")").append('\n');
        sb.append("convention: ").append(Cost.CONVENTION).append('\n');
        return sb.toString();
    }

    /** One JSON object per kernel, one a line. */
    public String toJsonLines() {
        StringBuilder sb = new StringBuilder();
        for (Line l : lines) {
            sb.append("{\"graph\":").append(quote(graph))
                    .append(",\"backend\":").append(quote(backend))
                    .append(",\"kernel\":").append(quote(l.kernel()))
                    .append(",\"ops\":[");
            for (int i = 0; i < l.ops().size(); i++) {
                sb.append(i == 0 ? "" : ",").append(quote(l.ops().get(i)));
            }
            sb.append("],\"flops\":").append(l.cost().flops())
                    .append(",\"transcendentals\":").append(l.cost().transcendentals())
                    .append(",\"bytes_read\":").append(l.cost().bytesRead())
                    .append(",\"bytes_written\":").append(l.cost().bytesWritten())
                    .append(",\"runs\":").append(l.runs())
                    .append(",\"min_ns\":").append(json(l.minNanos()))
                    .append(",\"median_ns\":").append(json(l.medianNanos()))
                    .append(",\"gflops\":").append(json(l.gflops()))
                    .append(",\"gb_per_s\":").append(json(l.gbPerSecond()))
                    .append(",\"arithmetic_intensity\":").append(json(l.arithmeticIntensity()))
                    .append(",\"cycles\":").append(json(l.estimatedCycles()))
                    .append(",\"cycles_source\":").append(quote(l.cyclesSource()))
                    .append("}\n");
        }
        return sb.toString();
    }

    private static String us(double nanos) {
        return Double.isNaN(nanos) ? "-" : String.format(Locale.ROOT, "%.1f", nanos / 1000);
    }

    private static String num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String json(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.6g", v);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    /** The CPU clock from {@code /proc/cpuinfo} ("cpu MHz" of the first processor), 0 when unreadable. */
    /** The host's core clock for estimated cycles: the matched hardware profile's, else /proc/cpuinfo's. */
    static final class HostClock {
        private static volatile double mhz = -1;
        private static volatile String source = "";

        private HostClock() {
        }

        static double mhz() {
            resolve();
            return mhz;
        }

        static String source() {
            resolve();
            return source;
        }

        private static synchronized void resolve() {
            if (mhz >= 0) {
                return;
            }
            try {
                io.kiln.hw.profile.HardwareProfile p = io.kiln.hw.profile.ProfileMatcher.shipped()
                        .matchCpu(io.kiln.hw.profile.HostFacts.detect()).profile();
                Double ghz = p.clockGHz();
                if (ghz != null && ghz > 0) {
                    source = "clock of profile " + p.id() + (p.calibration() != null
                            ? ", measured by kiln calibrate on " + p.calibration().date()
                            : ": " + p.sourceOf("clockGHz"));
                    mhz = ghz * 1000;
                    return;
                }
            } catch (RuntimeException e) {
                // no usable profile: fall back to /proc/cpuinfo below
            }
            double m = 0;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("cpu MHz")) {
                        m = Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                        break;
                    }
                }
            } catch (Exception e) {
                m = 0;
            }
            source = m > 0 ? "/proc/cpuinfo cpu MHz, nominal" : "no clock known";
            mhz = m;
        }
    }
}
