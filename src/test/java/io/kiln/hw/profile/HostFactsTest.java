package io.kiln.hw.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostFactsTest {

    @Test
    void takesTheProfileFieldsFromHostInfo() {
        HostFacts h = TestHosts.emeraldRapidsGuest();
        assertEquals("x86_64", h.arch());
        assertEquals("GenuineIntel", h.vendor());
        assertEquals(6, h.family());
        assertEquals(207, h.model());
        assertEquals(2300.0, h.cpuMhz());
        assertEquals(2, h.physicalCores());
        assertEquals(2, h.usableCores());
        assertTrue(h.hasFlag("avx512f"));
        assertTrue(h.virtualized());
        assertEquals(16, h.floatLanes());
        assertEquals(49152L, h.l1dBytes());
        assertEquals(272629760L, h.l3Bytes());
    }

    @Test
    void usableCoresAreCappedAtPhysicalCores() {
        // 4 logical CPUs that are 2 cores with 2 SMT threads each
        String text = TestHosts.x86("GenuineIntel", 6, 60, "x", 3000, "fma avx2", 4)
                .replace("core id\t\t: 2", "core id\t\t: 0").replace("core id\t\t: 3", "core id\t\t: 1");
        HostFacts h = TestHosts.facts("amd64", text, 4, null, null, null, null, 256);
        assertEquals(4, h.logicalCores());
        assertEquals(2, h.physicalCores());
        assertEquals(2, h.usableCores());
    }

    @Test
    void armModelIsTheHexPart() {
        HostFacts h = TestHosts.neoverseN1();
        assertEquals("aarch64", h.arch());
        assertEquals("Arm", h.vendor());
        assertEquals(0xd0c, h.model());
        assertEquals(8, h.family());
        assertTrue(h.hasFlag("asimd"));
        assertNull(h.cpuMhz());
        assertEquals(0x44, HostFacts.parseInt("0x44"));
        assertNull(HostFacts.parseInt("lots"));
    }

    @Test
    void detectsThisHostWithoutThrowing() {
        HostFacts h = HostFacts.detect();
        assertTrue(h.logicalCores() >= 1);
        assertFalse(h.summary().isBlank());
    }

    @Test
    void parsesClinfoRawWithPlatformNames() {
        String raw = """
                  CL_PLATFORM_NAME                                Portable Computing Language
                  CL_PLATFORM_VENDOR                              The pocl project
                  CL_PLATFORM_ICD_SUFFIX_KHR                      POCL
                  CL_PLATFORM_NAME                                NVIDIA CUDA
                  CL_PLATFORM_VENDOR                              NVIDIA Corporation
                  CL_PLATFORM_ICD_SUFFIX_KHR                      NV
                [POCL/*]    CL_PLATFORM_NAME                                Portable Computing Language
                [POCL/0]    CL_DEVICE_NAME                                  pthread-skylake-avx512-Intel(R) Xeon(R) Processor
                [POCL/0]    CL_DEVICE_TYPE                                  CL_DEVICE_TYPE_CPU
                [POCL/0]    CL_DEVICE_MAX_COMPUTE_UNITS                     2
                [POCL/0]    CL_DEVICE_MAX_CLOCK_FREQUENCY                   2300
                [NV/0]      CL_DEVICE_NAME                                  NVIDIA H200
                [NV/0]      CL_DEVICE_TYPE                                  CL_DEVICE_TYPE_GPU
                [NV/0]      CL_DEVICE_MAX_COMPUTE_UNITS                     132
                """;
        List<OpenClDeviceFacts> d = OpenClDeviceFacts.parseClinfoRaw(raw);
        assertEquals(2, d.size());
        assertEquals("The pocl project", d.get(0).platformVendor());
        assertEquals("CPU", d.get(0).deviceType());
        assertEquals(2, d.get(0).computeUnits());
        assertEquals(2300, d.get(0).maxClockMhz());
        assertEquals("NVIDIA Corporation", d.get(1).platformVendor());
        assertEquals("NVIDIA H200", d.get(1).deviceName());
        assertEquals("GPU", d.get(1).deviceType());
        assertEquals(132, d.get(1).computeUnits());
    }
}
