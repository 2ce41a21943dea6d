package io.kiln.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The roofline of a {@link ProfileReport} as SVG: one panel per size class, log-log axes (arithmetic intensity in
 * FLOP/byte across, GFLOP/s up), the compute roof (all cores) and memory roof (all threads) of each profile as
 * solid lines, the one-core and one-thread roofs dashed, and each kernel a labelled point coloured by backend.
 * Kernels with no counted FLOPs (copies, pure transcendentals such as tanh) cannot sit on a log axis and are listed
 * under their panel instead.
 *
 * <p>Every point carries {@code data-op}, {@code data-backend}, {@code data-size}, {@code data-ai} and
 * {@code data-gflops}; every panel carries its plot rectangle and axis domain ({@code data-left}, {@code data-right},
 * {@code data-top}, {@code data-bottom}, {@code data-x-min}, {@code data-x-max}, {@code data-y-min},
 * {@code data-y-max}), so the placement can be checked against the JSON.
 */
public final class RooflineChart {
    static final double PANEL_W = 700, PANEL_H = 640;
    static final double MARGIN_L = 70, MARGIN_R = 20, MARGIN_T = 50, MARGIN_B = 110;
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

    private RooflineChart() {
    }

    /** A logarithmic axis mapping [min, max] onto pixels [from, to] (to &lt; from for a y axis). */
    public record LogAxis(double min, double max, double from, double to) {
        public LogAxis {
            if (!(min > 0) || !(max > min)) {
                throw new IllegalArgumentException("log axis needs 0 < min < max, got " + min + ", " + max);
            }
        }

        public double map(double v) {
            return from + (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) * (to - from);
        }

        /** An axis over whole decades covering [lo, hi] (with a 1.5x margin). */
        static LogAxis decades(double lo, double hi, double from, double to) {
            double a = Math.pow(10, Math.floor(Math.log10(lo / 1.5)));
            double b = Math.pow(10, Math.ceil(Math.log10(hi * 1.5)));
            if (b / a < 100) {
                b = a * 100;
            }
            return new LogAxis(a, b, from, to);
        }
    }

    /** The SVG document. */
    public static String render(ProfileReport report) {
        List<String> sizes = new ArrayList<>();
        List<String> backends = new ArrayList<>();
        double aiLo = Double.POSITIVE_INFINITY, aiHi = 0, gLo = Double.POSITIVE_INFINITY, gHi = 0;
        for (KernelMeasurement m : report.measurements()) {
            if (!sizes.contains(m.size())) {
                sizes.add(m.size());
            }
            if (!backends.contains(m.backend())) {
                backends.add(m.backend());
            }
            if (plottable(m)) {
                aiLo = Math.min(aiLo, m.intensity());
                aiHi = Math.max(aiHi, m.intensity());
                gLo = Math.min(gLo, m.gflops());
                gHi = Math.max(gHi, m.gflops());
            }
        }
        for (ProfileReport.Roofs r : report.roofs().values()) {
            gHi = Math.max(gHi, r.peakGflops());
            if (r.ridgeIntensity() != null) {
                aiHi = Math.max(aiHi, r.ridgeIntensity());
                aiLo = Math.min(aiLo, r.ridgeIntensity() / 10);
            }
            gLo = Math.min(gLo, r.peakGflopsOneCore() / 100);
        }
        if (!Double.isFinite(aiLo)) {
            aiLo = 0.01;
            aiHi = Math.max(aiHi, 100);
        }
        Map<String, String> color = new LinkedHashMap<>();
        for (int i = 0; i < backends.size(); i++) {
            color.put(backends.get(i), COLORS[i % COLORS.length]);
        }
        double width = Math.max(1, sizes.size()) * PANEL_W;
        double height = PANEL_H + 40;
        Svg svg = new Svg(width, height);
        svg.text("title", "Kiln roofline: " + report.host());
        svg.text("text", "Roofline, " + report.date() + ": " + report.host() + " - cycles: " + report.cycleSource(),
                "x", "10", "y", "18", "font-size", "13", "font-weight", "bold");
        legend(svg, report, color, width);
        for (int p = 0; p < sizes.size(); p++) {
            double left = p * PANEL_W + MARGIN_L, right = (p + 1) * PANEL_W - MARGIN_R;
            double top = MARGIN_T + 20, bottom = PANEL_H - MARGIN_B + 20;
            LogAxis x = LogAxis.decades(aiLo, aiHi, left, right);
            LogAxis y = LogAxis.decades(gLo, gHi, bottom, top);
            panel(svg, report, sizes.get(p), p, x, y, color);
        }
        return svg.finish();
    }

