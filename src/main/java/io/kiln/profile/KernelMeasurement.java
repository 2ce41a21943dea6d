package io.kiln.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One kernel on one backend at one size: its counted cost ({@link io.kiln.core.Op#cost}), its measured time over
 * the repetitions after warm-up, its cycles and where they come from, and the figures derived against the roofs of
 * the profile of the device the backend runs on. Figures that cannot be formed (no FLOPs, no memory roof, a failed
 * run) are null.
 *
 * @param op               catalog name ({@code gemm}, {@code gelu_tanh_backward})
 * @param category         the op's category, lower case
 * @param size             size class label ({@code small}, {@code cache}, {@code memory})
 * @param shape            the operands, for people
 * @param backend          backend name
 * @param roofs            id of the profile whose roofs the percentages use
 * @param costArgs         what {@link io.kiln.core.Op#cost} was given
 * @param flops            counted FLOPs (FMA = 2; transcendentals not included)
 * @param transcendentals  counted exp/log/tanh/erf/sqrt calls
 * @param bytesRead        bytes read from memory outside the kernel
 * @param bytesWritten     bytes written
 * @param elements         elements for per-element figures (0 for GEMM)
 * @param reps             timed repetitions
 * @param medianNs         median wall time of one call
 * @param minNs            fastest call
 * @param p90Ns            90th percentile
 * @param maxNs            slowest call
 * @param spreadPct        (p90 − min) / median × 100
 * @param onCpuPct         median over calls of the measuring thread's CPU time / wall time × 100: well below 100
 *                         means the thread was descheduled (other processes had the core) and the time is suspect
 * @param cycles           median cycles of one call
 * @param cycleSource      {@code pmu}, {@code tsc} or {@code estimated}
 * @param flopPerCycle     FLOPs / cycles
 * @param gflops           FLOPs / median time, GFLOP/s
 * @param gbs              bytes / median time, GB/s
 * @param intensity        FLOPs / bytes (arithmetic intensity)
 * @param pctPeak          GFLOP/s as % of the all-core compute roof
 * @param roofGflops       the roofline's ceiling at this intensity: min(peak, intensity × bandwidth)
 * @param pctRoof          % of the binding roof: GB/s of the memory roof when memory-bound (also for 0-FLOP
 *                         kernels), GFLOP/s of the compute roof when compute-bound
 * @param bound            {@code memory} or {@code compute}: which roof is lower at this intensity
 * @param cyclesPerElement cycles / elements
 * @param error            why the kernel could not run, or null
 * @param warmupCalls      calls before timing began
 * @param warmupSettled    whether the warm-up call times settled before its time limit (false: the first timed
 *                         calls may still include JIT compilation)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KernelMeasurement(String op, String category, String size, String shape, String backend,
                                String roofs, List<Long> costArgs, long flops, long transcendentals, long bytesRead,
                                long bytesWritten, long elements, int reps, Double medianNs, Double minNs,
                                Double p90Ns, Double maxNs, Double spreadPct, Double onCpuPct, Double cycles, String cycleSource,
                                Double flopPerCycle, Double gflops, Double gbs, Double intensity, Double pctPeak,
                                Double roofGflops, Double pctRoof, String bound, Double cyclesPerElement,
                                String error, Integer warmupCalls, Boolean warmupSettled) {

    /** A copy recording the warm-up. */
    public KernelMeasurement withWarmup(int calls, boolean settled) {
        return new KernelMeasurement(op, category, size, shape, backend, roofs, costArgs, flops, transcendentals,
                bytesRead, bytesWritten, elements, reps, medianNs, minNs, p90Ns, maxNs, spreadPct, onCpuPct, cycles,
                cycleSource, flopPerCycle, gflops, gbs, intensity, pctPeak, roofGflops, pctRoof, bound,
                cyclesPerElement, error, calls, settled);
    }

    /** {@code op/size/backend}: unique within a report. */
    public String key() {
        return op + "/" + size + "/" + backend;
    }

    /** True when the measuring thread was on its core for less than 90% of the median call. */
    public boolean contended() {
        return onCpuPct != null && onCpuPct < 90;
    }

    public long bytes() {
        return bytesRead + bytesWritten;
    }
}
