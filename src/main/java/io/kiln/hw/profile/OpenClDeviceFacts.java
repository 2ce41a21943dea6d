package io.kiln.hw.profile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One OpenCL device as profile matching sees it.
 *
 * @param platformName   {@code CL_PLATFORM_NAME} ({@code Portable Computing Language}, {@code NVIDIA CUDA})
 * @param platformVendor {@code CL_PLATFORM_VENDOR} ({@code The pocl project}, {@code NVIDIA Corporation})
 * @param deviceName     {@code CL_DEVICE_NAME} ({@code NVIDIA H200}, {@code pthread-skylake-avx512-...})
 * @param deviceType     {@code CPU}, {@code GPU}, {@code ACCELERATOR} or {@code OTHER}
 * @param computeUnits   {@code CL_DEVICE_MAX_COMPUTE_UNITS} (SMs on NVIDIA, cores on PoCL), 0 when unknown
 * @param maxClockMhz    {@code CL_DEVICE_MAX_CLOCK_FREQUENCY}, 0 when unknown
 */
public record OpenClDeviceFacts(String platformName, String platformVendor, String deviceName, String deviceType,
                                int computeUnits, int maxClockMhz) {

    /**
     * Lists OpenCL devices through {@code clinfo --raw} when that tool is installed (at most 10 seconds); empty
     * otherwise. Kiln's OpenCL backend can supply the same facts from JOCL; this path needs no native binding.
     */
    public static List<OpenClDeviceFacts> detect() {
        try {
            Process p = new ProcessBuilder("clinfo", "--raw").redirectErrorStream(true).start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(4 << 20);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return List.of();
            }
            return parseClinfoRaw(new String(out, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /**
     * Parses the output of {@code clinfo --raw}: untagged platform blocks ({@code CL_PLATFORM_NAME},
     * {@code CL_PLATFORM_VENDOR}, ..., {@code CL_PLATFORM_ICD_SUFFIX_KHR}), then {@code [SUFFIX/index] KEY value}
     * lines per device.
     */
    public static List<OpenClDeviceFacts> parseClinfoRaw(String text) {
        Map<String, String[]> platformsBySuffix = new LinkedHashMap<>();
        Map<String, Map<String, String>> devices = new LinkedHashMap<>();
        String name = "", vendor = "";
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            String tag = null;
            if (line.startsWith("[")) {
                int close = line.indexOf(']');
                if (close < 0) {
                    continue;
                }
                tag = line.substring(1, close);
                line = line.substring(close + 1).strip();
            }
            String[] kv = line.split("\\s+", 2);
            if (kv.length < 2) {
                continue;
            }
            String key = kv[0], value = kv[1].strip();
            if (tag == null) {
                switch (key) {
                    case "CL_PLATFORM_NAME" -> name = value;
                    case "CL_PLATFORM_VENDOR" -> vendor = value;
                    case "CL_PLATFORM_ICD_SUFFIX_KHR" -> platformsBySuffix.put(value, new String[] {name, vendor});
                    default -> {
                    }
                }
                continue;
            }
            int slash = tag.indexOf('/');
            if (slash < 0 || tag.endsWith("/*")) {
                continue;
            }
            devices.computeIfAbsent(tag, k -> new LinkedHashMap<>()).put(key, value);
        }
        List<OpenClDeviceFacts> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : devices.entrySet()) {
            String suffix = e.getKey().substring(0, e.getKey().indexOf('/'));
            String[] platform = platformsBySuffix.getOrDefault(suffix, new String[] {suffix, ""});
            Map<String, String> d = e.getValue();
            if (!d.containsKey("CL_DEVICE_NAME")) {
                continue;
            }
            String type = d.getOrDefault("CL_DEVICE_TYPE", "");
            String shortType = type.contains("GPU") ? "GPU" : type.contains("CPU") ? "CPU"
                    : type.contains("ACCELERATOR") ? "ACCELERATOR" : "OTHER";
            out.add(new OpenClDeviceFacts(platform[0], platform[1], d.get("CL_DEVICE_NAME"), shortType,
                    intOf(d.get("CL_DEVICE_MAX_COMPUTE_UNITS")), intOf(d.get("CL_DEVICE_MAX_CLOCK_FREQUENCY"))));
        }
        return out;
    }

    private static int intOf(String s) {
        if (s == null) {
            return 0;
        }
        try {
            return Integer.parseInt(s.strip().split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** One line for reports. */
    public String summary() {
        return deviceName + " (" + deviceType + ", " + platformName + " / " + platformVendor + ", " + computeUnits
                + " compute units)";
    }
}