    static boolean plottable(KernelMeasurement m) {
        return m.error() == null && m.intensity() != null && m.intensity() > 0 && m.gflops() != null
                && m.gflops() > 0;
    }

    private static void legend(Svg svg, ProfileReport report, Map<String, String> color, double width) {
        double lx = 10;
        double ly = 38;
        for (Map.Entry<String, String> e : color.entrySet()) {
            svg.empty("circle", "cx", Svg.num(lx + 4), "cy", Svg.num(ly - 4), "r", "4", "fill", e.getValue());
            svg.text("text", e.getKey(), "x", Svg.num(lx + 12), "y", Svg.num(ly), "font-size", "11");
            lx += 22 + 7 * e.getKey().length();
        }
        svg.empty("line", "x1", Svg.num(lx), "y1", Svg.num(ly - 4), "x2", Svg.num(lx + 24), "y2", Svg.num(ly - 4),
                "stroke", "#333", "stroke-width", "2");
        svg.text("text", "all cores / all threads", "x", Svg.num(lx + 28), "y", Svg.num(ly), "font-size", "11");
        lx += 170;
        svg.empty("line", "x1", Svg.num(lx), "y1", Svg.num(ly - 4), "x2", Svg.num(lx + 24), "y2", Svg.num(ly - 4),
                "stroke", "#333", "stroke-width", "1.2", "stroke-dasharray", "5,3");
        svg.text("text", "one core / one thread", "x", Svg.num(lx + 28), "y", Svg.num(ly), "font-size", "11");
    }

