package io.kiln.train;

import io.kiln.core.InvalidArgumentException;
import java.time.Duration;
import java.util.Locale;

/** Parses durations as {@code kiln train --time-budget} takes them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or plain seconds. */
public final class TimeBudget {
    private TimeBudget() {
    }

    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidArgumentException("time budget is empty; use e.g. 30s, 5m, 1h");
        }
        String s = text.strip().toLowerCase(Locale.ROOT);
        long unitNanos;
        String number;
        if (s.endsWith("ms")) {
            unitNanos = 1_000_000L;
            number = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            unitNanos = 1_000_000_000L;
            number = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            unitNanos = 60_000_000_000L;
            number = s.substring(0, s.length() - 1);
        } else if (s.endsWith("h")) {
            unitNanos = 3_600_000_000_000L;
            number = s.substring(0, s.length() - 1);
        } else {
            unitNanos = 1_000_000_000L;
            number = s;
        }
        double value;
        try {
            value = Double.parseDouble(number.strip());
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("time budget '" + text + "' is not a duration; use e.g. 30s, 5m, 1h");
        }
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new InvalidArgumentException("time budget '" + text + "' must be positive");
        }
        return Duration.ofNanos(Math.round(value * unitNanos));
    }

    /** {@code 1:02:03}, {@code 2:03} or {@code 3.4s}. */
    public static String format(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
