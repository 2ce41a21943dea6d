package io.kiln.hw.profile;

import io.kiln.hw.profile.HardwareProfile.Caches;
import io.kiln.hw.profile.HardwareProfile.CpuMatch;
import io.kiln.hw.profile.HardwareProfile.Derive;
import io.kiln.hw.profile.HardwareProfile.OpenClMatch;
import io.kiln.hw.profile.HardwareProfile.SimdGemm;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Picks the profile that best describes the host, and says why. Every CPU profile is scored against
 * {@link HostFacts}; a failed hard requirement (vendor, family, arch, a required flag, a required model) rejects
 * it; the rest add points for how closely the profile was written for this hardware:
 *
 * <pre>
 *   arch equal +5 · vendor equal +20 · family equal +20 · model listed +40 · each required flag +2
 *   vector width equal to the Vector API's preferred width +10, different -5 · same core count +5
 *   fallback profile: 1, and ranked after every other profile that matches
 * </pre>
 *
 * Each OpenCL device is scored against the {@code opencl} profiles (platform vendor +20, device name +40, device
 * type +5, compute units equal +10 / different -10). The winner is then <em>resolved</em>: fields it leaves to
 * detection or to the CPU profile are filled in, and a CPU profile's core count is capped at the cores this process
 * can use (the roof of a 2-vCPU guest is two cores, whatever the chip has).
 */
public final class ProfileMatcher {
    private final List<HardwareProfile> profiles;

    public ProfileMatcher(List<HardwareProfile> profiles) {
        this.profiles = List.copyOf(profiles);
    }

    /** A matcher over the shipped profiles. */
    public static ProfileMatcher shipped() {
        return new ProfileMatcher(HardwareProfiles.shipped());
    }

    public List<HardwareProfile> profiles() {
        return profiles;
    }

    /** One profile's score against the host (or a device), with the reasons. */
    public record Candidate(HardwareProfile profile, boolean matches, int score, List<String> reasons) {
        public String line() {
            return String.format(Locale.ROOT, "%-44s %s %4d  %s", profile.id(), matches ? "match " : "reject",
                    score, String.join("; ", reasons));
        }
    }

    /**
     * The chosen profile, resolved for this host.
     *
     * @param profile  the resolved profile (no derived fields left, core count capped)
     * @param original the profile as written
     * @param score    its score
     * @param reasons  why it matched, and what resolution changed
     * @param ranking  every candidate, best first (rejected ones last)
     * @param device   the OpenCL device it describes, or null for the CPU
     */
    public record ProfileMatch(HardwareProfile profile, HardwareProfile original, int score, List<String> reasons,
                               List<Candidate> ranking, OpenClDeviceFacts device) {
        /** Lines for {@code kiln hw}: the choice, its reasons, then the runners-up. */
        public List<String> describe() {
            List<String> out = new ArrayList<>();
            String what = device == null ? "CPU" : "OpenCL device " + device.deviceName();
            out.add(what + " profile: " + profile.id() + " (score " + score + ")");
            for (String r : reasons) {
                out.add("  - " + r);
            }
            out.add(String.format(Locale.ROOT, "  roofs: %.1f GFLOP/s FP32 (%d cores x %.3g GHz x %.0f FLOP/cycle), "
                            + "%s GB/s memory", profile.peakGflops(), profile.cores(), profile.clockGHz(),
                    profile.peakFp32FlopPerCyclePerCore(),
                    Double.isNaN(profile.bandwidthGBs()) ? "unknown" : String.format(Locale.ROOT, "%.1f",
                            profile.bandwidthGBs())));
            out.add("  candidates:");
            for (Candidate c : ranking) {
                out.add("    " + c.line());
            }
            return out;
        }
    }

    /**
     * What {@code kiln hw} prints about profiles: the CPU profile chosen for {@code host} with its score, reasons,
     * roofs and the other candidates, then the same for each OpenCL device of {@code host} that a profile matches.
     */
    public List<String> describeHost(io.kiln.hw.HostInfo info, boolean lookForOpenClDevices) {
        HostFacts host = HostFacts.from(info);
        if (lookForOpenClDevices) {
            host = host.withOpenClDevices(OpenClDeviceFacts.detect());
        }
        return describeHost(host);
    }

