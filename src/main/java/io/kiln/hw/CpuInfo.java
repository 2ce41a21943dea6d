package io.kiln.hw;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses the text of Linux's {@code /proc/cpuinfo} (x86 and Arm layouts) into a {@link HostInfo.Cpu}.
 *
 * <p>x86 lists one block per logical CPU with {@code vendor_id}, {@code cpu family}, {@code model},
 * {@code model name}, {@code stepping}, {@code cpu MHz}, {@code physical id}, {@code core id} and {@code flags}.
 * Arm (aarch64) lists {@code CPU implementer}, {@code CPU architecture}, {@code CPU variant}, {@code CPU part},
 * {@code CPU revision} and {@code Features}, usually without a model name; the vendor and core name are then looked
 * up from the implementer and part codes. Fields missing from the text come back {@code null}; nothing here
 * throws on odd input.
 */
public final class CpuInfo {
    private CpuInfo() {
    }

    /**
     * Parses {@code text}. {@code availableProcessors} is what the JVM may use ({@link Runtime#availableProcessors()});
     * it stands in for the logical core count when the text lists no processors.
     */
    public static HostInfo.Cpu parse(String text, int availableProcessors) {
        List<Map<String, String>> blocks = blocks(text);
        Map<String, String> first = new LinkedHashMap<>();
        int logical = 0;
        Set<String> cores = new HashSet<>();
        boolean allHaveCoreIds = true;
        for (Map<String, String> b : blocks) {
            if (b.containsKey("processor") && isInteger(b.get("processor"))) {
                logical++;
                if (first.isEmpty()) {
                    first.putAll(b);
                }
                String phys = b.get("physical id");
                String core = b.get("core id");
                if (phys != null && core != null) {
                    cores.add(phys + "/" + core);
                } else {
                    allHaveCoreIds = false;
                }
            }
        }
        // Arm kernels print global lines (Hardware, Serial, and on 32-bit a leading "Processor : ARMv7 ...") in blocks
        // of their own: fold every key not already known into the first processor's fields.
        for (Map<String, String> b : blocks) {
            b.forEach(first::putIfAbsent);
        }
        if (first.isEmpty()) {
            return null;
        }

        String implementer = first.get("CPU implementer");
        boolean arm = implementer != null || first.containsKey("CPU part");
        String vendor;
        String name;
        String family;
        String model;
        String stepping;
        if (arm) {
            vendor = armVendor(implementer);
            String part = first.get("CPU part");
            String partName = armPart(implementer, part);
            String modelName = first.containsKey("model name") ? first.get("model name") : first.get("Processor");
            if (partName != null) {
                name = vendor + " " + partName;
            } else if (modelName != null && !modelName.isBlank()) {
                name = modelName;
            } else {
                name = vendor + " part " + (part == null ? "unknown" : part);
            }
            family = first.get("CPU architecture");
            model = part;
            String variant = first.get("CPU variant");
            String revision = first.get("CPU revision");
            stepping = variant != null && revision != null && parseHex(variant) != null
                    ? "r" + parseHex(variant) + "p" + revision : revision;
        } else {
            vendor = first.get("vendor_id");
            name = first.get("model name");
            family = first.get("cpu family");
            model = first.get("model");
            stepping = first.get("stepping");
        }

        String flagText = first.containsKey("flags") ? first.get("flags") : first.get("Features");
        List<String> flags = new ArrayList<>();
        if (flagText != null) {
            for (String f : flagText.trim().split("\\s+")) {
                if (!f.isEmpty()) {
                    flags.add(f.toLowerCase(Locale.ROOT));
                }
            }
        }
        Double mhz = parseDouble(first.get("cpu MHz"));
        Integer physical = allHaveCoreIds && !cores.isEmpty() ? cores.size() : null;
        return new HostInfo.Cpu(
                blankToNull(vendor),
                blankToNull(name == null ? null : name.trim().replaceAll("\\s+", " ")),
                blankToNull(family), blankToNull(model), blankToNull(stepping),
                logical > 0 ? logical : availableProcessors,
                availableProcessors,
                physical,
                mhz,
                null,
                flags.contains("hypervisor"),
                List.copyOf(flags),
                "/proc/cpuinfo");
    }

    /** Blocks separated by blank lines, each a map of trimmed {@code key : value} lines. */
    static List<Map<String, String>> blocks(String text) {
        List<Map<String, String>> out = new ArrayList<>();
        Map<String, String> cur = new LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            if (line.isBlank()) {
                if (!cur.isEmpty()) {
                    out.add(cur);
                    cur = new LinkedHashMap<>();
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (!key.isEmpty()) {
                cur.putIfAbsent(key, value);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    /** The company behind an Arm {@code CPU implementer} code (as assigned in the Arm ARM's MIDR register). */
    static String armVendor(String implementer) {
        Integer code = parseHex(implementer);
        if (code == null) {
            return "Arm";
        }
        return switch (code) {
            case 0x41 -> "Arm";
            case 0x42 -> "Broadcom";
            case 0x43 -> "Cavium";
            case 0x46 -> "Fujitsu";
            case 0x48 -> "HiSilicon";
            case 0x4e -> "NVIDIA";
            case 0x50 -> "APM";
            case 0x51 -> "Qualcomm";
            case 0x61 -> "Apple";
            case 0x6d -> "Microsoft";
            case 0xc0 -> "Ampere";
            default -> String.format(Locale.ROOT, "implementer 0x%02x", code);
        };
    }

    /** The core name of common Arm-designed parts (implementer 0x41), else {@code null}. */
    static String armPart(String implementer, String part) {
        Integer impl = parseHex(implementer);
        Integer p = parseHex(part);
        if (impl == null || p == null) {
            return null;
        }
        if (impl == 0xc0 && p == 0xac3) {
            return "Ampere-1";
        }
        if (impl != 0x41) {
            return null;
        }
        return switch (p) {
            case 0xd03 -> "Cortex-A53";
            case 0xd04 -> "Cortex-A35";
            case 0xd05 -> "Cortex-A55";
            case 0xd07 -> "Cortex-A57";
            case 0xd08 -> "Cortex-A72";
            case 0xd09 -> "Cortex-A73";
            case 0xd0a -> "Cortex-A75";
            case 0xd0b -> "Cortex-A76";
            case 0xd0c -> "Neoverse-N1";
            case 0xd0d -> "Cortex-A77";
            case 0xd40 -> "Neoverse-V1";
            case 0xd41 -> "Cortex-A78";
            case 0xd44 -> "Cortex-X1";
            case 0xd46 -> "Cortex-A510";
            case 0xd47 -> "Cortex-A710";
            case 0xd48 -> "Cortex-X2";
            case 0xd49 -> "Neoverse-N2";
            case 0xd4f -> "Neoverse-V2";
            case 0xd80 -> "Cortex-A520";
            case 0xd81 -> "Cortex-A720";
            case 0xd82 -> "Cortex-X4";
            case 0xd84 -> "Neoverse-V3";
            case 0xd8e -> "Neoverse-N3";
            default -> null;
        };
    }

    static Integer parseHex(String s) {
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

    static Double parseDouble(String s) {
        if (s == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(s.trim());
            return Double.isFinite(d) && d > 0 ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean isInteger(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
