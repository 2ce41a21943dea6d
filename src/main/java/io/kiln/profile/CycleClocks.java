package io.kiln.profile;

import io.kiln.hw.profile.HardwareProfile;
import io.kiln.hw.profile.HostFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chooses how cycles are measured. {@code auto} takes, in order: the PMU ({@link PerfEventCycles}); else wall time
 * × the profile's clock when {@code kiln calibrate} measured it ({@code estimated}: core cycles, the unit of the
 * profile's FLOP/cycle peak); else wall time × the TSC rate ({@code tsc}: reference cycles at the nominal clock); else
 * wall time × the profile's documented clock ({@code estimated}). A measured core clock is preferred to the TSC
 * because the TSC ticks at the nominal rate while the core turbos: on this Xeon guest the TSC runs at 2.3 GHz and
 * the cores at about 3 GHz, so TSC "cycles" would overstate FLOP/cycle by a third. Asking for one source by name
 * fails with the reason when it is not available.
 */
public final class CycleClocks {
    private CycleClocks() {
    }

    /** Opens a PMU counter for the calling thread or says why not (tests substitute a failing one). */
    @FunctionalInterface
    public interface PmuOpener {
        CycleClock open() throws PerfEventCycles.Unavailable;
    }

    /** The clock chosen and why the better ones were passed over. */
    public record Choice(CycleClock clock, List<String> passedOver) {
        /** One line for reports: source, how, and what was passed over. */
        public String describe() {
            return clock.source().label() + ": " + clock.detail()
                    + (passedOver.isEmpty() ? "" : "; passed over: " + String.join("; ", passedOver));
        }
    }

    /** Opens the clock for {@code preference} ({@code auto}, {@code pmu}, {@code tsc}, {@code estimated}). */
    public static Choice open(String preference, HardwareProfile profile, HostFacts host) {
        return open(preference, profile, host, PerfEventCycles::open);
    }

    public static Choice open(String preference, HardwareProfile profile, HostFacts host, PmuOpener pmu) {
        String pref = preference == null ? "auto" : preference.toLowerCase(Locale.ROOT);
        List<String> passed = new ArrayList<>();
        if (pref.equals("auto") || pref.equals("pmu")) {
            try {
                return new Choice(pmu.open(), passed);
            } catch (PerfEventCycles.Unavailable e) {
                if (pref.equals("pmu")) {
                    throw new io.kiln.core.BackendUnavailableException("cycles: the PMU is not available: "
                            + e.getMessage());
                }
                passed.add("pmu (" + e.getMessage() + ")");
            }
        }
        boolean calibrated = profile.calibration() != null && profile.calibration().clockGHzChain() != null;
        if (pref.equals("auto") && calibrated) {
            String[] why = new String[1];
            OptionalDouble tsc = tscGHz(host, why);
            passed.add(tsc.isPresent() ? String.format(Locale.ROOT, "tsc (%.3f GHz, %s: reference cycles at the "
                    + "nominal rate, while the profile's FLOP/cycle peak is in core cycles)", tsc.getAsDouble(),
                    why[0]) : "tsc (" + why[0] + ")");
            return new Choice(calibratedClock(profile), passed);
        }
        if (pref.equals("auto") || pref.equals("tsc")) {
            String[] why = new String[1];
            OptionalDouble tsc = tscGHz(host, why);
            if (tsc.isPresent()) {
                return new Choice(new CycleClock.TimeBased(CycleSource.TSC, tsc.getAsDouble(), String.format(
                        Locale.ROOT, "System.nanoTime() x %.3f GHz TSC rate (%s): reference cycles, not core "
                                + "cycles", tsc.getAsDouble(), why[0])), passed);
            }
            if (pref.equals("tsc")) {
                throw new io.kiln.core.BackendUnavailableException("cycles: the TSC rate is unknown: " + why[0]);
            }
            passed.add("tsc (" + why[0] + ")");
        }
        if (pref.equals("auto") || pref.equals("estimated")) {
            if (calibrated) {
                return new Choice(calibratedClock(profile), passed);
            }
            return new Choice(new CycleClock.TimeBased(CycleSource.ESTIMATED, profile.clockGHz(), String.format(
                    Locale.ROOT, "System.nanoTime() x %.3f GHz, the clock of profile %s (%s), not measured here",
                    profile.clockGHz(), profile.id(), String.valueOf(profile.sourceOf("clockGHz")))), passed);
        }
        throw new io.kiln.core.InvalidArgumentException("cycles: unknown source '" + preference
                + "'; known: auto, pmu, tsc, estimated");
    }

    private static CycleClock calibratedClock(HardwareProfile profile) {
        return new CycleClock.TimeBased(CycleSource.ESTIMATED, profile.clockGHz(), String.format(Locale.ROOT,
                "System.nanoTime() x %.3f GHz core clock measured by kiln calibrate on %s (profile %s)",
                profile.clockGHz(), profile.calibration().date(), profile.id()));
    }

    private static final Pattern BRAND_GHZ = Pattern.compile("@\\s*([0-9]+(?:\\.[0-9]+)?)\\s*GHz");

    /**
     * The TSC rate in GHz, when it is invariant ({@code constant_tsc} and {@code nonstop_tsc}) and known: from the
     * brand string's nominal clock ({@code ... @ 2.30GHz}, Intel), else, where no frequency driver runs (a VM, or
     * {@code tsc_known_freq}), from {@code /proc/cpuinfo} cpu MHz, which the kernel then reports from its TSC
     * calibration. {@code why[0]} receives the source or the reason it is unknown.
     */
    public static OptionalDouble tscGHz(HostFacts host, String[] why) {
        if (!host.hasFlag("constant_tsc") || !host.hasFlag("nonstop_tsc")) {
            why[0] = "no invariant TSC (constant_tsc and nonstop_tsc flags)";
            return OptionalDouble.empty();
        }
        if (host.modelName() != null) {
            Matcher m = BRAND_GHZ.matcher(host.modelName());
            if (m.find()) {
                why[0] = "nominal clock of the brand string";
                return OptionalDouble.of(Double.parseDouble(m.group(1)));
            }
        }
        if (host.cpuMhz() != null && host.cpuMhz() > 0 && host.maxMhz() == null
                && (host.hasFlag("tsc_known_freq") || host.virtualized())) {
            why[0] = "/proc/cpuinfo cpu MHz, the kernel's TSC rate where no cpufreq driver runs"
                    + (host.hasFlag("tsc_known_freq") ? " (tsc_known_freq)" : "");
            return OptionalDouble.of(host.cpuMhz() / 1000);
        }
        why[0] = "invariant TSC of unknown rate (no '@ x.xxGHz' in the brand string; cpu MHz is the current clock "
                + "under a frequency driver)";
        return OptionalDouble.empty();
    }
}
