package io.kiln.hw.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What profile matching and calibration need to know about the machine: the CPU's identity and flags, core count,
 * caches, memory, the Vector API's preferred width, and the OpenCL devices. Built by {@link #detect()} from
 * {@code /proc/cpuinfo}, {@code /proc/meminfo} and {@code /sys/devices/system/cpu}, or by {@link #parse} from given
 * file contents (tests). Every field that could not be found is {@code null} (or empty); detection never throws.
 *
 * <p>This is the profile layer's own small view of the host, so it does not depend on how {@code io.kiln.hw}
 * presents the machine to users; an adapter from that record belongs next to it once both are on main.
 *
 * @param arch          {@code x86_64} or {@code aarch64} (normalized {@code os.arch})
 * @param vendor        x86 {@code vendor_id} ({@code GenuineIntel}, {@code AuthenticAMD}); Arm: {@code ARM},
 *                      {@code Apple}, ... from {@code CPU implementer}
 * @param modelName     x86 {@code model name}; Arm: {@code CPU part} in hex
 * @param family        x86 {@code cpu family}; Arm {@code CPU architecture}
 * @param model         x86 {@code model}; Arm {@code CPU part}
 * @param flags         x86 {@code flags}, Arm {@code Features}, lower case
 * @param logicalCores  logical CPUs the JVM may use ({@link Runtime#availableProcessors()})
 * @param physicalCores distinct (physical id, core id) pairs of {@code /proc/cpuinfo}; {@code null} when it does
 *                      not say (Arm)
 * @param cpuMhz        {@code cpu MHz} of the first processor (nominal or current clock; a VM reports its TSC
 *                      rate there)
 * @param maxMhz        {@code cpufreq/cpuinfo_max_freq} when a frequency driver exists, else {@code null}
 * @param l1dBytes      cpu0's level-1 data cache
 * @param l2Bytes       cpu0's level-2 cache
 * @param l3Bytes       cpu0's level-3 cache (shared)
 * @param memoryBytes   {@code MemTotal}
 * @param vectorBits    bit size of the Vector API's {@code FloatVector.SPECIES_PREFERRED}, 0 when unavailable
 * @param openclDevices OpenCL devices, empty when none were looked for or found
 */
public record HostFacts(String arch, String vendor, String modelName, Integer family, Integer model,
                        Set<String> flags, int logicalCores, Integer physicalCores, Double cpuMhz, Double maxMhz, Long l1dBytes,
                        Long l2Bytes, Long l3Bytes, Long memoryBytes, int vectorBits,
                        List<OpenClDeviceFacts> openclDevices) {

    public HostFacts {
        flags = Set.copyOf(flags);
        openclDevices = List.copyOf(openclDevices);
    }

    /**
     * Cores whose FMA units this process can use: the JVM's processors, but no more than the physical cores when
     * the OS says (two SMT threads of one core share its FMA units).
     */
    public int usableCores() {
        return physicalCores == null ? logicalCores : Math.max(1, Math.min(logicalCores, physicalCores));
    }

    /** Float lanes of the preferred vector (0 when the Vector API is unavailable). */
    public int floatLanes() {
        return vectorBits / 32;
    }

    public boolean hasFlag(String flag) {
        return flags.contains(flag.toLowerCase(Locale.ROOT));
    }

    /** True under a hypervisor (the x86 {@code hypervisor} flag). */
    public boolean virtualized() {
        return flags.contains("hypervisor");
    }

    /** A copy with these OpenCL devices. */
    public HostFacts withOpenClDevices(List<OpenClDeviceFacts> devices) {
        return new HostFacts(arch, vendor, modelName, family, model, flags, logicalCores, physicalCores, cpuMhz,
                maxMhz, l1dBytes, l2Bytes, l3Bytes, memoryBytes, vectorBits, devices);
    }

    /** One line: vendor, model, family/model, cores, vector width. */
    public String summary() {
        return (modelName == null ? "unknown CPU" : modelName) + " (" + vendor + ", family " + family + " model "
                + model + ", " + arch + "), " + logicalCores + " logical cores, "
                + (vectorBits > 0 ? vectorBits + "-bit preferred vectors" : "no Vector API")
                + (virtualized() ? ", virtualized" : "");
    }

    /** Detects this machine (without OpenCL devices; see {@link OpenClDeviceFacts#detect()}). */
    public static HostFacts detect() {
        Path root = Path.of("/");
        String cpuinfo = read(root.resolve("proc/cpuinfo"));
        String meminfo = read(root.resolve("proc/meminfo"));
        Path cpu0 = root.resolve("sys/devices/system/cpu/cpu0");
        Long l1 = null, l2 = null, l3 = null;
        for (int i = 0; i < 8; i++) {
            Path idx = cpu0.resolve("cache/index" + i);
            String level = read(idx.resolve("level"));
            String type = read(idx.resolve("type"));
            Long size = parseSize(read(idx.resolve("size")));
            if (level == null || type == null || size == null) {
                continue;
            }
            switch (level.trim()) {
                case "1" -> {
                    if (!type.trim().equals("Instruction")) {
                        l1 = size;
                    }
                }
                case "2" -> l2 = size;
                case "3" -> l3 = size;
                default -> {
                }
            }
        }
        String maxKhz = read(cpu0.resolve("cpufreq/cpuinfo_max_freq"));
        Double maxMhz = null;
        if (maxKhz != null) {
            try {
                maxMhz = Long.parseLong(maxKhz.trim()) / 1000.0;
            } catch (NumberFormatException ignored) {
                // no usable figure
            }
        }
        return parse(System.getProperty("os.arch", ""), cpuinfo == null ? "" : cpuinfo,
                meminfo == null ? "" : meminfo, Runtime.getRuntime().availableProcessors(), maxMhz, l1, l2, l3,
                preferredVectorBits());
    }

    /**
     * Builds facts from the text of {@code /proc/cpuinfo} and {@code /proc/meminfo} and the other figures given
     * (tests pass recorded files from other machines).
     */
    public static HostFacts parse(String osArch, String cpuinfo, String meminfo, int logicalCores, Double maxMhz,
                                  Long l1dBytes, Long l2Bytes, Long l3Bytes, int vectorBits) {
        String arch = normalizeArch(osArch);
        String vendor = null, modelName = null;
        Integer family = null, model = null;
        Double mhz = null;
        Set<String> flags = new LinkedHashSet<>();
        String implementer = null, part = null, armArch = null;
        Set<String> coreIds = new LinkedHashSet<>();
        String physicalId = "0";
        boolean firstBlock = true;
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                if (line.isBlank() && (vendor != null || implementer != null)) {
                    firstBlock = false;
                }
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("physical id")) {
                physicalId = value;
            } else if (key.equals("core id")) {
                coreIds.add(physicalId + "/" + value);
            }
            if (!firstBlock) {
                continue;
            }
            switch (key) {
                case "vendor_id" -> vendor = value;
                case "model name" -> modelName = value;
                case "cpu family" -> family = parseInt(value);
                case "model" -> model = parseInt(value);
                case "cpu MHz" -> mhz = parseDouble(value);
                case "flags", "Features" -> {
                    for (String f : value.split("\\s+")) {
                        if (!f.isEmpty()) {
                            flags.add(f.toLowerCase(Locale.ROOT));
                        }
                    }
                }
                case "CPU implementer" -> implementer = value;
                case "CPU part" -> part = value;
                case "CPU architecture" -> armArch = value;
                default -> {
                }
            }
        }
        if (vendor == null && implementer != null) {
            vendor = armImplementer(implementer);
            family = parseInt(armArch);
            model = parseInt(part);
            if (modelName == null) {
                modelName = "Arm core part " + part;
            }
        }
        Long memory = null;
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring(9).trim().split("\\s+");
                try {
                    memory = Long.parseLong(parts[0]) * 1024;
                } catch (NumberFormatException ignored) {
                    // leave unknown
                }
            }
        }
        return new HostFacts(arch, vendor, modelName, family, model, flags, logicalCores,
                coreIds.isEmpty() ? null : coreIds.size(), mhz, maxMhz, l1dBytes, l2Bytes, l3Bytes, memory, vectorBits,
                List.of());
    }

    static String normalizeArch(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "x86-64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> osArch.toLowerCase(Locale.ROOT);
        };
    }

    private static String armImplementer(String code) {
        Integer c = parseInt(code);
        if (c == null) {
            return code;
        }
        return switch (c) {
            case 0x41 -> "ARM";
            case 0x42 -> "Broadcom";
            case 0x43 -> "Cavium";
            case 0x46 -> "Fujitsu";
            case 0x48 -> "HiSilicon";
            case 0x4e -> "NVIDIA";
            case 0x51 -> "Qualcomm";
            case 0x61 -> "Apple";
            case 0xc0 -> "Ampere";
            default -> String.format(Locale.ROOT, "arm-implementer-0x%02x", c);
        };
    }

    /** Decimal or {@code 0x} hex; {@code null} when not a number. */
    static Integer parseInt(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim().toLowerCase(Locale.ROOT);
        try {
            return t.startsWith("0x") ? Integer.parseInt(t.substring(2), 16) : Integer.parseInt(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double parseDouble(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** sysfs cache sizes: {@code 48K}, {@code 2048K}, {@code 32M}. */
    static Long parseSize(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("K")) {
            mult = 1024;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("M")) {
            mult = 1024 * 1024;
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Long.parseLong(t) * mult;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException | SecurityException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    /** The Vector API's preferred float width in bits, 0 when the incubator module is not loaded. */
    static int preferredVectorBits() {
        try {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        } catch (LinkageError e) {
            return 0;
        }
    }

    /** Readable list of the flags a profile cares about that this host has. */
    public List<String> simdFlags() {
        List<String> out = new ArrayList<>();
        for (String f : List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_bf16",
                "avx512_fp16", "amx_tile", "asimd", "sve", "sve2")) {
            if (flags.contains(f)) {
                out.add(f);
            }
        }
        return out;
    }
}
