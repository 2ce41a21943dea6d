package io.kiln.conformance;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Whole-array comparisons for the shared suites. Each fails with the first offending element, how many elements
 * fail, and the worst one, so a failure in a 150 000-element tensor is readable; nothing is formatted unless it
 * fails.
 */
public final class Compare {
    private Compare() {
    }

    /**
     * Bit for bit (every NaN counts as the same NaN; +0 and −0 differ). Used where a backend must reproduce the
     * reference exactly: dropout masks, max/min/clamp/abs, copies, and the reference against itself.
     */
    public static void exactly(String what, float[] expected, float[] actual) {
        length(what, expected.length, actual.length);
        int bad = 0;
        int first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                if (first < 0) {
                    first = i;
                }
                bad++;
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + expected.length + " elements differ bit-wise; first at [" + first
                    + "]: expected " + expected[first] + " (0x" + Integer.toHexString(Float.floatToIntBits(
                    expected[first])) + ") but got " + actual[first] + " (0x" + Integer.toHexString(
                    Float.floatToIntBits(actual[first])) + ")");
        }
    }

    public static void exactly(String what, int[] expected, int[] actual) {
        length(what, expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                fail(what + ": [" + i + "] expected " + expected[i] + " but got " + actual[i]);
            }
        }
    }

    /** Every element within {@code tol} (NaN matches only NaN, an infinity only the same infinity). */
    public static void within(Tolerance tol, String what, float[] expected, float[] actual) {
        length(what, expected.length, actual.length);
        int bad = 0;
        int first = -1;
        int worst = -1;
        double worstExcess = -1;
        for (int i = 0; i < expected.length; i++) {
            if (!tol.close(expected[i], actual[i])) {
                if (first < 0) {
                    first = i;
                }
                bad++;
                double allowed = tol.atol() + tol.rtol() * Math.abs(expected[i]);
                double excess = Double.isFinite(expected[i]) && Double.isFinite(actual[i])
                        ? Math.abs(actual[i] - (double) expected[i]) / allowed : Double.POSITIVE_INFINITY;
                if (excess > worstExcess) {
                    worstExcess = excess;
                    worst = i;
                }
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + expected.length + " elements out of tolerance; first at [" + first
                    + "]: expected " + expected[first] + " but got " + actual[first] + "; worst at [" + worst
                    + "]: expected " + expected[worst] + " but got " + actual[worst] + " (|diff| "
                    + Math.abs(actual[worst] - (double) expected[worst]) + " > " + tol.atol() + " + " + tol.rtol()
                    + "·|expected|; tolerance: " + tol.reason() + ")");
        }
    }

    /** Float results against float64 expectations (finite differences, float64 forwards), within {@code tol}. */
    public static void within(Tolerance tol, String what, double[] expected, float[] actual) {
        length(what, expected.length, actual.length);
        int bad = 0;
        int first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (!tol.close(expected[i], actual[i])) {
                if (first < 0) {
                    first = i;
                }
                bad++;
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + expected.length + " elements out of tolerance; first at [" + first
                    + "]: expected " + expected[first] + " but got " + actual[first] + " (|diff| "
                    + Math.abs(actual[first] - expected[first]) + " > " + tol.atol() + " + " + tol.rtol()
                    + "·|expected|; tolerance: " + tol.reason() + ")");
        }
    }

    /** Every element within its own absolute bound (NaN matches only NaN, an infinity only the same infinity). */
    public static void withinBounds(String what, double[] bound, float[] expected, float[] actual, String reason) {
        length(what, expected.length, actual.length);
        length(what + " (bounds)", expected.length, bound.length);
        int bad = 0;
        int first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (!withinBound(expected[i], actual[i], bound[i])) {
                if (first < 0) {
                    first = i;
                }
                bad++;
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + expected.length + " elements out of bounds; first at [" + first
                    + "]: expected " + expected[first] + " but got " + actual[first] + ", error "
                    + Math.abs(actual[first] - (double) expected[first]) + " > bound " + bound[first] + " ("
                    + reason + ")");
        }
    }

    static boolean withinBound(double expected, double actual, double bound) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual);
        }
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
            return expected == actual;
        }
        return Math.abs(actual - expected) <= bound;
    }

    private static void length(String what, int expected, int actual) {
        if (expected != actual) {
            fail(what + ": expected " + expected + " elements but got " + actual);
        }
    }
}
