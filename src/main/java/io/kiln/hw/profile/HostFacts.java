package io.kiln.hw.profile;

import io.kiln.hw.HostInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What profile matching and calibration need to know about the machine: the CPU's identity and flags, core count,
 * caches, memory, the Vector API's preferred width, and the OpenCL devices: the fields of {@link HostInfo} (which
 * does the detection, for {@code kiln hw} too) that profiles match on, as numbers. Every field that could not be
 * found is {@code null} (or empty); detection never throws.
 *
 * @param arch          {@code x86_64} or {@code aarch64} (normalized {@code os.arch})
 * @param vendor        x86 {@code vendor_id} ({@code GenuineIntel}, {@code AuthenticAMD}); Arm: {@code Arm},
 *                      {@code Apple}, ... from {@code CPU implementer}
 * @param modelName     x86 {@code model name}; Arm: the core's name
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
        return from(HostInfo.detect());
    }

    /** The profile layer's view of what {@link HostInfo} detected. */
    public static HostFacts from(HostInfo info) {
        HostInfo.Cpu cpu = info.cpu();
        return new HostFacts(normalizeArch(info.os().arch() == null ? "" : info.os().arch()), cpu.vendor(),
                cpu.name(), parseInt(cpu.family()), parseInt(cpu.model()), Set.copyOf(cpu.flags()),
                cpu.availableProcessors(), cpu.physicalCores(), cpu.mhz(), cpu.maxMhz(), bytes(info, "L1d"),
                bytes(info, "L2"), bytes(info, "L3"), info.memory().totalBytes(),
                info.vectorApi().available() ? info.vectorApi().bitSize() : 0, List.of());
    }

    private static Long bytes(HostInfo info, String label) {
        var b = info.cacheBytes(label);
        return b.isPresent() ? b.getAsLong() : null;
    }

    static String normalizeArch(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "x86-64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> osArch.toLowerCase(Locale.ROOT);
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