    private static void panel(Svg svg, ProfileReport report, String size, int index, LogAxis x, LogAxis y,
                              Map<String, String> color) {
        double left = x.from(), right = x.to(), top = y.to(), bottom = y.from();
        String clip = "plot-" + index;
        svg.start("g", "class", "panel", "data-size", size, "data-left", Svg.num(left), "data-right", Svg.num(right),
                "data-top", Svg.num(top), "data-bottom", Svg.num(bottom), "data-x-min", fmt(x.min()), "data-x-max",
                fmt(x.max()), "data-y-min", fmt(y.min()), "data-y-max", fmt(y.max()));
        svg.start("defs").start("clipPath", "id", clip);
        svg.empty("rect", "x", Svg.num(left), "y", Svg.num(top), "width", Svg.num(right - left), "height",
                Svg.num(bottom - top));
        svg.end().end();
        svg.text("text", size + " (" + sizeNote(size) + ")", "x", Svg.num(left), "y", Svg.num(top - 8),
                "font-size", "12", "font-weight", "bold");
        svg.empty("rect", "x", Svg.num(left), "y", Svg.num(top), "width", Svg.num(right - left), "height",
                Svg.num(bottom - top), "fill", "white", "stroke", "#999");
        // grid and tick labels at decades
        for (double v = x.min(); v <= x.max() * 1.0001; v *= 10) {
            double px = x.map(v);
            svg.empty("line", "x1", Svg.num(px), "y1", Svg.num(top), "x2", Svg.num(px), "y2", Svg.num(bottom),
                    "stroke", "#e5e5e5");
            svg.text("text", fmt(v), "x", Svg.num(px), "y", Svg.num(bottom + 14), "font-size", "10", "text-anchor",
                    "middle");
        }
        for (double v = y.min(); v <= y.max() * 1.0001; v *= 10) {
            double py = y.map(v);
            svg.empty("line", "x1", Svg.num(left), "y1", Svg.num(py), "x2", Svg.num(right), "y2", Svg.num(py),
                    "stroke", "#e5e5e5");
            svg.text("text", fmt(v), "x", Svg.num(left - 4), "y", Svg.num(py + 3), "font-size", "10", "text-anchor",
                    "end");
        }
        svg.text("text", "arithmetic intensity (FLOP/byte)", "x", Svg.num((left + right) / 2), "y",
                Svg.num(bottom + 30), "font-size", "11", "text-anchor", "middle");
        svg.text("text", "GFLOP/s", "x", Svg.num(left - 52), "y", Svg.num((top + bottom) / 2), "font-size", "11",
                "transform", "rotate(-90 " + Svg.num(left - 52) + " " + Svg.num((top + bottom) / 2) + ")",
                "text-anchor", "middle");
        // roofs: profiles with the same figures (a PoCL device on the host CPU) share one line and one label
        svg.start("g", "clip-path", "url(#" + clip + ")");
        for (Map.Entry<String, ProfileReport.Roofs> e : distinctRoofs(report).entrySet()) {
            ProfileReport.Roofs r = e.getValue();
            String ids = e.getKey();
            roof(svg, x, y, r.peakGflops(), r.bandwidthGBs(), "2", null, "roof-all", ids);
            roof(svg, x, y, r.peakGflopsOneCore(), r.bandwidthOneThreadGBs(), "1.2", "5,3", "roof-one", ids);
            double labelY = y.map(r.peakGflops()) - 5;
            svg.text("text", String.format(Locale.ROOT, "%s: %.0f GFLOP/s", ids, r.peakGflops()), "x",
                    Svg.num(right - 4), "y", Svg.num(labelY), "font-size", "9", "text-anchor", "end", "fill", "#333");
            svg.text("text", String.format(Locale.ROOT, "one core: %.0f GFLOP/s", r.peakGflopsOneCore()), "x",
                    Svg.num(right - 4), "y", Svg.num(y.map(r.peakGflopsOneCore()) + 11), "font-size", "9",
                    "text-anchor", "end", "fill", "#555");
            if (r.bandwidthGBs() != null) {
                double ax = Math.max(x.min() * 1.5, y.min() * 2 / r.bandwidthGBs());
                svg.text("text", String.format(Locale.ROOT, "all threads: %.1f GB/s", r.bandwidthGBs()), "x",
                        Svg.num(x.map(ax) + 2), "y", Svg.num(y.map(ax * r.bandwidthGBs()) - 10), "font-size", "9",
                        "fill", "#333");
            }
            if (r.bandwidthOneThreadGBs() != null) {
                double ax = Math.max(x.min() * 1.5, y.min() * 2 / r.bandwidthOneThreadGBs());
                svg.text("text", String.format(Locale.ROOT, "one thread: %.1f GB/s", r.bandwidthOneThreadGBs()),
                        "x", Svg.num(x.map(ax) + 6), "y", Svg.num(y.map(ax * r.bandwidthOneThreadGBs()) + 12),
                        "font-size", "9", "fill", "#555");
            }
        }
        // points
        List<String> unplotted = new ArrayList<>();
        for (KernelMeasurement m : report.measurements()) {
            if (!m.size().equals(size)) {
                continue;
            }
            if (!plottable(m)) {
                if (!unplotted.contains(m.op())) {
                    unplotted.add(m.op());
                }
                continue;
            }
            double cx = x.map(m.intensity()), cy = y.map(m.gflops());
            svg.start("g", "class", "kernel");
            svg.start("circle", "class", "point", "cx", Svg.num(cx), "cy", Svg.num(cy), "r", "3.5", "fill",
                    color.get(m.backend()), "fill-opacity", "0.8", "data-op", m.op(), "data-backend", m.backend(),
                    "data-size", m.size(), "data-ai", fmt(m.intensity()), "data-gflops", fmt(m.gflops()));
            svg.text("title", String.format(Locale.ROOT, "%s on %s (%s, %s): %.3g FLOP/byte, %.3g GFLOP/s, %s-bound",
                    m.op(), m.backend(), m.size(), m.shape(), m.intensity(), m.gflops(), m.bound()));
            svg.end();
            svg.text("text", m.op(), "x", Svg.num(cx + 5), "y", Svg.num(cy - 4), "font-size", "7", "fill",
                    color.get(m.backend()));
            svg.end();
        }
        svg.end();
        if (!unplotted.isEmpty()) {
            List<String> lines = wrap("not plotted (no FLOPs counted, so no intensity on a log axis): "
                    + String.join(", ", unplotted), 95);
            for (int i = 0; i < lines.size(); i++) {
                svg.text("text", lines.get(i), "x", Svg.num(left), "y", Svg.num(bottom + 48 + 11 * i), "font-size",
                        "9", "fill", "#555", "class", "unplotted");
            }
        }
        svg.end();
    }

