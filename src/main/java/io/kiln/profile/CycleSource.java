package io.kiln.profile;

import java.util.Locale;

/** Where a cycle figure comes from; every reported cycle count carries one. */
public enum CycleSource {
    /** Counted by the CPU's performance-monitoring unit ({@code perf_event_open}, core cycles of this thread). */
    PMU,
    /**
     * Wall time × the time-stamp counter's rate: reference cycles at the TSC's fixed (nominal) frequency, not core
     * cycles; under turbo the core runs more cycles than this.
     */
    TSC,
    /** Wall time × a clock figure (calibrated by {@code kiln calibrate}, or the profile's documented clock). */
    ESTIMATED;

    /** {@code pmu}, {@code tsc}, {@code estimated}: the label printed beside every figure. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CycleSource byLabel(String s) {
        for (CycleSource c : values()) {
            if (c.label().equalsIgnoreCase(s)) {
                return c;
            }
        }
        throw new io.kiln.core.InvalidArgumentException("unknown cycle source '" + s + "'; known: pmu, tsc, estimated");
    }
}
