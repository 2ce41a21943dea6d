package io.kiln.profile;

/**
 * Turns a measured interval into cycles. {@link #read()} is taken before and after the work on the same thread;
 * {@link #cycles(long, long)} gets the difference of the two readings and the wall time in between.
 *
 * <p>A PMU clock counts this thread's core cycles, so it is per-thread: open it on the thread that does the
 * measuring, and work that the backend hands to other threads is not in it. Time-based clocks are wall time
 * converted at a fixed rate.
 */
public interface CycleClock extends AutoCloseable {
    CycleSource source();

    /** How the figure is obtained, in one line (printed in every report). */
    String detail();

    /** A raw reading: PMU cycles for {@link CycleSource#PMU}, {@link System#nanoTime()} otherwise. */
    long read();

    /** Cycles for an interval: {@code rawDelta} between two {@link #read()}s and {@code nanos} of wall time. */
    double cycles(long rawDelta, long nanos);

    @Override
    void close();

    /** Wall time at a fixed rate in GHz: {@link CycleSource#TSC} or {@link CycleSource#ESTIMATED}. */
    record TimeBased(CycleSource source, double ghz, String detail) implements CycleClock {
        public TimeBased {
            if (source == CycleSource.PMU) {
                throw new IllegalArgumentException("a time-based clock is not a PMU");
            }
            if (!(ghz > 0)) {
                throw new IllegalArgumentException("clock rate must be > 0 GHz, got " + ghz);
            }
        }

        @Override
        public long read() {
            return System.nanoTime();
        }

        @Override
        public double cycles(long rawDelta, long nanos) {
            return nanos * ghz;
        }

        @Override
        public void close() {
        }
    }
}
