package io.kiln.hw.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileMatcherTest {
    private final ProfileMatcher matcher = ProfileMatcher.shipped();

    private static boolean anyContains(List<String> lines, String text) {
        return lines.stream().anyMatch(l -> l.contains(text));
    }

    @Test
    void thisMachineMatchesTheIntelProfileOnModel() {
        ProfileMatcher.ProfileMatch m = matcher.matchCpu(TestHosts.emeraldRapidsGuest());
        assertEquals("intel-xeon-sapphire-emerald-rapids-avx512", m.profile().id());
        assertTrue(anyContains(m.reasons(), "model 207 is listed (+40)"), m.reasons().toString());
        assertTrue(m.score() > m.ranking().get(1).score());
        assertTrue(anyContains(m.describe(), "roofs:"));
    }

    @Test
    void graniteRidgeMatchesZen5AndCoresAreCappedToTheHost() {
        ProfileMatcher.ProfileMatch m = matcher.matchCpu(TestHosts.graniteRidge(4));
        assertEquals("amd-zen5-avx512", m.profile().id());
        assertEquals(4, m.profile().cores());
        assertEquals(16, m.original().cores());
        assertTrue(anyContains(m.reasons(), "cores 16 -> 4"), m.reasons().toString());
    }

    @Test
    void strixPointIsRejectedByZen5AndFallsToAvx2() {
        HostFacts strix = TestHosts.strixPoint();
        ProfileMatcher.Candidate zen5 = matcher.rankCpu(strix).stream()
                .filter(c -> c.profile().id().equals("amd-zen5-avx512")).findFirst().orElseThrow();
        assertFalse(zen5.matches());
        assertTrue(anyContains(zen5.reasons(), "(required)"), zen5.reasons().toString());
        assertEquals("generic-x86-avx2", matcher.matchCpu(strix).profile().id());
    }

    @Test
    void haswellGetsTheAvx2ProfileWithDetectedFigures() {
        ProfileMatcher.ProfileMatch m = matcher.matchCpu(TestHosts.haswell());
        assertEquals("generic-x86-avx2", m.profile().id());
        assertEquals(4, m.profile().cores());
        assertEquals(3.9, m.profile().clockGHz(), 1e-9); // cpufreq max
        assertEquals(262144L, m.profile().caches().l2Bytes());
        assertEquals(32.0, m.profile().peakFp32FlopPerCyclePerCore());
        assertTrue(m.profile().sourceOf("clockGHz").contains("cpuinfo_max_freq"));
    }

    @Test
    void neoverseN1MatchesTheArmProfile() {
        ProfileMatcher.ProfileMatch m = matcher.matchCpu(TestHosts.neoverseN1());
        assertEquals("arm-neoverse-n1-neon128", m.profile().id());
        assertEquals(2, m.profile().cores());
        assertEquals(65536L, m.profile().caches().l1dBytes());
    }

    @Test
    void unknownHostsGetTheFallbackBuiltFromDetection() {
        for (HostFacts h : List.of(TestHosts.noAvx2(), TestHosts.appleM1())) {
            ProfileMatcher.ProfileMatch m = matcher.matchCpu(h);
            assertEquals("generic-fallback", m.profile().id(), h.summary());
            assertEquals(h.vectorBits(), m.profile().vectorWidthBits());
            assertEquals(h.vectorBits() / 32.0 * 2, m.profile().peakFp32FlopPerCyclePerCore(), 1e-9);
            assertTrue(Double.isNaN(m.profile().bandwidthGBs()));
            assertTrue(m.profile().simdGemm() != null, "a default blocking is filled in");
        }
        // no clock on Arm: assumed, and the source says so
        assertTrue(matcher.matchCpu(TestHosts.appleM1()).profile().sourceOf("clockGHz").contains("assumed"));
    }

    @Test
    void fallbackRanksBelowEveryRealMatch() {
        List<ProfileMatcher.Candidate> r = matcher.rankCpu(TestHosts.emeraldRapidsGuest());
        int fallback = -1, avx2 = -1;
        for (int i = 0; i < r.size(); i++) {
            if (r.get(i).profile().id().equals("generic-fallback")) {
                fallback = i;
            }
            if (r.get(i).profile().id().equals("generic-x86-avx2")) {
                avx2 = i;
            }
        }
        assertTrue(avx2 < fallback, "the AVX2 class profile matches this host and must rank above the fallback");
    }

    @Test
    void poclDeviceTakesTheHostCpuRoofs() {
        HostFacts host = TestHosts.emeraldRapidsGuest().withOpenClDevices(List.of(new OpenClDeviceFacts(
                "Portable Computing Language", "The pocl project", "pthread-skylake-avx512-Intel(R) Xeon(R) Processor",
                "CPU", 2, 2300)));
        HardwareProfile cpu = matcher.matchCpu(host).profile();
        List<ProfileMatcher.ProfileMatch> devices = matcher.matchOpenCl(host, cpu);
        assertEquals(1, devices.size());
        HardwareProfile pocl = devices.get(0).profile();
        assertEquals("pocl-cpu", pocl.id());
        assertEquals(cpu.peakGflops(), pocl.peakGflops(), 1e-9);
        assertEquals(cpu.bandwidthGBs(), pocl.bandwidthGBs(), 1e-9);
        assertTrue(pocl.sourceOf("clockGHz").contains(cpu.id()));
        List<String> lines = matcher.describeHost(host);
        assertTrue(anyContains(lines, "OpenCL device pthread-skylake"), lines.toString());
    }

    @Test
    void hopperDevicesMatchByNameAndComputeUnits() {
        OpenClDeviceFacts h200 = new OpenClDeviceFacts("NVIDIA CUDA", "NVIDIA Corporation", "NVIDIA H200", "GPU",
                132, 1980);
        assertEquals("nvidia-h200-opencl", matcher.rankOpenCl(h200).get(0).profile().id());
        OpenClDeviceFacts pcie = new OpenClDeviceFacts("NVIDIA CUDA", "NVIDIA Corporation", "NVIDIA H100 PCIe",
                "GPU", 114, 1755);
        ProfileMatcher.Candidate c = matcher.rankOpenCl(pcie).get(0);
        assertEquals("nvidia-h100-sxm-opencl", c.profile().id());
        assertTrue(c.matches());
        assertTrue(anyContains(c.reasons(), "114 compute units, profile written for 132 (-10)"), c.reasons().toString());
    }

    @Test
    void unmatchedDevicesAreSaidSo() {
        HostFacts host = TestHosts.emeraldRapidsGuest().withOpenClDevices(List.of(new OpenClDeviceFacts("Intel(R) "
                + "OpenCL Graphics", "Intel(R) Corporation", "Intel(R) Arc(TM) A770", "GPU", 512, 2400)));
        assertTrue(anyContains(matcher.describeHost(host), "Arc(TM) A770 (GPU, Intel(R) OpenCL Graphics / "
                + "Intel(R) Corporation, 512 compute units): no profile matches"));
    }
}
