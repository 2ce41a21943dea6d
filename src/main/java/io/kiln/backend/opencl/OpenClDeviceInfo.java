package io.kiln.backend.opencl;

import java.util.Locale;

/**
 * What {@link OpenClDevices#list()} reports about one OpenCL device: identity and the limits Kiln's kernels and
 * hardware profiles care about. {@code index} is the device's position in that list (the value
 * {@code -Dkiln.opencl.device} accepts).
 *
 * @param preferredFloatVector {@code CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT}
 * @param correctlyRoundedDivSqrt whether {@code -cl-fp32-correctly-rounded-divide-sqrt} is supported
 */
public record OpenClDeviceInfo(int index, int platformIndex, String platformName, String platformVersion,
                               String name, String vendor, String type, String deviceVersion, String driverVersion,
                               String openClCVersion, int computeUnits, int maxClockMHz, long globalMemBytes,
                               long maxAllocBytes, long localMemBytes, boolean dedicatedLocalMem,
                               long maxWorkGroupSize, int preferredFloatVector, int nativeFloatVector, boolean fp64,
                               boolean correctlyRoundedDivSqrt, long profilingResolutionNs) {

    public boolean isGpu() {
        return type.contains("GPU");
    }

    public boolean isCpu() {
        return type.contains("CPU");
    }

    /** True for PoCL (Portable Computing Language), whose CPU device has its own quirks (see the package docs). */
    public boolean isPocl() {
        return platformName.toLowerCase(Locale.ROOT).contains("portable computing language")
                || platformVersion.toLowerCase(Locale.ROOT).contains("pocl");
    }

    /** One line for {@code kiln hw}. */
    public String summary() {
        return String.format(Locale.ROOT,
                "#%d %s [%s] on %s (%s): %d compute units @ %d MHz, global %s, max alloc %s, local %s%s, "
                        + "max work-group %d, float vector %d/%d, fp64 %s, %s",
                index, name, type, platformName, platformVersion, computeUnits, maxClockMHz, bytes(globalMemBytes),
                bytes(maxAllocBytes), bytes(localMemBytes), dedicatedLocalMem ? "" : " (emulated)", maxWorkGroupSize,
                preferredFloatVector, nativeFloatVector, fp64 ? "yes" : "no", deviceVersion);
    }

    static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
        }
        if (b >= 1L << 10) {
            return String.format(Locale.ROOT, "%.0f KiB", b / (double) (1L << 10));
        }
        return b + " B";
    }
}
