package io.kiln.hw;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What this JVM can see of the machine it runs on: CPU, SIMD flags, caches, memory, OS, JVM and the Vector API's
 * preferred species. Built by {@link #detect()} from {@code /proc/cpuinfo}, {@code /proc/meminfo} and
 * {@code /sys/devices/system/cpu}; where those are absent (macOS, Windows, a locked-down container) the fields fall
 * back to {@code os.arch} and {@link Runtime} values, or are {@code null}, and {@link Cpu#source()} says which.
 * Detection never throws. Hardware profiles match against this record.
 *
 * @param cpu       the processor (first logical CPU's description, counts over all of them)
 * @param caches    cpu0's caches from sysfs, by level then type; empty when sysfs is absent
 * @param memory    physical memory and the JVM's heap limit
 * @param os        operating system name, version and architecture as the JVM reports them
 * @param jvm       the running JVM
 * @param vectorApi the Vector API's preferred float species, or why it is unavailable
 */
public record HostInfo(Cpu cpu, List<Cache> caches, Memory memory, Os os, Jvm jvm, VectorApi vectorApi) {

    /** SIMD and matrix flags worth showing, in the order shown (x86 first, then Arm). */
    public static final List<String> SIMD_FLAGS = List.of(
            "sse4_2", "avx", "avx2", "fma", "f16c", "avx_vnni",
            "avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl", "avx512ifma", "avx512vbmi", "avx512_vnni",
            "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "amx_int8",
            "neon", "asimd", "fphp", "asimdhp", "asimddp", "asimdfhm", "sve", "sve2", "bf16", "i8mm", "sme");

    public HostInfo {
        caches = List.copyOf(caches);
    }

    /**
     * @param vendor              {@code GenuineIntel}, {@code AuthenticAMD}, or for Arm the implementer's name
     * @param name                model name ({@code Intel(R) Xeon(R) ...}); for Arm the core name when known
     * @param family              x86 {@code cpu family}; Arm {@code CPU architecture}
     * @param model               x86 {@code model} (decimal); Arm {@code CPU part} (hex)
     * @param stepping            x86 {@code stepping}; Arm {@code r<variant>p<revision>}
     * @param logicalCores        logical CPUs listed by the OS
     * @param availableProcessors what the JVM may use ({@link Runtime#availableProcessors()}: cgroups, affinity)
     * @param physicalCores       distinct (physical id, core id) pairs; {@code null} when the OS does not say
     * @param mhz                 clock reported by {@code /proc/cpuinfo} (current, may be a nominal figure in a VM)
     * @param maxMhz              {@code cpufreq/cpuinfo_max_freq}; {@code null} when absent (usual in VMs)
     * @param virtualized         the {@code hypervisor} flag is set
     * @param flags               every flag the OS lists, lower case, in its order
     * @param source              where this came from: {@code /proc/cpuinfo} or the fallback used
     */
    public record Cpu(String vendor, String name, String family, String model, String stepping,
                      int logicalCores, int availableProcessors, Integer physicalCores, Double mhz, Double maxMhz,
                      boolean virtualized, List<String> flags, String source) {
        public Cpu {
            flags = List.copyOf(flags);
        }

        /** True when the OS lists this flag ({@code avx2}, {@code avx512f}, {@code asimd}, ...). */
        public boolean has(String flag) {
            return flags.contains(flag.toLowerCase(Locale.ROOT));
        }

        /** The flags of {@link #SIMD_FLAGS} this CPU has, in that order. */
        public List<String> simdFlags() {
            return SIMD_FLAGS.stream().filter(flags::contains).toList();
        }

        Cpu withMaxMhz(Double max) {
            return new Cpu(vendor, name, family, model, stepping, logicalCores, availableProcessors, physicalCores,
                    mhz, max, virtualized, flags, source);
        }
    }

    /**
     * One cache level as sysfs describes it.
     *
     * @param level      1, 2, 3, ...
     * @param type       {@code Data}, {@code Instruction} or {@code Unified}
     * @param sizeBytes  capacity in bytes
     * @param lineBytes  coherency line size; {@code null} when absent
     * @param sharedWith the logical CPUs sharing it ({@code shared_cpu_list}, e.g. {@code 0-1}); {@code null} when
     *                   absent
     */
    public record Cache(int level, String type, long sizeBytes, Integer lineBytes, String sharedWith) {
        /** {@code L1d}, {@code L1i}, {@code L2}, {@code L3}. */
        public String label() {
            return "L" + level + switch (type) {
                case "Data" -> "d";
                case "Instruction" -> "i";
                default -> "";
            };
        }
    }

    /**
     * @param totalBytes      physical memory ({@code MemTotal}, else the OS MXBean); {@code null} when unknown
     * @param jvmMaxHeapBytes {@link Runtime#maxMemory()}
     */
    public record Memory(Long totalBytes, long jvmMaxHeapBytes) {
    }

    public record Os(String name, String version, String arch) {
    }

    /**
     * @param vmName  {@code java.vm.name}
     * @param version {@code java.runtime.version}
     * @param vendor  {@code java.vendor}
     * @param home    {@code java.home}
     */
    public record Jvm(String vmName, String version, String vendor, String home) {
    }

    /**
     * The Vector API's {@code FloatVector.SPECIES_PREFERRED}.
     *
     * @param available         {@code jdk.incubator.vector} is in the module graph
     * @param species           the species' own description, e.g. {@code Species[float, 16, S_512_BIT]}
     * @param floatLanes        floats per vector (0 when unavailable)
     * @param bitSize           vector width in bits (0 when unavailable)
     * @param unavailableReason why not, with the flag to add; {@code null} when available
     */
    public record VectorApi(boolean available, String species, int floatLanes, int bitSize,
                            String unavailableReason) {
    }

    /** The cache of this label ({@code L1d}, {@code L1i}, {@code L2}, {@code L3}), if sysfs listed it. */
    public Optional<Cache> cache(String label) {
        return caches.stream().filter(c -> c.label().equalsIgnoreCase(label)).findFirst();
    }

    /** Size in bytes of the cache of this label, if known. */
    public OptionalLong cacheBytes(String label) {
        return cache(label).map(c -> OptionalLong.of(c.sizeBytes())).orElse(OptionalLong.empty());
    }

    /** Detects the machine this JVM runs on. */
    public static HostInfo detect() {
        return detect(Path.of("/"));
    }

    /**
     * Detects from a file-system root holding {@code proc/} and {@code sys/} (tests pass a fake tree). Files that are
     * absent or unreadable leave their fields to the fallbacks; this never throws.
     */
    public static HostInfo detect(Path root) {
        int available = Runtime.getRuntime().availableProcessors();
        Cpu cpu = read(root.resolve("proc/cpuinfo")).map(t -> CpuInfo.parse(t, available)).orElse(null);
        if (cpu == null) {
            cpu = new Cpu(null, null, null, null, null, available, available, null, null, null, false, List.of(),
                    "Runtime.availableProcessors() and os.arch (no readable /proc/cpuinfo)");
        }
        Path cpu0 = root.resolve("sys/devices/system/cpu/cpu0");
        Double maxMhz = read(cpu0.resolve("cpufreq/cpuinfo_max_freq")).map(String::trim).map(CpuInfo::parseDouble)
                .map(khz -> khz / 1000.0).orElse(null);
        cpu = cpu.withMaxMhz(maxMhz);
        List<Cache> caches = readCaches(cpu0.resolve("cache"));
        Long total = read(root.resolve("proc/meminfo")).map(HostInfo::parseMemTotal).orElseGet(HostInfo::mxBeanMemory);
        Memory memory = new Memory(total, Runtime.getRuntime().maxMemory());
        Os os = new Os(System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"));
        Jvm jvm = new Jvm(System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                System.getProperty("java.vendor"), System.getProperty("java.home"));
        return new HostInfo(cpu, caches, memory, os, jvm, VectorApiProbe.probe());
    }

    /** {@code MemTotal} of {@code /proc/meminfo} text, in bytes; {@code null} when absent. */
    public static Long parseMemTotal(String meminfo) {
        for (String line : meminfo.split("\\R")) {
            if (line.startsWith("MemTotal:")) {
                Long size = parseSize(line.substring("MemTotal:".length()));
                if (size != null) {
                    return size;
                }
            }
        }
        return null;
    }

    /**
     * A size as sysfs and procfs write it: {@code 48K}, {@code 2048K}, {@code 1M}, {@code 24684096 kB},
     * {@code 32768} (bytes). Binary multiples. {@code null} when unparseable.
     */
    public static Long parseSize(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim().toUpperCase(Locale.ROOT).replace(" ", "");
        if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        long mult = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> mult = 1L << 10;
                case 'M' -> mult = 1L << 20;
                case 'G' -> mult = 1L << 30;
                default -> mult = 1;
            }
            if (mult != 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            long v = Long.parseLong(t);
            return v >= 0 ? v * mult : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static List<Cache> readCaches(Path cacheDir) {
        List<Cache> out = new ArrayList<>();
        if (!Files.isDirectory(cacheDir)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(cacheDir, "index*")) {
            for (Path d : dirs) {
                Integer level = read(d.resolve("level")).map(String::trim).map(CpuInfo::parseHex).orElse(null);
                String type = read(d.resolve("type")).map(String::trim).orElse(null);
                Long size = read(d.resolve("size")).map(HostInfo::parseSize).orElse(null);
                if (level == null || type == null || size == null) {
                    continue;
                }
                Integer line = read(d.resolve("coherency_line_size")).map(String::trim).map(CpuInfo::parseHex)
                        .orElse(null);
                String shared = read(d.resolve("shared_cpu_list")).map(String::trim).filter(s -> !s.isEmpty())
                        .orElse(null);
                out.add(new Cache(level, type, size, line, shared));
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable sysfs leaves what was read so far.
        }
        out.sort(Comparator.comparingInt(Cache::level).thenComparing(Cache::type));
        return out;
    }

    private static Optional<String> read(Path p) {
        try {
            return Files.isReadable(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Long mxBeanMemory() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                long total = os.getTotalMemorySize();
                return total > 0 ? total : null;
            }
        } catch (RuntimeException | LinkageError e) {
            // jdk.management absent: memory stays unknown.
        }
        return null;
    }
}