    /** {@link #describeHost(io.kiln.hw.HostInfo, boolean)} for facts already gathered. */
    public List<String> describeHost(HostFacts host) {
        List<String> out = new ArrayList<>();
        ProfileMatch cpu = matchCpu(host);
        out.addAll(cpu.describe());
        for (ProfileMatch m : matchOpenCl(host, cpu.profile())) {
            out.addAll(m.describe());
        }
        for (OpenClDeviceFacts d : host.openclDevices()) {
            if (rankOpenCl(d).stream().noneMatch(Candidate::matches)) {
                out.add("OpenCL device " + d.summary() + ": no profile matches");
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------- CPU

    /** Every CPU profile scored against the host, best first, rejected ones last. */
    public List<Candidate> rankCpu(HostFacts host) {
        List<Candidate> out = new ArrayList<>();
        for (HardwareProfile p : profiles) {
            if (HardwareProfile.DEVICE_CPU.equals(p.device())) {
                out.add(scoreCpu(p, host));
            }
        }
        out.sort(Comparator.comparing((Candidate c) -> !c.matches())
                .thenComparing(c -> Boolean.TRUE.equals(c.profile().match().fallback()))
                .thenComparing(c -> -c.score()).thenComparing(c -> c.profile().id()));
        return out;
    }

    /** The best CPU profile for the host, resolved. */
    public ProfileMatch matchCpu(HostFacts host) {
        List<Candidate> ranking = rankCpu(host);
        if (ranking.isEmpty() || !ranking.get(0).matches()) {
            throw new io.kiln.core.ProfileFormatException("no CPU profile matches " + host.summary()
                    + " and no fallback profile is installed (hw-profiles/generic-fallback.json)");
        }
        Candidate best = ranking.get(0);
        List<String> reasons = new ArrayList<>(best.reasons());
        HardwareProfile resolved = resolve(best.profile(), host, null, reasons);
        return new ProfileMatch(resolved, best.profile(), best.score(), reasons, ranking, null);
    }

    static Candidate scoreCpu(HardwareProfile p, HostFacts host) {
        List<String> reasons = new ArrayList<>();
        if (Boolean.TRUE.equals(p.match().fallback()) && p.match().cpu() == null) {
            reasons.add("fallback profile: matches any host (figures from detection)");
            return new Candidate(p, true, 1, reasons);
        }
        CpuMatch m = p.match().cpu();
        int score = 0;
        boolean ok = true;
        if (m.arch() != null) {
            if (m.arch().equals(host.arch())) {
                score += 5;
                reasons.add("arch " + host.arch() + " (+5)");
            } else {
                ok = false;
                reasons.add("arch is " + host.arch() + ", profile needs " + m.arch());
            }
        }
        if (m.vendor() != null) {
            if (m.vendor().equals(host.vendor())) {
                score += 20;
                reasons.add("vendor " + host.vendor() + " (+20)");
            } else {
                ok = false;
                reasons.add("vendor is " + host.vendor() + ", profile needs " + m.vendor());
            }
        }
        if (m.family() != null) {
            if (m.family().equals(host.family())) {
                score += 20;
                reasons.add("family " + host.family() + " (+20)");
            } else {
                ok = false;
                reasons.add("family is " + host.family() + ", profile needs " + m.family());
            }
        }
        if (m.models() != null && !m.models().isEmpty()) {
            boolean listed = host.model() != null && modelListed(m.models(), host.model());
            if (listed) {
                score += 40;
                reasons.add("model " + host.model() + " is listed (+40)");
            } else if (Boolean.TRUE.equals(m.modelsRequired())) {
                ok = false;
                reasons.add("model " + host.model() + " is not among " + m.models() + " (required)");
            } else {
                reasons.add("model " + host.model() + " is not among " + m.models() + " (+0)");
            }
        }
        if (m.requiredFlags() != null) {
            List<String> missing = new ArrayList<>();
            for (String f : m.requiredFlags()) {
                if (!host.hasFlag(f)) {
                    missing.add(f);
                }
            }
            if (missing.isEmpty()) {
                score += 2 * m.requiredFlags().size();
                reasons.add("flags " + String.join(", ", m.requiredFlags()) + " present (+"
                        + 2 * m.requiredFlags().size() + ")");
            } else {
                ok = false;
                reasons.add("missing flags " + String.join(", ", missing));
            }
        }
        if (p.vectorWidthBits() != null && host.vectorBits() > 0) {
            if (p.vectorWidthBits() == host.vectorBits()) {
                score += 10;
                reasons.add(host.vectorBits() + "-bit vectors as the Vector API prefers (+10)");
            } else {
                score -= 5;
                reasons.add("profile assumes " + p.vectorWidthBits() + "-bit vectors, the Vector API prefers "
                        + host.vectorBits() + " (-5)");
            }
        }
        if (p.cores() != null && p.cores() == host.usableCores()) {
            score += 5;
            reasons.add(p.cores() + " cores as on this host (+5)");
        }
        return new Candidate(p, ok, ok ? score : 0, reasons);
    }

    static boolean modelListed(List<String> specs, int model) {
        for (String s : specs) {
            int[] r = HardwareProfiles.modelRange(s);
            if (model >= r[0] && model <= r[1]) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------------- OpenCL

    /** Every OpenCL profile scored against one device, best first, rejected ones last. */
    public List<Candidate> rankOpenCl(OpenClDeviceFacts device) {
        List<Candidate> out = new ArrayList<>();
        for (HardwareProfile p : profiles) {
            if (HardwareProfile.DEVICE_OPENCL.equals(p.device())) {
                out.add(scoreOpenCl(p, device));
            }
        }
        out.sort(Comparator.comparing((Candidate c) -> !c.matches()).thenComparing(c -> -c.score())
                .thenComparing(c -> c.profile().id()));
        return out;
    }

    /**
     * The best profile for each of the host's OpenCL devices that some profile matches, resolved against
     * {@code cpuProfile} (the host's resolved CPU profile) where the profile derives from it.
     */
    public List<ProfileMatch> matchOpenCl(HostFacts host, HardwareProfile cpuProfile) {
        List<ProfileMatch> out = new ArrayList<>();
        for (OpenClDeviceFacts d : host.openclDevices()) {
            List<Candidate> ranking = rankOpenCl(d);
            if (ranking.isEmpty() || !ranking.get(0).matches()) {
                continue;
            }
            Candidate best = ranking.get(0);
            List<String> reasons = new ArrayList<>(best.reasons());
            HardwareProfile resolved = resolve(best.profile(), host, cpuProfile, reasons);
            out.add(new ProfileMatch(resolved, best.profile(), best.score(), reasons, ranking, d));
        }
        return out;
    }

    static Candidate scoreOpenCl(HardwareProfile p, OpenClDeviceFacts d) {
        OpenClMatch m = p.match().opencl();
        List<String> reasons = new ArrayList<>();
        int score = 0;
        boolean ok = true;
        if (m.platformVendorContains() != null && !m.platformVendorContains().isEmpty()) {
            String hit = containsAny(d.platformVendor(), m.platformVendorContains());
            if (hit != null) {
                score += 20;
                reasons.add("platform vendor '" + d.platformVendor() + "' contains '" + hit + "' (+20)");
            } else {
                ok = false;
                reasons.add("platform vendor '" + d.platformVendor() + "' contains none of "
                        + m.platformVendorContains());
            }
        }
        if (m.deviceNameContains() != null && !m.deviceNameContains().isEmpty()) {
            String hit = containsAny(d.deviceName(), m.deviceNameContains());
            if (hit != null) {
                score += 40;
                reasons.add("device name '" + d.deviceName() + "' contains '" + hit + "' (+40)");
            } else {
                ok = false;
                reasons.add("device name '" + d.deviceName() + "' contains none of " + m.deviceNameContains());
            }
        }
        if (m.deviceType() != null) {
            if (m.deviceType().equals(d.deviceType())) {
                score += 5;
                reasons.add("device type " + d.deviceType() + " (+5)");
            } else {
                ok = false;
                reasons.add("device type is " + d.deviceType() + ", profile needs " + m.deviceType());
            }
        }
        if (m.computeUnits() != null) {
            if (m.computeUnits() == d.computeUnits()) {
                score += 10;
                reasons.add(d.computeUnits() + " compute units as written (+10)");
            } else {
                score -= 10;
                reasons.add("device has " + d.computeUnits() + " compute units, profile written for "
                        + m.computeUnits() + " (-10)");
            }
        }
        return new Candidate(p, ok, ok ? score : 0, reasons);
    }

    private static String containsAny(String text, List<String> needles) {
        String t = text == null ? "" : text.toLowerCase(Locale.ROOT);
        for (String n : needles) {
            if (t.contains(n.toLowerCase(Locale.ROOT))) {
                return n;
            }
        }
        return null;
    }

    // --------------------------------------------------------------------------------------------- resolution

    /**
     * Fills in the fields {@code p} derives (from detection, or from {@code cpuProfile}), caps a CPU profile's
     * cores at what this process can use, and validates the result. Each change is added to {@code notes}.
     */
    public static HardwareProfile resolve(HardwareProfile p, HostFacts host, HardwareProfile cpuProfile,
                                          List<String> notes) {
        Integer cores = p.cores();
        Double clock = p.clockGHz();
        Integer width = p.vectorWidthBits();
        Integer fma = p.fmaUnitsPerCore();
        Double peak = p.peakFp32FlopPerCyclePerCore();
        Caches caches = p.caches();
        HardwareProfile.Bandwidth bw = p.memoryBandwidthGBs();
        SimdGemm blocking = p.simdGemm();
        Map<String, String> sources = new LinkedHashMap<>(p.sources());
        Derive d = p.derive();
        if (d != null) {
            Set<String> f = Set.copyOf(d.fields());
            if (Derive.FROM_DETECTION.equals(d.from())) {
                if (f.contains("cores")) {
                    cores = host.usableCores();
                    sources.put("cores", "detected: processors this JVM may use, capped at physical cores");
                }
                if (f.contains("clockGHz")) {
                    if (host.maxMhz() != null) {
                        clock = host.maxMhz() / 1000;
                        sources.put("clockGHz", "detected: cpufreq cpuinfo_max_freq");
                    } else if (host.cpuMhz() != null && host.cpuMhz() > 0) {
                        clock = host.cpuMhz() / 1000;
                        sources.put("clockGHz", "detected: /proc/cpuinfo cpu MHz (nominal or current clock)");
                    } else {
                        clock = 2.0;
                        sources.put("clockGHz", "assumed 2.0 GHz: the OS reports no clock; run kiln calibrate");
                    }
                }
                if (f.contains("vectorWidthBits")) {
                    width = host.vectorBits() > 0 ? host.vectorBits() : 128;
                    sources.put("vectorWidthBits", host.vectorBits() > 0
                            ? "detected: Vector API FloatVector.SPECIES_PREFERRED"
                            : "assumed 128 bits: the Vector API is not available");
                }
                if (f.contains("caches")) {
                    caches = new Caches(host.l1dBytes() != null ? host.l1dBytes() : 32 * 1024L,
                            host.l2Bytes() != null ? host.l2Bytes() : 1024 * 1024L,
                            host.l3Bytes() != null ? host.l3Bytes() : 0L);
                    sources.put("caches", "detected: /sys/devices/system/cpu/cpu0/cache (32 KiB / 1 MiB / none "
                            + "assumed where absent)");
                }
            } else if (cpuProfile != null) {
                if (f.contains("cores")) {
                    cores = cpuProfile.cores();
                }
                if (f.contains("clockGHz")) {
                    clock = cpuProfile.clockGHz();
                }
                if (f.contains("vectorWidthBits")) {
                    width = cpuProfile.vectorWidthBits();
                }
                if (f.contains("fmaUnitsPerCore")) {
                    fma = cpuProfile.fmaUnitsPerCore();
                }
                if (f.contains("peakFp32FlopPerCyclePerCore")) {
                    peak = cpuProfile.peakFp32FlopPerCyclePerCore();
                }
                if (f.contains("caches")) {
                    caches = cpuProfile.caches();
                }
                if (f.contains("memoryBandwidthGBs")) {
                    bw = cpuProfile.memoryBandwidthGBs();
                }
                for (String field : d.fields()) {
                    sources.put(field, "from the host's CPU profile " + cpuProfile.id());
                }
            } else {
                throw new io.kiln.core.ProfileFormatException(p.id() + ": field derive.from: needs the host's CPU "
                        + "profile, and none was given");
            }
            notes.add("filled in from " + d.from() + ": " + String.join(", ", d.fields()));
            if (f.contains("peakFp32FlopPerCyclePerCore") && Derive.FROM_DETECTION.equals(d.from())) {
                peak = width / 32.0 * fma * 2;
                sources.put("peakFp32FlopPerCyclePerCore", "computed: vectorWidthBits/32 x fmaUnitsPerCore x 2");
            }
        }
        if (HardwareProfile.DEVICE_CPU.equals(p.device())) {
            int usable = host.usableCores();
            if (cores != null && cores > usable) {
                notes.add("cores " + cores + " -> " + usable + ": this process can use " + usable
                        + " (the bandwidth figures remain the profile's)");
                cores = usable;
            }
            if (blocking == null && width != null) {
                int lanes = width / 32;
                blocking = new SimdGemm(6, 2 * lanes, 120, 256, 2 * lanes * 128);
                sources.put("simdGemm", "default blocking for " + lanes + " lanes (MR 6, NR two vectors), not tuned");
            }
        }
        HardwareProfile r = new HardwareProfile(p.schemaVersion(), p.id(), p.description(), p.device(), p.match(),
                null, cores, clock, width, fma, peak, caches, bw, p.vectorApiCompiled(), blocking, p.openclGemm(),
                p.dispatch(), sources, p.calibration());
        HardwareProfiles.validate(p.id() + " (resolved for this host)", r);
        return r;
    }
}
