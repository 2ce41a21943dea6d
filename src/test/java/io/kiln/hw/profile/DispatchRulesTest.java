package io.kiln.hw.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.BackendUnavailableException;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DispatchRulesTest {
    private static final Map<String, Optional<String>> ALL = Map.of("reference", Optional.empty(), "simd",
            Optional.empty(), "opencl", Optional.empty());
    private static final Map<String, Optional<String>> NO_GPU = Map.of("reference", Optional.empty(), "simd",
            Optional.empty(), "opencl", Optional.of("no OpenCL platform"));

    private static HardwareProfile cpu() {
        return ProfileMatcher.resolve(HardwareProfiles.shipped("intel-xeon-sapphire-emerald-rapids-avx512"),
                TestHosts.emeraldRapidsGuest(), null, new ArrayList<>());
    }

    private static DispatchRules withH200(Map<String, Optional<String>> avail) {
        return DispatchRules.of(cpu(), HardwareProfiles.shipped("nvidia-h200-opencl")).withAvailability(avail)
                .withProperties(new Properties());
    }

    @Test
    void workSizes() {
        assertEquals(64L * 32 * 16, DispatchRules.workSize(Op.GEMM, 64, 32, 16));
        assertEquals(64L * 32 * 16, DispatchRules.workSize(Op.GEMM, 64, 32, 16, 1));
        assertEquals(2L * 64 * 32 * 16, DispatchRules.workSize(Op.BATCHED_GEMM, 2, 64, 32, 16));
        assertEquals(4096, DispatchRules.workSize(Op.RELU, 4096));
        assertEquals(8L * 1024, DispatchRules.workSize(Op.SOFTMAX, 8, 1024));
        assertEquals(8L * 1024, DispatchRules.workSize(Op.REDUCE_SUM, 8 * 1024, 8));
        assertThrows(InvalidArgumentException.class, () -> DispatchRules.workSize(Op.GEMM, 64, 32));
    }

    @Test
    void largeGemmGoesToTheGpuSmallStaysOnTheHost() {
        DispatchRules r = withH200(ALL);
        DispatchRules.Decision big = r.decide(Op.GEMM, 1024, 1024, 1024);
        assertEquals("opencl", big.backend());
        assertTrue(big.because().contains("nvidia-h200-opencl"), big.because());
        DispatchRules.Decision small = r.decide(Op.GEMM, 64, 64, 64);
        assertEquals("simd", small.backend());
        assertTrue(small.trail().get(0).contains("does not apply: work size 262144 < 2097152"), small.explain());
        assertEquals("simd", r.decide(Op.RELU, 1 << 24).backend());
    }

    @Test
    void unavailableBackendIsPassedOverWithTheReason() {
        DispatchRules.Decision d = withH200(NO_GPU).decide(Op.GEMM, 1024, 1024, 1024);
        assertEquals("simd", d.backend());
        assertTrue(d.explain().contains("passed over: backend opencl is not available (no OpenCL platform)"),
                d.explain());
    }

    @Test
    void noRuleBackendFallsToAuto() {
        DispatchRules r = withH200(Map.of("reference", Optional.empty()));
        DispatchRules.Decision d = r.decide(Op.SOFTMAX, 8, 1024);
        assertEquals("reference", d.backend());
        assertTrue(d.because().contains("auto picks"), d.because());
    }

    @Test
    void overridesByApiThenByProperty() {
        DispatchRules r = withH200(ALL);
        assertEquals("reference", r.withOverride("gemm", "reference").decide(Op.GEMM, 1024, 1024, 1024).backend());
        assertEquals("reference", r.withOverride("activation", "reference").decide(Op.GELU_TANH, 10).backend());
        assertEquals("simd", r.withOverride("activation", "reference").decide(Op.GELU_TANH_BACKWARD, 10).backend());
        Properties p = new Properties();
        p.setProperty("kiln.dispatch.gemm", "simd");
        DispatchRules.Decision d = r.withProperties(p).decide(Op.GEMM, 1024, 1024, 1024);
        assertEquals("simd", d.backend());
        assertEquals("system property kiln.dispatch.gemm", d.because());
        // the API wins over the property
        assertEquals("reference", r.withProperties(p).withOverride("gemm", "reference")
                .decide(Op.GEMM, 1024, 1024, 1024).backend());
    }

    @Test
    void overrideToAnUnavailableBackendFailsInsteadOfFallingBack() {
        DispatchRules r = withH200(NO_GPU).withOverride("gemm", "opencl");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> r.decide(Op.GEMM, 8, 8, 8));
        assertTrue(e.getMessage().contains("no OpenCL platform"), e.getMessage());
        assertTrue(r.explain(Op.GEMM, 8, 8, 8).contains("not available"));
    }

    @Test
    void badOverridesAreRefused() {
        DispatchRules r = withH200(ALL);
        assertThrows(InvalidArgumentException.class, () -> r.withOverride("matmul", "simd"));
        assertThrows(InvalidArgumentException.class, () -> r.withOverride("gemm", "cuda"));
        Properties p = new Properties();
        p.setProperty("kiln.dispatch.gelu", "simd");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> r.withProperties(p));
        assertTrue(e.getMessage().contains("kiln.dispatch.gelu"), e.getMessage());
    }

    @Test
    void simdIsAvoidedWhenTheVectorApiIsNotVectorized() {
        HardwareProfile c = cpu();
        HardwareProfile slow = new HardwareProfile(c.schemaVersion(), c.id(), c.description(), c.device(), c.match(),
                null, c.cores(), c.clockGHz(), c.vectorWidthBits(), c.fmaUnitsPerCore(),
                c.peakFp32FlopPerCyclePerCore(), c.caches(), c.memoryBandwidthGBs(), false, c.simdGemm(),
                c.openclGemm(), c.dispatch(), c.sources(), c.calibration());
        DispatchRules r = DispatchRules.of(slow).withAvailability(NO_GPU).withProperties(new Properties());
        DispatchRules.Decision d = r.decide(Op.RELU, 1000);
        assertEquals("reference", d.backend());
        assertTrue(d.explain().contains("Vector API not compiled"), d.explain());
        // an explicit override still wins
        assertEquals("simd", r.withOverride("relu", "simd").decide(Op.RELU, 1000).backend());
    }

    @Test
    void mostSpecificRuleWins() {
        HardwareProfile c = cpu();
        List<HardwareProfile.DispatchRule> rules = List.of(
                new HardwareProfile.DispatchRule(null, "*", 0L, "simd", "default"),
                new HardwareProfile.DispatchRule(null, "activation", 0L, "reference", "category"),
                new HardwareProfile.DispatchRule("gelu_erf", null, 100L, "opencl", "op, from 100"));
        HardwareProfile p = new HardwareProfile(c.schemaVersion(), c.id(), c.description(), c.device(), c.match(),
                null, c.cores(), c.clockGHz(), c.vectorWidthBits(), c.fmaUnitsPerCore(),
                c.peakFp32FlopPerCyclePerCore(), c.caches(), c.memoryBandwidthGBs(), true, c.simdGemm(),
                c.openclGemm(), rules, c.sources(), c.calibration());
        HardwareProfiles.validate("rules", p);
        DispatchRules r = DispatchRules.of(p).withAvailability(ALL).withProperties(new Properties());
        assertEquals("opencl", r.decide(Op.GELU_ERF, 100).backend());
        assertEquals("reference", r.decide(Op.GELU_ERF, 99).backend());
        assertEquals("reference", r.decide(Op.SILU, 10).backend());
        assertEquals("simd", r.decide(Op.ADD, 10).backend());
    }
}
