package io.kiln.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CpuInfo} on /proc/cpuinfo text of the kinds Linux writes on Intel, AMD and Arm machines. */
class CpuInfoTest {

    /** Two logical CPUs of an Emerald Rapids KVM guest (one core each, one socket). */
    static final String INTEL = """
            processor	: 0
            vendor_id	: GenuineIntel
            cpu family	: 6
            model		: 207
            model name	: Intel(R) Xeon(R) Processor
            stepping	: 2
            cpu MHz		: 2300.000
            cache size	: 266240 KB
            physical id	: 0
            siblings	: 2
            core id		: 0
            cpu cores	: 2
            flags		: fpu vme sse sse2 ss ht syscall nx lm pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 avx f16c \
            hypervisor avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_vnni amx_tile
            bogomips	: 4600.00

            processor	: 1
            vendor_id	: GenuineIntel
            cpu family	: 6
            model		: 207
            model name	: Intel(R) Xeon(R) Processor
            stepping	: 2
            cpu MHz		: 2300.000
            physical id	: 0
            siblings	: 2
            core id		: 1
            cpu cores	: 2
            flags		: fpu vme sse sse2 ss ht syscall nx lm pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 avx f16c \
            hypervisor avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_vnni amx_tile
            """;

    /** Bare-metal AMD EPYC (Zen 3): four logical CPUs on two SMT cores, AVX2 + FMA, no AVX-512. */
    static final String AMD = """
            processor	: 0
            vendor_id	: AuthenticAMD
            cpu family	: 25
            model		: 1
            model name	: AMD EPYC 7R13 Processor
            stepping	: 1
            cpu MHz		: 3591.204
            physical id	: 0
            core id		: 0
            flags		: fpu sse sse2 ssse3 fma cx16 sse4_1 sse4_2 avx f16c avx2 bmi2 sha_ni

            processor	: 1
            vendor_id	: AuthenticAMD
            cpu family	: 25
            model		: 1
            model name	: AMD EPYC 7R13 Processor
            stepping	: 1
            physical id	: 0
            core id		: 1
            flags		: fpu sse sse2 ssse3 fma cx16 sse4_1 sse4_2 avx f16c avx2 bmi2 sha_ni

            processor	: 2
            vendor_id	: AuthenticAMD
            cpu family	: 25
            model		: 1
            model name	: AMD EPYC 7R13 Processor
            stepping	: 1
            physical id	: 0
            core id		: 0
            flags		: fpu sse sse2 ssse3 fma cx16 sse4_1 sse4_2 avx f16c avx2 bmi2 sha_ni

            processor	: 3
            vendor_id	: AuthenticAMD
            cpu family	: 25
            model		: 1
            model name	: AMD EPYC 7R13 Processor
            stepping	: 1
            physical id	: 0
            core id		: 1
            flags		: fpu sse sse2 ssse3 fma cx16 sse4_1 sse4_2 avx f16c avx2 bmi2 sha_ni
            """;

    /** aarch64 Neoverse-N1 (AWS Graviton2 style): no model name, no MHz, no core ids. */
    static final String ARM64 = """
            processor	: 0
            BogoMIPS	: 243.75
            Features	: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop \
            asimddp ssbs
            CPU implementer	: 0x41
            CPU architecture: 8
            CPU variant	: 0x3
            CPU part	: 0xd0c
            CPU revision	: 1

            processor	: 1
            BogoMIPS	: 243.75
            Features	: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop \
            asimddp ssbs
            CPU implementer	: 0x41
            CPU architecture: 8
            CPU variant	: 0x3
            CPU part	: 0xd0c
            CPU revision	: 1
            """;

    /** 32-bit Arm (Raspberry Pi OS style): a model name, NEON flag, global Hardware lines in their own block. */
    static final String ARM32 = """
            processor	: 0
            model name	: ARMv7 Processor rev 3 (v7l)
            BogoMIPS	: 108.00
            Features	: half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae evtstrm crc32
            CPU implementer	: 0x41
            CPU architecture: 7
            CPU variant	: 0x0
            CPU part	: 0xd99
            CPU revision	: 3

            Hardware	: BCM2711
            Revision	: c03111
            Model		: Raspberry Pi 4 Model B Rev 1.1
            """;

