package io.kiln.hw.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * A hardware profile: which hardware it describes, that hardware's roofs (peak FP32 rate, memory bandwidth), its
 * caches, the GEMM blocking and OpenCL tile sizes for it, and dispatch rules. Read from {@code hw-profiles/*.json}
 * by {@link HardwareProfiles}, which validates every field; the schema, with each field's meaning, unit and the
 * origin of its value, is {@code hw-profiles/README.md}.
 *
 * <p>Numbers are boxed because a profile may leave some to be filled in from the host ({@link Derive}); a profile
 * returned by {@link ProfileMatcher} is resolved, and its roof fields are set unless the README says they may be
 * absent ({@code memoryBandwidthGBs.oneThread}, and the bandwidth of the detection-only fallback).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"schemaVersion", "id", "description", "device", "match", "derive", "cores", "clockGHz",
        "vectorWidthBits", "fmaUnitsPerCore", "peakFp32FlopPerCyclePerCore", "caches", "memoryBandwidthGBs",
        "vectorApiCompiled", "simdGemm", "openclGemm", "dispatch", "sources", "calibration"})
public record HardwareProfile(Integer schemaVersion, String id, String description, String device, Match match,
                              Derive derive, Integer cores, Double clockGHz, Integer vectorWidthBits,
                              Integer fmaUnitsPerCore, Double peakFp32FlopPerCyclePerCore, Caches caches,
                              Bandwidth memoryBandwidthGBs, Boolean vectorApiCompiled, SimdGemm simdGemm,
                              OpenClGemm openclGemm, List<DispatchRule> dispatch, Map<String, String> sources,
                              CalibrationRecord calibration) {

    public static final int SCHEMA_VERSION = 1;
    public static final String DEVICE_CPU = "cpu";
    public static final String DEVICE_OPENCL = "opencl";

    /**
     * What hardware the profile describes; {@link ProfileMatcher} scores a host against it.
     *
     * @param cpu      CPU identity (for {@code device: cpu})
     * @param opencl   OpenCL device identity (for {@code device: opencl})
     * @param fallback matches any host, with the lowest score
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Match(CpuMatch cpu, OpenClMatch opencl, Boolean fallback) {
    }

    /**
     * @param arch           {@code x86_64} or {@code aarch64}; required when given
     * @param vendor         {@code vendor_id} (x86) or implementer name (Arm); required when given
     * @param family         x86 {@code cpu family}; required when given
     * @param models         models (decimal, {@code 0x} hex, or ranges {@code 0x40-0x4f}) this profile was written
     *                       for; a listed model scores higher
     * @param modelsRequired when true, an unlisted model does not match at all
     * @param requiredFlags  {@code /proc/cpuinfo} flags that must all be present
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CpuMatch(String arch, String vendor, Integer family, List<String> models, Boolean modelsRequired,
                           List<String> requiredFlags) {
    }

    /**
     * @param platformVendorContains one of these must occur in {@code CL_PLATFORM_VENDOR} (case-insensitive)
     * @param deviceNameContains     one of these must occur in {@code CL_DEVICE_NAME} (case-insensitive)
     * @param deviceType             {@code CPU} or {@code GPU}; required when given
     * @param computeUnits           the device's compute units (SMs); a different count still matches but scores
     *                               lower, with the reason
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OpenClMatch(List<String> platformVendorContains, List<String> deviceNameContains,
                              String deviceType, Integer computeUnits) {
    }

    /**
     * Fields the file leaves out on purpose, to be filled in when the profile is matched: from the host's
     * detection ({@code from: detection}) or from the best CPU profile of the host ({@code from: cpu-profile}, for
     * OpenCL CPU devices such as PoCL that run on the host's cores).
     */
    public record Derive(String from, List<String> fields) {
        public static final String FROM_DETECTION = "detection";
        public static final String FROM_CPU_PROFILE = "cpu-profile";
    }

    /** Cache capacities in bytes; for a GPU, L1 is per SM and L2 the device's; 0 means the level does not exist. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Caches(Long l1dBytes, Long l2Bytes, Long l3Bytes) {
    }

    /** Sustained memory bandwidth in GB/s (10^9 bytes/s), STREAM triad convention. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Bandwidth(Double oneThread, Double allThreads) {
    }

    /** BLIS-style blocking of the SIMD GEMM: MR×NR register tile, MC×KC packed A block, KC×NC packed B panel. */
    public record SimdGemm(Integer mr, Integer nr, Integer mc, Integer kc, Integer nc) {
    }

    /**
     * OpenCL GEMM tiling: each work-group computes a tileM×tileN block of C stepping tileK along k; each work-item
     * computes workPerThreadM×workPerThreadN outputs with vectors of vectorWidth floats.
     */
    public record OpenClGemm(Integer tileM, Integer tileN, Integer tileK, Integer workPerThreadM,
                             Integer workPerThreadN, Integer vectorWidth) {
        /** Work-items per work-group. */
        public int workGroupSize() {
            return (tileM / workPerThreadM) * (tileN / workPerThreadN);
        }
    }

    /**
     * Which backend runs ops of one kind from a work size on. Exactly one of {@code op} (an op name such as
     * {@code gemm} or {@code relu_backward}) and {@code category} (an {@link io.kiln.core.Op.Category} in lower
     * case, or {@code *} for every op).
     *
     * @param minSize the smallest work size (see {@link DispatchRules#workSize}) the rule applies to
     * @param reason  why, in a sentence (transfer cost, measured crossover, ...)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DispatchRule(String op, String category, Long minSize, String backend, String reason) {
        /** {@code op} or {@code category}, whichever is set. */
        public String key() {
            return op != null ? op : category;
        }

        @Override
        public String toString() {
            return (op != null ? "op " + op : "category " + category) + " size >= " + minSize + " -> " + backend
                    + (reason == null ? "" : " (" + reason + ")");
        }
    }

    /**
     * What {@code kiln calibrate} measured to write this profile (absent in profiles written from documents).
     * Lists are indexed by thread count − 1.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"date", "command", "host", "jvm", "clockGHzChain", "clockMhzCpuinfo", "clockSource",
            "fp32GflopsByThreads", "copyGBsByThreads", "triadGBsByThreads", "arrayBytes", "vectorSpeedup",
            "trials", "notes"})
    public record CalibrationRecord(String date, String command, String host, String jvm, Double clockGHzChain,
                                    Double clockMhzCpuinfo, String clockSource, List<Double> fp32GflopsByThreads,
                                    List<Double> copyGBsByThreads, List<Double> triadGBsByThreads, Long arrayBytes,
                                    Double vectorSpeedup, Integer trials, List<String> notes) {
    }

    // ---------------------------------------------------------------------------------------- derived figures

    /** FP32 lanes of one vector register (or warp, for a GPU). */
    public int lanes() {
        return vectorWidthBits / 32;
    }

    /** Peak FP32 GFLOP/s of one core at {@link #clockGHz}. */
    public double peakGflopsPerCore() {
        return peakFp32FlopPerCyclePerCore * clockGHz;
    }

    /** Peak FP32 GFLOP/s of all cores: the compute roof. */
    public double peakGflops() {
        return peakGflopsPerCore() * cores;
    }

    /** All-threads bandwidth (GB/s), the memory roof; NaN when the profile has none. */
    public double bandwidthGBs() {
        return memoryBandwidthGBs == null || memoryBandwidthGBs.allThreads() == null ? Double.NaN
                : memoryBandwidthGBs.allThreads();
    }

    /** Arithmetic intensity (FLOP/byte) where the roofs meet; NaN without a memory roof. */
    public double ridgeIntensity() {
        return peakGflops() / bandwidthGBs();
    }

    /** The source text for a field: its own entry, else {@code default}. */
    public String sourceOf(String field) {
        if (sources == null) {
            return null;
        }
        String s = sources.get(field);
        return s != null ? s : sources.get("default");
    }

    /** Whether the SIMD backend may be chosen (false when calibration found the Vector API not vectorized). */
    public boolean simdUsable() {
        return vectorApiCompiled == null || vectorApiCompiled;
    }

    public HardwareProfile withId(String newId, String newDescription) {
        return new HardwareProfile(schemaVersion, newId, newDescription, device, match, derive, cores, clockGHz,
                vectorWidthBits, fmaUnitsPerCore, peakFp32FlopPerCyclePerCore, caches, memoryBandwidthGBs,
                vectorApiCompiled, simdGemm, openclGemm, dispatch, sources, calibration);
    }
}