    /** Roofs keyed by the ids that share them ({@code a = b}), in report order. */
    static Map<String, ProfileReport.Roofs> distinctRoofs(ProfileReport report) {
        Map<List<Object>, List<ProfileReport.Roofs>> groups = new LinkedHashMap<>();
        for (ProfileReport.Roofs r : report.roofs().values()) {
            List<Object> key = java.util.Arrays.asList(r.peakGflops(), r.peakGflopsOneCore(), r.bandwidthGBs(),
                    r.bandwidthOneThreadGBs());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        Map<String, ProfileReport.Roofs> out = new LinkedHashMap<>();
        for (List<ProfileReport.Roofs> g : groups.values()) {
            out.put(String.join(" = ", g.stream().map(ProfileReport.Roofs::id).toList()), g.get(0));
        }
        return out;
    }

    /** Memory roof up to the ridge, then the compute roof (only the compute roof without a bandwidth). */
    private static void roof(Svg svg, LogAxis x, LogAxis y, double peak, Double bw, String width, String dash,
                             String cls, String id) {
        if (bw == null) {
            svg.empty("line", "class", cls, "data-profile", id, "x1", Svg.num(x.from()), "y1", Svg.num(y.map(peak)),
                    "x2", Svg.num(x.to()), "y2", Svg.num(y.map(peak)), "stroke", "#333", "stroke-width", width,
                    "stroke-dasharray", dash);
            return;
        }
        double ridge = peak / bw;
        double x0 = Math.max(x.min(), y.min() / bw);
        svg.empty("polyline", "class", cls, "data-profile", id, "points", Svg.num(x.map(x0)) + ","
                        + Svg.num(y.map(x0 * bw)) + " " + Svg.num(x.map(ridge)) + "," + Svg.num(y.map(peak)) + " "
                        + Svg.num(x.to()) + "," + Svg.num(y.map(peak)), "fill", "none", "stroke", "#333",
                "stroke-width", width, "stroke-dasharray", dash);
    }

    private static String sizeNote(String size) {
        return switch (size) {
            case "small" -> "16 KiB tensors";
            case "cache" -> "L2-resident";
            case "memory" -> "memory-resident";
            default -> size;
        };
    }

    /** A value in plain notation with up to 6 significant digits (exact enough to re-derive positions). */
    static String fmt(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }

    private static List<String> wrap(String text, int width) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() + word.length() + 1 > width && !line.isEmpty()) {
                out.add(line.toString());
                line.setLength(0);
            }
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(word);
        }
        if (!line.isEmpty()) {
            out.add(line.toString());
        }
        return out;
    }
}
