package io.kiln.bench.graph;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The benchmark thread's CPU time per iteration ({@code ·cpuNanos}) and its call count ({@code ·ops}); CPU ns/op =
 * cpuNanos / ops. On this shared 2-vCPU machine the wall clock also counts time spent waiting for a core; CPU time
 * does not. It misses work done on other threads, so it is meaningful only for single-threaded variants (the simd
 * backend's GEMM and large elementwise ops use its pool).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    public long ops;
    public long cpuNanos;
    private long start;

    @Setup(Level.Iteration)
    public void start() {
        ops = 0;
        cpuNanos = 0;
        start = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void stop() {
        cpuNanos = THREADS.getCurrentThreadCpuTime() - start;
    }
}
