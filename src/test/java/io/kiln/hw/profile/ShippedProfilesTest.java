package io.kiln.hw.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.hw.profile.HardwareProfile.Derive;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Loads every shipped profile (each is validated on load) and checks what each must describe. */
class ShippedProfilesTest {

    @Test
    void everyShippedFileLoadsAndValidates() {
        List<String> files = HardwareProfiles.shippedFileNames();
        assertTrue(files.size() >= 8, "shipped: " + files);
        Set<String> ids = new TreeSet<>();
        for (String f : files) {
            HardwareProfile p = HardwareProfiles.loadResource(f);
            assertEquals(f, p.id() + ".json");
            assertTrue(ids.add(p.id()));
            assertNotNull(p.sources());
        }
        assertTrue(ids.containsAll(List.of("intel-xeon-sapphire-emerald-rapids-avx512", "amd-zen5-avx512",
                "generic-x86-avx2", "arm-neoverse-n1-neon128", "pocl-cpu", "nvidia-h100-sxm-opencl",
                "nvidia-h200-opencl", "generic-fallback")), ids.toString());
    }

    @Test
    void everyShippedProfileRoundTripsThroughJson() {
        for (HardwareProfile p : HardwareProfiles.shipped()) {
            HardwareProfile back = HardwareProfiles.parse(p.id() + ".json", HardwareProfiles.toJson(p));
            assertEquals(p, back, p.id());
        }
    }

    @Test
    void everyShippedCpuProfileResolvesOnEveryTestHost() {
        List<HostFacts> hosts = List.of(TestHosts.emeraldRapidsGuest(), TestHosts.graniteRidge(16),
                TestHosts.haswell(), TestHosts.neoverseN1(), TestHosts.noAvx2());
        for (HardwareProfile p : HardwareProfiles.shipped()) {
            if (!p.device().equals(HardwareProfile.DEVICE_CPU)) {
                continue;
            }
            for (HostFacts h : hosts) {
                HardwareProfile r = ProfileMatcher.resolve(p, h, null, new ArrayList<>());
                assertTrue(r.peakGflops() > 0, p.id());
                assertEquals(r.vectorWidthBits() / 32.0 * r.fmaUnitsPerCore() * 2, r.peakFp32FlopPerCyclePerCore(),
                        1e-9, p.id());
                assertTrue(r.cores() <= h.usableCores(), p.id() + " on " + h.summary());
            }
        }
    }

    @Test
    void thisMachinesProfileIsCalibratedHere() {
        HardwareProfile p = HardwareProfiles.shipped("intel-xeon-sapphire-emerald-rapids-avx512");
        assertEquals(512, p.vectorWidthBits());
        assertEquals(2, p.fmaUnitsPerCore());
        assertEquals(64.0, p.peakFp32FlopPerCyclePerCore());
        assertNotNull(p.calibration(), "the Intel profile ships the calibration run made on this machine");
        assertTrue(p.sourceOf("clockGHz").contains("measured here"), p.sourceOf("clockGHz"));
        assertTrue(p.sourceOf("memoryBandwidthGBs").contains("measured here"));
        assertTrue(p.vectorApiCompiled());
    }

    @Test
    void vendorFiguresAreConsistentWithTheirDocuments() {
        HardwareProfile h200 = HardwareProfiles.shipped("nvidia-h200-opencl");
        // 132 SMs x 128 FP32 lanes x 2 x 1.98 GHz = 66.9 TFLOP/s, the datasheet's 67 TFLOPS
        assertEquals(66.9, h200.peakGflops() / 1000, 0.1);
        assertEquals(4800.0, h200.bandwidthGBs());
        HardwareProfile h100 = HardwareProfiles.shipped("nvidia-h100-sxm-opencl");
        assertEquals(3350.0, h100.bandwidthGBs());
        HardwareProfile zen5 = HardwareProfiles.shipped("amd-zen5-avx512");
        assertEquals(64.0, zen5.peakFp32FlopPerCyclePerCore());
        HardwareProfile n1 = HardwareProfiles.shipped("arm-neoverse-n1-neon128");
        assertEquals(16.0, n1.peakFp32FlopPerCyclePerCore());
    }

    @Test
    void derivedProfilesLeaveTheirDerivedFieldsOut() {
        for (HardwareProfile p : HardwareProfiles.shipped()) {
            if (p.derive() == null) {
                continue;
            }
            for (String f : p.derive().fields()) {
                assertEquals(null, HardwareProfiles.fieldValue(p, f), p.id() + "." + f);
            }
            assertFalse(p.derive().from().equals(Derive.FROM_CPU_PROFILE) && p.device().equals("cpu"));
        }
    }
}