    @Test
    void intel() {
        HostInfo.Cpu c = CpuInfo.parse(INTEL, 7);
        assertEquals("GenuineIntel", c.vendor());
        assertEquals("Intel(R) Xeon(R) Processor", c.name());
        assertEquals("6", c.family());
        assertEquals("207", c.model());
        assertEquals("2", c.stepping());
        assertEquals(2, c.logicalCores());
        assertEquals(7, c.availableProcessors());
        assertEquals(2, c.physicalCores());
        assertEquals(2300.0, c.mhz());
        assertTrue(c.virtualized());
        assertTrue(c.has("avx512f") && c.has("AVX2") && c.has("fma"));
        assertFalse(c.has("avx512_fp16"));
        assertEquals(List.of("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512dq", "avx512cd", "avx512bw",
                "avx512vl", "avx512_vnni", "amx_tile"), c.simdFlags());
        assertEquals("/proc/cpuinfo", c.source());
    }

    @Test
    void amdCountsSmtSiblingsAsOneCore() {
        HostInfo.Cpu c = CpuInfo.parse(AMD, 4);
        assertEquals("AuthenticAMD", c.vendor());
        assertEquals("AMD EPYC 7R13 Processor", c.name());
        assertEquals("25", c.family());
        assertEquals("1", c.model());
        assertEquals(4, c.logicalCores());
        assertEquals(2, c.physicalCores());
        assertEquals(3591.204, c.mhz());
        assertFalse(c.virtualized());
        assertTrue(c.has("avx2") && c.has("fma"));
        assertFalse(c.has("avx512f"));
        assertEquals(List.of("sse4_2", "avx", "avx2", "fma", "f16c"), c.simdFlags());
    }

    @Test
    void arm64NamesTheCoreFromImplementerAndPart() {
        HostInfo.Cpu c = CpuInfo.parse(ARM64, 2);
        assertEquals("Arm", c.vendor());
        assertEquals("Arm Neoverse-N1", c.name());
        assertEquals("8", c.family());
        assertEquals("0xd0c", c.model());
        assertEquals("r3p1", c.stepping());
        assertEquals(2, c.logicalCores());
        assertNull(c.physicalCores(), "aarch64 cpuinfo has no core ids");
        assertNull(c.mhz());
        assertFalse(c.virtualized());
        assertTrue(c.has("asimd"));
        assertEquals(List.of("asimd", "fphp", "asimdhp", "asimddp"), c.simdFlags());
    }

    @Test
    void arm32KeepsTheModelNameOfAnUnknownPart() {
        HostInfo.Cpu c = CpuInfo.parse(ARM32, 4);
        assertEquals("ARMv7 Processor rev 3 (v7l)", c.name());
        assertEquals("7", c.family());
        assertEquals(1, c.logicalCores());
        assertTrue(c.has("neon"));
        assertEquals(List.of("neon"), c.simdFlags());
    }

    @Test
    void armVendorsAndParts() {
        assertEquals("Ampere", CpuInfo.armVendor("0xc0"));
        assertEquals("Apple", CpuInfo.armVendor("0x61"));
        assertEquals("implementer 0x99", CpuInfo.armVendor("0x99"));
        assertEquals("Neoverse-V2", CpuInfo.armPart("0x41", "0xd4f"));
        assertNull(CpuInfo.armPart("0x51", "0xd4f"), "part codes are per implementer");
    }

    @Test
    void emptyOrGarbageTextGivesNull() {
        assertNull(CpuInfo.parse("", 2));
        assertNull(CpuInfo.parse("no colons here\n\n\n", 2));
    }

    @Test
    void oddNumbersDoNotThrow() {
        HostInfo.Cpu c = CpuInfo.parse("processor : 0\nvendor_id : X\ncpu MHz : fast\nflags :\n", 1);
        assertEquals("X", c.vendor());
        assertNull(c.mhz());
        assertEquals(List.of(), c.flags());
        assertNull(c.physicalCores());
    }
}
