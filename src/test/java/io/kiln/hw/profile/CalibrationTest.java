package io.kiln.hw.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationTest {

    private static Calibration.Result result(double speedup, double[] fma) {
        return new Calibration.Result(2.95, "chain", 2.95, 2300, fma[0], fma[0] / speedup, fma,
                new double[] {9.5, 12.0}, new double[] {10.6, 13.2}, 3L * 64 << 20, 2, Double.NaN,
                List.of("test note"));
    }

    @Test
    void calibratedProfileInfersFmaUnitsAndValidates() {
        HostFacts host = TestHosts.emeraldRapidsGuest();
        ProfileMatcher.ProfileMatch matched = ProfileMatcher.shipped().matchCpu(host);
        // 185 GFLOP/s on one core at 2.95 GHz = 62.7 FLOP/cycle = 2 FMA units x 16 lanes x 2
        Calibration.Result r = result(16, new double[] {185, 360});
        HardwareProfile p = Calibration.toProfile(matched, host, r, Calibration.Options.quickRun());
        HardwareProfiles.validate("calibrated", p);
        assertEquals(2, p.fmaUnitsPerCore());
        assertEquals(64.0, p.peakFp32FlopPerCyclePerCore());
        assertEquals(2.95, p.clockGHz());
        assertEquals(10.6, p.memoryBandwidthGBs().oneThread());
        assertEquals(13.2, p.memoryBandwidthGBs().allThreads());
        assertTrue(p.vectorApiCompiled());
        assertEquals(List.of(185.0, 360.0), p.calibration().fp32GflopsByThreads());
        assertTrue(p.sourceOf("memoryBandwidthGBs").startsWith("measured here on "));
        assertEquals(matched.profile().id() + "-calibrated", p.id());
        // what is written reads back
        assertEquals(p, HardwareProfiles.parse(p.id() + ".json", HardwareProfiles.toJson(p)));
    }

    @Test
    void aScalarSpeedVectorApiIsMarked() {
        HostFacts host = TestHosts.emeraldRapidsGuest();
        ProfileMatcher.ProfileMatch matched = ProfileMatcher.shipped().matchCpu(host);
        HardwareProfile p = Calibration.toProfile(matched, host, result(1.3, new double[] {12, 24}),
                Calibration.Options.quickRun());
        assertFalse(p.vectorApiCompiled());
        assertFalse(p.simdUsable());
        assertEquals(1, p.fmaUnitsPerCore()); // 12 GFLOP/s / 2.95 GHz = 4 FLOP/cycle, rounded up to one unit
    }

    @Test
    void fallbackMatchBecomesAHostSpecificMatch() {
        HostFacts host = TestHosts.noAvx2();
        ProfileMatcher.ProfileMatch matched = ProfileMatcher.shipped().matchCpu(host);
        assertEquals("generic-fallback", matched.profile().id());
        HardwareProfile p = Calibration.toProfile(matched, host, result(4, new double[] {20, 40}),
                Calibration.Options.quickRun());
        assertEquals(6, p.match().cpu().family());
        assertEquals(List.of("44"), p.match().cpu().models());
        assertEquals(null, p.match().fallback());
        assertNotNull(p.memoryBandwidthGBs());
    }

    @Test
    void diffListsChangedFields() {
        HostFacts host = TestHosts.emeraldRapidsGuest();
        ProfileMatcher.ProfileMatch matched = ProfileMatcher.shipped().matchCpu(host);
        HardwareProfile p = Calibration.toProfile(matched, host, result(16, new double[] {185, 360}),
                Calibration.Options.quickRun());
        List<String> d = Calibration.diff(matched.profile(), p);
        assertTrue(d.stream().anyMatch(l -> l.startsWith("clockGHz")), d.toString());
        assertTrue(d.stream().anyMatch(l -> l.startsWith("memoryBandwidthGBs.allThreads")), d.toString());
    }

    /**
     * A real, tiny measurement (1 MiB arrays, one trial): every figure comes back positive and the Vector API is
     * found compiled to vector instructions in this JVM (it fails when C2 does not intrinsify the Vector API).
     */
    @Test
    void tinyMeasurementRunsAndFindsTheVectorApiVectorized() {
        HostFacts host = HostFacts.detect();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Calibration.Options o = new Calibration.Options(true, 2, 1, 1, null, null, false, "test");
        Calibration.Result r = Calibration.measure(host, o, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertTrue(r.clockGHz() > 0.3 && r.clockGHz() < 8, "clock " + r.clockGHz());
        for (int t = 0; t < r.fmaGflops().length; t++) {
            assertTrue(r.fmaGflops()[t] > 0 && r.copyGBs()[t] > 0 && r.triadGBs()[t] > 0);
        }
        assertTrue(r.vectorApiCompiled(), "vector/scalar = " + r.vectorSpeedup() + "\n" + log);
    }
}
