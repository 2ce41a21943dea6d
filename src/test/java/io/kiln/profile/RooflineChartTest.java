package io.kiln.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.core.Op;
import io.kiln.hw.profile.HardwareProfile;
import io.kiln.hw.profile.HardwareProfiles;
import io.kiln.hw.profile.HostFacts;
import io.kiln.hw.profile.ProfileMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The SVG's points sit where the JSON's numbers put them on the log-log axes. */
class RooflineChartTest {

    static KernelMeasurement point(String op, String size, String backend, long flops, long bytes, double ns) {
        return new KernelMeasurement(op, "gemm", size, "[1]", backend, "p", List.of(1L), flops, 0, bytes, 0, 0, 5, ns,
                ns, ns, ns, 0.0, 100.0, ns * 3, "estimated", flops / (ns * 3), flops / ns, bytes / ns,
                (double) flops / bytes, 1.0, null, null, null, null, null, 8, true);
    }

    static ProfileReport.Roofs roofs() {
        return new ProfileReport.Roofs("test-roofs", 2, 3.0, 64, 384, 192, 20.0, 10.0, 19.2, true);
    }

    static ProfileReport report(List<KernelMeasurement> ms) {
        Map<String, ProfileReport.Roofs> r = new LinkedHashMap<>();
        r.put("test-roofs", roofs());
        return new ProfileReport("2026-11-29", "test", "test host", "jvm", r, Map.of("reference", "test-roofs"),
                "estimated", "test", "convention", List.of(), ms, List.of());
    }

