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
    /** Calls, FLOPs, transcendentals, bytes read, bytes written, per kernel name. */
    private final Map<String, long[]> byKernel = new LinkedHashMap<>();
    private long calls;
    private long flops;
    private long transcendentals;
    private long bytesRead;
    private long bytesWritten;

    /** Counts one call of kernel {@code name} with cost {@code cost}. */
    public void add(String name, Cost cost) {
        long[] row = byKernel.computeIfAbsent(name, k -> new long[5]);
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
        byKernel.forEach((k, v) -> out.put(k, new KernelTotal(v[0], new Cost(v[1], v[2], v[3], v[4]))));
        return Collections.unmodifiableMap(out);
    }

    public record KernelTotal(long calls, Cost cost) {
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
