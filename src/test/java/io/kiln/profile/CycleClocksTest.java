package io.kiln.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.BackendUnavailableException;
import io.kiln.hw.profile.HardwareProfile;
import io.kiln.hw.profile.HardwareProfiles;
import io.kiln.hw.profile.HostFacts;
import io.kiln.hw.profile.TestHosts;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class CycleClocksTest {
    private static final CycleClocks.PmuOpener NO_PMU = () -> {
        throw new PerfEventCycles.Unavailable("ENOENT: test has no PMU");
    };

    private static HostFacts host(String modelName, double mhz, String flags, Double maxMhz) {
        return TestHosts.facts("amd64", TestHosts.x86("GenuineIntel", 6, 207, modelName, mhz, flags, 2), 2, maxMhz,
                49152L, 2097152L, 0L, 512);
    }

    private static final HostFacts KVM = host("Intel(R) Xeon(R) Processor", 2300,
            "fpu constant_tsc nonstop_tsc tsc_known_freq hypervisor avx512f fma", null);

    private static HardwareProfile vendorProfile() {
        return HardwareProfiles.shipped("amd-zen5-avx512"); // no calibration record, documented clock 4.3 GHz
    }

    private static HardwareProfile calibratedProfile() {
        return HardwareProfiles.shipped("intel-xeon-sapphire-emerald-rapids-avx512");
    }

    @Test
    void withoutPmuAutoTakesTheCalibratedClockAndSaysWhy() {
        CycleClocks.Choice c = CycleClocks.open("auto", calibratedProfile(), KVM, NO_PMU);
        assertEquals(CycleSource.ESTIMATED, c.clock().source());
        assertTrue(c.describe().contains("measured by kiln calibrate"), c.describe());
        assertTrue(c.describe().contains("pmu (ENOENT: test has no PMU)"), c.describe());
        assertTrue(c.describe().contains("tsc (2.300 GHz"), c.describe());
    }

    @Test
    void withoutPmuOrCalibrationAutoTakesTheTsc() {
        CycleClocks.Choice c = CycleClocks.open("auto", vendorProfile(), KVM, NO_PMU);
        assertEquals(CycleSource.TSC, c.clock().source());
        assertEquals(2.3e6, c.clock().cycles(0, 1_000_000), 1e-6); // 1 ms at 2.3 GHz
    }

    @Test
    void withoutPmuCalibrationOrTscAutoEstimatesFromTheProfileClock() {
        HostFacts noInvariantTsc = host("x", 2300, "fpu avx512f fma", null);
        CycleClocks.Choice c = CycleClocks.open("auto", vendorProfile(), noInvariantTsc, NO_PMU);
        assertEquals(CycleSource.ESTIMATED, c.clock().source());
        assertEquals(4.3e6, c.clock().cycles(0, 1_000_000), 1e-3);
        assertTrue(c.describe().contains("not measured here"), c.describe());
        assertTrue(c.describe().contains("no invariant TSC"), c.describe());
    }

    @Test
    void askingForAnUnavailableSourceFailsWithTheReason() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> CycleClocks.open("pmu", vendorProfile(), KVM, NO_PMU));
        assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
        HostFacts noTsc = host("x", 2300, "fpu", null);
        assertThrows(BackendUnavailableException.class, () -> CycleClocks.open("tsc", vendorProfile(), noTsc,
                NO_PMU));
    }

    @Test
    void aWorkingPmuIsPreferred() {
        CycleClock fake = new CycleClock() {
            public CycleSource source() {
                return CycleSource.PMU;
            }

            public String detail() {
                return "fake";
            }

            public long read() {
                return 0;
            }

            public double cycles(long rawDelta, long nanos) {
                return rawDelta;
            }

            public void close() {
            }
        };
        assertEquals(CycleSource.PMU, CycleClocks.open("auto", calibratedProfile(), KVM, () -> fake).clock().source());
    }

    @Test
    void tscRateFromTheBrandStringOrTheKernel() {
        String[] why = new String[1];
        OptionalDouble brand = CycleClocks.tscGHz(host("Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz", 800,
                "constant_tsc nonstop_tsc", 3900.0), why);
        assertEquals(3.4, brand.getAsDouble(), 1e-12);
        assertTrue(why[0].contains("brand string"));
        // under a frequency driver cpu MHz is the current clock, not the TSC rate
        assertTrue(CycleClocks.tscGHz(host("AMD Ryzen 9 9950X", 800, "constant_tsc nonstop_tsc", 5700.0), why)
                .isEmpty());
        assertTrue(why[0].contains("unknown rate"), why[0]);
        assertEquals(2.3, CycleClocks.tscGHz(KVM, why).getAsDouble(), 1e-12);
    }

    /**
     * The real PMU path on this machine: either a counter that advances, or a reason naming the errno. In the KVM
     * guest this project is developed in, perf_event_open answers ENOENT.
     */
    @Test
    void realPmuEitherCountsOrSaysWhy() {
        try (PerfEventCycles c = PerfEventCycles.open()) {
            long a = c.read();
            long x = 1;
            for (int i = 0; i < 1_000_000; i++) {
                x = x * 31 + i;
            }
            long b = c.read();
            assertTrue(b - a > 100_000 || x == 0, "cycles " + (b - a));
            assertEquals(CycleSource.PMU, c.source());
        } catch (PerfEventCycles.Unavailable e) {
            assertTrue(e.getMessage().matches(".*(ENOENT|EACCES|EPERM|ENODEV|ENOSYS|EOPNOTSUPP|EINVAL|errno|"
                    + "syscall|Linux|libc).*"), e.getMessage());
        }
    }

    /**
     * The FFM plumbing (attribute struct, syscall, ioctl, read) through a software event that needs no PMU: the
     * task clock counts nanoseconds this thread ran, so it must advance across busy work.
     */
    @Test
    void ffmPathWorksWithASoftwareEvent() throws Exception {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return; // perf_event_open is Linux-only; the fallback tests above cover other systems
        }
        try (PerfEventCycles c = PerfEventCycles.openEvent(PerfEventCycles.PERF_TYPE_SOFTWARE,
                PerfEventCycles.PERF_COUNT_SW_TASK_CLOCK, "PERF_COUNT_SW_TASK_CLOCK")) {
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long a = c.read();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long x = 1;
            while (threads.getCurrentThreadCpuTime() - cpu0 < 20_000_000) { // 20 ms on the CPU, however loaded
                for (int i = 0; i < 10_000; i++) {
                    x = x * 31 + 7;
                }
            }
            long b = c.read();
            long cpu = threads.getCurrentThreadCpuTime() - cpu0;
            assertTrue(b - a > cpu / 2 && b - a < cpu * 2, "task clock advanced " + (b - a) + " ns while the "
                    + "thread's CPU time advanced " + cpu + " ns (" + x + ")");
        }
    }

    @Test
    void perfEventSyscallNumbers() {
        assertEquals(298, PerfEventCycles.syscallNumber("amd64"));
        assertEquals(241, PerfEventCycles.syscallNumber("aarch64"));
        assertEquals(-1, PerfEventCycles.syscallNumber("riscv64"));
        assertFalse(PerfEventCycles.explain(2).isBlank());
    }
}