    /**
     * Checks every point of {@code svg} against the measurements of {@code json} (a report as written) and that
     * every plottable measurement has its point. Returns the number of points checked.
     */
    static int checkPositions(String svg, String json) throws Exception {
        ProfileReport fromJson = ProfileReport.fromJson(json);
        Map<String, KernelMeasurement> byKey = new HashMap<>();
        int plottable = 0;
        for (KernelMeasurement m : fromJson.measurements()) {
            byKey.put(m.key(), m);
            if (RooflineChart.plottable(m)) {
                plottable++;
            }
        }
        Document d = SvgTest.parse(svg);
        NodeList panels = d.getElementsByTagName("g");
        int checked = 0;
        for (int i = 0; i < panels.getLength(); i++) {
            Element g = (Element) panels.item(i);
            if (!"panel".equals(g.getAttribute("class"))) {
                continue;
            }
            double left = dbl(g, "data-left"), right = dbl(g, "data-right"), top = dbl(g, "data-top");
            double bottom = dbl(g, "data-bottom");
            double xMin = dbl(g, "data-x-min"), xMax = dbl(g, "data-x-max");
            double yMin = dbl(g, "data-y-min"), yMax = dbl(g, "data-y-max");
            // whole decades
            for (double v : new double[] {xMin, xMax, yMin, yMax}) {
                double e = Math.log10(v);
                assertEquals(Math.rint(e), e, 1e-9, "axis bound " + v + " is not a power of ten");
            }
            NodeList circles = g.getElementsByTagName("circle");
            for (int j = 0; j < circles.getLength(); j++) {
                Element c = (Element) circles.item(j);
                if (!"point".equals(c.getAttribute("class"))) {
                    continue;
                }
                String key = c.getAttribute("data-op") + "/" + c.getAttribute("data-size") + "/"
                        + c.getAttribute("data-backend");
                assertEquals(g.getAttribute("data-size"), c.getAttribute("data-size"));
                KernelMeasurement m = byKey.get(key);
                assertNotNull(m, "point " + key + " is not in the JSON");
                double ai = m.intensity(), gf = m.gflops();
                assertTrue(ai > xMin && ai < xMax && gf > yMin && gf < yMax, key + " outside the axes");
                double ex = left + (Math.log10(ai) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))
                        * (right - left);
                double ey = bottom - (Math.log10(gf) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))
                        * (bottom - top);
                assertEquals(ex, dbl(c, "cx"), 0.01, key + " cx");
                assertEquals(ey, dbl(c, "cy"), 0.01, key + " cy");
                checked++;
            }
        }
        assertEquals(plottable, checked, "every plottable measurement has exactly one point");
        return checked;
    }

    private static double dbl(Element e, String attr) {
        return Double.parseDouble(e.getAttribute(attr));
    }

    @Test
    void syntheticPointsLandWhereTheirNumbersSay() throws Exception {
        List<KernelMeasurement> ms = new ArrayList<>();
        ms.add(point("gemm", "small", "reference", 2_000_000, 48_000, 20_000));
        ms.add(point("gemm", "cache", "reference", 33_554_432, 786_432, 100_000));
        ms.add(point("add", "small", "reference", 4096, 49_152, 2_000));
        ms.add(point("add", "cache", "simd", 65_536, 786_432, 10_000));
        ms.add(point("tanh", "small", "reference", 0, 32_768, 5_000)); // 0 FLOPs: listed, not plotted
        ProfileReport r = report(ms);
        String svg = RooflineChart.render(r);
        assertEquals(4, checkPositions(svg, r.toJson()));
        assertTrue(svg.contains("not plotted (no FLOPs counted"), svg);
        assertTrue(svg.contains("tanh"));
    }

    @Test
    void roofsMeetAtTheRidge() throws Exception {
        ProfileReport r = report(List.of(point("gemm", "small", "reference", 2_000_000, 48_000, 20_000)));
        Document d = SvgTest.parse(RooflineChart.render(r));
        Element g = (Element) d.getElementsByTagName("g").item(0);
        assertEquals("panel", g.getAttribute("class"));
        RooflineChart.LogAxis x = new RooflineChart.LogAxis(dbl(g, "data-x-min"), dbl(g, "data-x-max"),
                dbl(g, "data-left"), dbl(g, "data-right"));
        RooflineChart.LogAxis y = new RooflineChart.LogAxis(dbl(g, "data-y-min"), dbl(g, "data-y-max"),
                dbl(g, "data-bottom"), dbl(g, "data-top"));
        NodeList lines = d.getElementsByTagName("polyline");
        boolean found = false;
        for (int i = 0; i < lines.getLength(); i++) {
            Element l = (Element) lines.item(i);
            if (l.getAttribute("class").equals("roof-all")) {
                String[] pts = l.getAttribute("points").split(" ");
                String[] ridge = pts[1].split(",");
                assertEquals(x.map(384 / 20.0), Double.parseDouble(ridge[0]), 0.01);
                assertEquals(y.map(384), Double.parseDouble(ridge[1]), 0.01);
                found = true;
            }
        }
        assertTrue(found);
    }

    /** A real, short profiling run on the reference backend: its JSON and SVG agree. */
    @Test
    void realRunJsonAndSvgAgree() throws Exception {
        HostFacts host = HostFacts.detect();
        HardwareProfile profile = ProfileMatcher.resolve(
                HardwareProfiles.shipped("intel-xeon-sapphire-emerald-rapids-avx512"), host, null, new ArrayList<>());
        Backend ref = Backends.select("reference");
        ProfileRun.Options o = new ProfileRun.Options(true, List.of("reference"), List.of(SizeClass.SMALL),
                List.of("gemm", "add", "relu", "tanh", "gelu_tanh", "gelu_tanh_backward", "softmax", "adam"), null,
                null, "estimated", null, false, false, "test");
        CycleClock clock = new CycleClock.TimeBased(CycleSource.ESTIMATED, 3.0, "test clock");
        Map<String, HardwareProfile> roofs = Map.of("reference", profile);
        ProfileReport r = ProfileRun.measure(o, host, roofs, List.of(ref), clock, "test", new ArrayList<>(), null);
        assertEquals(8, r.measurements().size());
        for (KernelMeasurement m : r.measurements()) {
            assertEquals(null, m.error(), m.key());
            assertTrue(m.reps() >= 3 && m.medianNs() > 0, m.key());
            assertEquals(m.medianNs() * 3.0, m.cycles(), m.cycles() * 1e-9, m.key());
            Op op = HardwareProfiles.opByName(m.op());
            assertEquals(op.cost(m.costArgs().stream().mapToLong(Long::longValue).toArray()).flops(), m.flops(),
                    m.key());
        }
        String json = r.toJson();
        assertEquals(7, checkPositions(RooflineChart.render(r), json)); // all but tanh, which counts no FLOPs
        assertEquals(r, ProfileReport.fromJson(json));
    }
}
