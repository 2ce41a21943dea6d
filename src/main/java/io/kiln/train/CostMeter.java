package io.kiln.train;

import io.kiln.core.Cost;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adds up the counted cost ({@link io.kiln.core.Op#cost}) of every kernel a trainer calls, in total and per kernel
 * name, so reports can give FLOPs per example and per training step from what actually ran rather than from a
 * formula written a second time. Single-threaded, like the trainers that feed it.
 */
public final class CostMeter {
    /** Calls, FLOPs, transcendentals, bytes read, bytes written, wall nanoseconds, per kernel name. */
    private final Map<String, long[]> byKernel = new LinkedHashMap<>();
    private long calls;
    private long flops;
    private long transcendentals;
    private long bytesRead;
    private long bytesWritten;

    /** Counts one call of kernel {@code name} with cost {@code cost}. */
    public void add(String name, Cost cost) {
        add(name, cost, 0);
    }

    /**
     * Counts one call of kernel {@code name} with cost {@code cost} that took {@code nanos} of wall time on the
     * calling thread (for an asynchronous backend: the time to enqueue it).
     */
    public void add(String name, Cost cost, long nanos) {
        long[] row = byKernel.computeIfAbsent(name, k -> new long[6]);
        row[5] += nanos;
        row[0]++;
        row[1] += cost.flops();
        row[2] += cost.transcendentals();
        row[3] += cost.bytesRead();
        row[4] += cost.bytesWritten();
        calls++;
        flops += cost.flops();
        transcendentals += cost.transcendentals();
        bytesRead += cost.bytesRead();
        bytesWritten += cost.bytesWritten();
    }

    public long calls() {
        return calls;
    }

    /** Everything counted so far. */
    public Cost total() {
        return new Cost(flops, transcendentals, bytesRead, bytesWritten);
    }

    /** The point to measure from: {@code meter.since(mark)} is what was counted after it. */
    public Mark mark() {
        return new Mark(calls, total());
    }

    /** What was counted since {@code mark}. */
    public Mark since(Mark mark) {
        Cost now = total();
        return new Mark(calls - mark.calls(), new Cost(now.flops() - mark.cost().flops(),
                now.transcendentals() - mark.cost().transcendentals(), now.bytesRead() - mark.cost().bytesRead(),
                now.bytesWritten() - mark.cost().bytesWritten()));
    }

    /** Kernel calls and their cost at one moment (or between two). */
    public record Mark(long calls, Cost cost) {
    }

    /** Per kernel name: calls and summed cost, in first-call order. */
    public Map<String, KernelTotal> byKernel() {
        Map<String, KernelTotal> out = new LinkedHashMap<>();
        byKernel.forEach((k, v) -> out.put(k, new KernelTotal(v[0], new Cost(v[1], v[2], v[3], v[4]), v[5])));
        return Collections.unmodifiableMap(out);
    }

    /** Calls of one kernel, their summed counted cost and wall time on the calling thread. */
    public record KernelTotal(long calls, Cost cost, long nanos) {
        public double seconds() {
            return nanos / 1e9;
        }
    }

    public void reset() {
        byKernel.clear();
        calls = 0;
        flops = 0;
        transcendentals = 0;
        bytesRead = 0;
        bytesWritten = 0;
    }
}
