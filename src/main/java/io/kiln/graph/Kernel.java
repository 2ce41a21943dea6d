package io.kiln.graph;

import io.kiln.core.Cost;
import java.util.Arrays;
import java.util.List;

/**
 * One kernel call of a compiled graph: its name (the ops it holds, joined by '+': {@code matmul+bias+gelu_tanh}),
 * the nodes whose values it writes, its counted cost (FLOPs and transcendentals of the ops the user wrote, before
 * rewrites; bytes of every tensor it reads or writes outside itself, once) and, when profiled, its measured times.
 */
public final class Kernel {
    /** The work of a kernel, bound to the executable's tensors. */
    interface Body {
        void run(Executable exe);
    }

    private final String name;
    private final List<String> ops;
    private final List<Node> writes;
    private final Cost cost;
    final Body body;
    private long[] samples = new long[16];
    private int count;

    Kernel(String name, List<String> ops, List<Node> writes, Cost cost, Body body) {
        this.name = name;
        this.ops = List.copyOf(ops);
        this.writes = List.copyOf(writes);
        this.cost = cost;
        this.body = body;
    }

    public String name() {
        return name;
    }

    /** The ops this kernel computes, in order. */
    public List<String> ops() {
        return ops;
    }

    /** The graph nodes whose values this kernel writes. */
    public List<Node> writes() {
        return writes;
    }

    public Cost cost() {
        return cost;
    }

    void record(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, count * 2);
        }
        samples[count++] = nanos;
    }

    void clearSamples() {
        count = 0;
    }

    /** Measured run times in nanoseconds (empty unless compiled with profiling). */
    public long[] samples() {
        return Arrays.copyOf(samples, count);
    }

    @Override
    public String toString() {
        return name + " " + cost;
    }
}
