package io.kiln.hw.profile;

import io.kiln.hw.CpuInfo;
import io.kiln.hw.HostInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Hosts for matching tests, built from {@code /proc/cpuinfo} text in the format Linux prints (first processor
 * block plus the core ids of the others) with the sysfs cache sizes and Vector API width such a machine reports.
 */
public final class TestHosts {
    private TestHosts() {
    }

    /**
     * Host facts as detection would give them: {@code cpuinfo} parsed by {@link CpuInfo}, the cpufreq maximum,
     * sysfs cache sizes (null: absent), the Vector API's preferred width (0: unavailable).
     */
    public static HostFacts facts(String osArch, String cpuinfo, int available, Double maxMhz, Long l1d, Long l2,
                                  Long l3, int vectorBits) {
        HostInfo.Cpu c = CpuInfo.parse(cpuinfo, available);
        c = new HostInfo.Cpu(c.vendor(), c.name(), c.family(), c.model(), c.stepping(), c.logicalCores(),
                c.availableProcessors(), c.physicalCores(), c.mhz(), maxMhz, c.virtualized(), c.flags(), c.source());
        List<HostInfo.Cache> caches = new ArrayList<>();
        if (l1d != null) {
            caches.add(new HostInfo.Cache(1, "Data", l1d, 64, null));
        }
        if (l2 != null) {
            caches.add(new HostInfo.Cache(2, "Unified", l2, 64, null));
        }
        if (l3 != null) {
            caches.add(new HostInfo.Cache(3, "Unified", l3, 64, null));
        }
        return HostFacts.from(new HostInfo(c, caches, new HostInfo.Memory(24L << 30, 6L << 30),
                new HostInfo.Os("Linux", "6.1", osArch), new HostInfo.Jvm("OpenJDK 64-Bit Server VM", "25", "test",
                "/jdk"), new HostInfo.VectorApi(vectorBits > 0, "test species", vectorBits / 32, vectorBits,
                vectorBits > 0 ? null : "absent")));
    }

    public static String x86(String vendor, int family, int model, String name, double mhz, String flags, int cores) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cores; i++) {
            sb.append("processor\t: ").append(i).append('\n')
                    .append("vendor_id\t: ").append(vendor).append('\n')
                    .append("cpu family\t: ").append(family).append('\n')
                    .append("model\t\t: ").append(model).append('\n')
                    .append("model name\t: ").append(name).append('\n')
                    .append("cpu MHz\t\t: ").append(mhz).append('\n')
                    .append("physical id\t: 0\n")
                    .append("core id\t\t: ").append(i).append('\n')
                    .append("flags\t\t: ").append(flags).append("\n\n");
        }
        return sb.toString();
    }

    static final String EMR_FLAGS = "fpu vme de pse tsc msr pae mce cx8 apic sep constant_tsc rep_good nopl "
            + "xtopology nonstop_tsc cpuid tsc_known_freq pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 avx f16c "
            + "hypervisor avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_vnni";

    /** This machine: Xeon, family 6 model 207, 2 vCPUs under KVM, 512-bit Vector API. */
    public static HostFacts emeraldRapidsGuest() {
        return facts("amd64", x86("GenuineIntel", 6, 207, "Intel(R) Xeon(R) Processor", 2300.0,
                EMR_FLAGS, 2), 2, null, 49152L, 2097152L, 272629760L, 512);
    }

    /** Ryzen 9 9950X: family 26 model 68 (0x44), 16 cores, 512-bit. */
    public static HostFacts graniteRidge(int cores) {
        return facts("amd64", x86("AuthenticAMD", 26, 0x44, "AMD Ryzen 9 9950X 16-Core Processor",
                4300.0, "fpu constant_tsc nonstop_tsc fma avx avx2 avx512f avx512bw avx512vl", cores), cores, 5700.0,
                49152L, 1048576L, 33554432L, 512);
    }

    /** Ryzen AI 9 HX 370: family 26 model 36 (0x24), Zen 5 with a 256-bit FP datapath. */
    public static HostFacts strixPoint() {
        return facts("amd64", x86("AuthenticAMD", 26, 0x24, "AMD Ryzen AI 9 HX 370", 2000.0,
                "fpu constant_tsc nonstop_tsc fma avx avx2 avx512f", 12), 12, 5100.0, 49152L, 1048576L,
                25165824L, 512);
    }

    /** Core i7-4770: Haswell, family 6 model 60, AVX2 + FMA, 256-bit. */
    public static HostFacts haswell() {
        return facts("amd64", x86("GenuineIntel", 6, 60, "Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz",
                3400.0, "fpu constant_tsc nonstop_tsc fma avx avx2", 4), 4, 3900.0, 32768L, 262144L,
                8388608L, 256);
    }

    /** An x86 core without AVX2 (e.g. a Westmere guest), 128-bit. */
    public static HostFacts noAvx2() {
        return facts("amd64", x86("GenuineIntel", 6, 44, "Intel(R) Xeon(R) CPU X5670", 2933.0,
                "fpu sse4_2 hypervisor", 4), 4, null, 32768L, 262144L, 12582912L, 128);
    }

    static final String N1 = """
            processor\t: 0
            BogoMIPS\t: 243.75
            Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs
            CPU implementer\t: 0x41
            CPU architecture: 8
            CPU variant\t: 0x3
            CPU part\t: 0xd0c
            CPU revision\t: 1

            processor\t: 1
            BogoMIPS\t: 243.75
            Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs
            CPU implementer\t: 0x41
            CPU architecture: 8
            CPU variant\t: 0x3
            CPU part\t: 0xd0c
            CPU revision\t: 1
            """;

    /** AWS Graviton2 (Neoverse N1), 2 vCPUs shown. */
    public static HostFacts neoverseN1() {
        return facts("aarch64", N1, 2, null, 65536L, 1048576L, 33554432L, 128);
    }

    /** Apple M1 under Linux: implementer 0x61. */
    public static HostFacts appleM1() {
        return facts("aarch64", N1.replace("0x41", "0x61").replace("0xd0c", "0x022"), 8, null,
                131072L, 12582912L, null, 128);
    }
}
