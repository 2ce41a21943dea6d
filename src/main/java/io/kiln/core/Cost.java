package io.kiln.core;

/**
 * The counted cost of one kernel call under Kiln's convention (as XLA's cost analysis): add, sub, mul, div, max,
 * min, compare = 1 FLOP per element; an FMA = 2; GEMM = 2·M·N·K; each exp, log, tanh, erf, sqrt is a
 * transcendental, counted in its own column and not inside FLOPs. Bytes count only what the kernel reads from and
 * writes to memory outside itself, each tensor once (so fusion shows up as fewer bytes).
 */
public record Cost(long flops, long transcendentals, long bytesRead, long bytesWritten) {
    public static final Cost ZERO = new Cost(0, 0, 0, 0);

    /** The convention, printed with every report. */
    public static final String CONVENTION = "FLOPs: add/sub/mul/div/max/min/compare = 1, FMA = 2, GEMM = 2·M·N·K; "
            + "exp/log/tanh/erf/sqrt counted as transcendentals (own column); bytes = each tensor read or written "
            + "outside the kernel, once";

    public Cost plus(Cost o) {
        return new Cost(flops + o.flops, transcendentals + o.transcendentals, bytesRead + o.bytesRead,
                bytesWritten + o.bytesWritten);
    }

    public long bytes() {
        return bytesRead + bytesWritten;
    }

    /** FLOPs per byte moved; 0 when nothing moves. */
    public double arithmeticIntensity() {
        long b = bytes();
        return b == 0 ? 0 : (double) flops / b;
    }
}
