package io.kiln.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Which storage should host tensors use: a heap {@code float[]} (what {@code HostTensor} holds today) or an off-heap
 * {@link MemorySegment} aligned to 64 bytes (one cache line, one AVX-512 vector)?
 *
 * <p>Each storage runs the same two Vector API loops over {@code n} floats per array, with
 * {@code FloatVector.SPECIES_PREFERRED}:
 * <ul>
 *   <li>{@code axpy}: {@code y = a*x + y}, load x, load y, FMA, store y (the shape of every elementwise kernel);</li>
 *   <li>{@code sum}: a reduction of x with four independent vector accumulators, so the loop is bound by loads, not
 *       by the latency of one add chain.</li>
 * </ul>
 * Heap arrays use {@code fromArray}/{@code intoArray}; segments use {@code fromMemorySegment}/{@code
 * intoMemorySegment} in {@link ByteOrder#nativeOrder()}. Segments come from a shared {@link Arena} (tensors are used
 * from a thread pool, so a confined arena is not an option). Three segment placements separate alignment from the
 * access path: {@code Segment} is 64-byte aligned; {@code SegmentOffset16} starts 16 bytes past a 64-byte boundary,
 * where a heap {@code float[]}'s data usually starts (16-byte array header, 8-byte object alignment), so every
 * 64-byte vector splits across two cache lines, as on the heap.
 *
 * <p>Sizes: 1 Ki, 64 Ki and 4 Mi floats = 4 KiB (L1), 256 KiB (L2) and 16 MiB (beyond L2) per array. Buffers are
 * allocated and filled once per trial and reused (the loops index with an {@code int}, as
 * C2 likes best, on both storages); {@code axpy} keeps updating the same y (a = 1e-3, x in [0, 1), so
 * y stays finite and normal for any run length).
 *
 * <p>Run: {@code mvn -q test-compile exec:exec@bench -Dbench.args="StorageBench -f 1 -wi 3 -i 5"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class StorageBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final float A = 1e-3f;

    /** Floats per array: 4 KiB, 256 KiB, 16 MiB. */
    @Param({"1024", "65536", "4194304"})
    public int n;

    private float[] xHeap;
    private float[] yHeap;
    private Arena arena;
    private MemorySegment xSeg;
    private MemorySegment ySeg;
    private MemorySegment xSeg16;
    private MemorySegment ySeg16;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(42);
        xHeap = new float[n];
        yHeap = new float[n];
        for (int i = 0; i < n; i++) {
            xHeap[i] = (float) rnd.nextDouble();
            yHeap[i] = (float) rnd.nextDouble();
        }
        long bytes = (long) n * Float.BYTES;
        arena = Arena.ofShared();
        xSeg = arena.allocate(bytes, 64);
        ySeg = arena.allocate(bytes, 64);
        xSeg16 = arena.allocate(bytes + 64, 64).asSlice(16, bytes);
        ySeg16 = arena.allocate(bytes + 64, 64).asSlice(16, bytes);
        for (MemorySegment[] xy : new MemorySegment[][]{{xSeg, ySeg}, {xSeg16, ySeg16}}) {
            MemorySegment.copy(xHeap, 0, xy[0], ValueLayout.JAVA_FLOAT, 0, n);
            MemorySegment.copy(yHeap, 0, xy[1], ValueLayout.JAVA_FLOAT, 0, n);
        }
        if (xSeg.address() % 64 != 0 || xSeg16.address() % 64 != 16) {
            throw new IllegalStateException("unexpected segment placement");
        }
        // Same data, same loop on each storage: the sums agree up to rounding (the lane reduction's order may differ
        // between interpreted and compiled code, so not bit for bit).
        double h = sum(xHeap, n);
        for (double s : new double[]{sum(xSeg, n), sum(xSeg16, n)}) {
            if (Math.abs(s - h) > 1e-4 * Math.abs(h)) {
                throw new IllegalStateException("storages disagree: heap sum " + h + ", segment sum " + s);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /**
     * CPU time of the benchmark thread per iteration, next to JMH's wall-clock score. On a shared machine the wall
     * clock also counts the time this thread waited for a core; {@code cpuNanos / ops} does not. Both are reported per
     * iteration as secondary results ({@code ·cpuNanos}, {@code ·ops}); divide them for CPU ns/op.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        /** Benchmark calls this iteration (also counts the calls JMH makes between its timestamps, i.e. all). */
        public long ops;
        /** Thread CPU nanoseconds of this iteration. */
        public long cpuNanos;
        private long start;

        @Setup(Level.Iteration)
        public void begin() {
            ops = 0;
            cpuNanos = 0;
            start = THREADS.getCurrentThreadCpuTime();
        }

        @TearDown(Level.Iteration)
        public void end() {
            cpuNanos = THREADS.getCurrentThreadCpuTime() - start;
        }
    }

    // ------------------------------------------------------------------------------------------------- axpy

    @Benchmark
    public void axpyHeap(CpuTime cpu) {
        cpu.ops++;
        axpy(A, xHeap, yHeap, n);
    }

    @Benchmark
    public void axpySegment(CpuTime cpu) {
        cpu.ops++;
        axpy(A, xSeg, ySeg, n);
    }

    @Benchmark
    public void axpySegmentOffset16(CpuTime cpu) {
        cpu.ops++;
        axpy(A, xSeg16, ySeg16, n);
    }

    static void axpy(float a, float[] x, float[] y, int n) {
        FloatVector av = FloatVector.broadcast(S, a);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector xv = FloatVector.fromArray(S, x, i);
            FloatVector yv = FloatVector.fromArray(S, y, i);
            xv.fma(av, yv).intoArray(y, i);
        }
        for (; i < n; i++) {
            y[i] = Math.fma(a, x[i], y[i]);
        }
    }

    static void axpy(float a, MemorySegment x, MemorySegment y, int n) {
        FloatVector av = FloatVector.broadcast(S, a);
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            long off = (long) i * Float.BYTES;
            FloatVector xv = FloatVector.fromMemorySegment(S, x, off, ORDER);
            FloatVector yv = FloatVector.fromMemorySegment(S, y, off, ORDER);
            xv.fma(av, yv).intoMemorySegment(y, off, ORDER);
        }
        for (; i < n; i++) {
            float xi = x.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            float yi = y.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            y.setAtIndex(ValueLayout.JAVA_FLOAT, i, Math.fma(a, xi, yi));
        }
    }

    // -------------------------------------------------------------------------------------------------- sum

    @Benchmark
    public float sumHeap(CpuTime cpu) {
        cpu.ops++;
        return sum(xHeap, n);
    }

    @Benchmark
    public float sumSegment(CpuTime cpu) {
        cpu.ops++;
        return sum(xSeg, n);
    }

    @Benchmark
    public float sumSegmentOffset16(CpuTime cpu) {
        cpu.ops++;
        return sum(xSeg16, n);
    }

    static float sum(float[] x, int n) {
        int l = S.length();
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        int i = 0;
        for (int upper = n - 4 * l; i <= upper; i += 4 * l) {
            s0 = s0.add(FloatVector.fromArray(S, x, i));
            s1 = s1.add(FloatVector.fromArray(S, x, i + l));
            s2 = s2.add(FloatVector.fromArray(S, x, i + 2 * l));
            s3 = s3.add(FloatVector.fromArray(S, x, i + 3 * l));
        }
        for (int upper = S.loopBound(n); i < upper; i += l) {
            s0 = s0.add(FloatVector.fromArray(S, x, i));
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += x[i];
        }
        return s;
    }

    static float sum(MemorySegment x, int n) {
        int l = S.length();
        long vb = (long) l * Float.BYTES;
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        int i = 0;
        for (int upper = n - 4 * l; i <= upper; i += 4 * l) {
            long off = (long) i * Float.BYTES;
            s0 = s0.add(FloatVector.fromMemorySegment(S, x, off, ORDER));
            s1 = s1.add(FloatVector.fromMemorySegment(S, x, off + vb, ORDER));
            s2 = s2.add(FloatVector.fromMemorySegment(S, x, off + 2 * vb, ORDER));
            s3 = s3.add(FloatVector.fromMemorySegment(S, x, off + 3 * vb, ORDER));
        }
        for (int upper = S.loopBound(n); i < upper; i += l) {
            s0 = s0.add(FloatVector.fromMemorySegment(S, x, (long) i * Float.BYTES, ORDER));
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += x.getAtIndex(ValueLayout.JAVA_FLOAT, i);
        }
        return s;
    }
}
