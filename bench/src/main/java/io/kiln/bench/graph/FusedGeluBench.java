package io.kiln.bench.graph;

import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.core.Tensor;
import io.kiln.graph.CompileOptions;
import io.kiln.graph.ElementwiseFusion;
import io.kiln.graph.Executable;
import io.kiln.graph.Graph;
import io.kiln.graph.GraphDemo;
import io.kiln.graph.Input;
import io.kiln.graph.codegen.VectorMath;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
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
 * GELU (tanh form) written from primitives, {@code x·0.5·(1 + tanh(0.79788456·x·(1 + 0.044715·x·x)))}, over
 * {@code n} floats (16 Mi = 64 MiB in, 64 MiB out): the graph compiled with elementwise fusion (one kernel: read x
 * once, write y once) against the same graph with fusion off (nine kernels, each a pass over memory), and against the
 * memory roof, a plain {@code System.arraycopy} of the same 8 bytes per element.
 *
 * <ul>
 *   <li>{@code fusedCodegen}: one generated Vector API class, split over the simd backend's pool (2 threads here);
 *       {@code fusedCodegenOneThread}: the same on the caller's thread only; {@code fusedInterpreter}: the Vector
 *       API tile interpreter (one thread); {@code fusedReferenceDefault}: the backend's default scalar tiled
 *       kernel (reference);
 *   <li>{@code handWrittenVectorLoop}: the same maths written by hand as one Vector API loop, one thread (what
 *       codegen should match);
 *   <li>{@code unfusedSameCode} ({@code OneThread}): fusion off, each op a one-op generated kernel (same code, same
 *       threads, nine passes): the fusion effect alone; {@code unfusedSimd}: fusion off on the simd backend (its
 *       own kernels, its thread pool); {@code unfusedReference}: fusion off on the reference backend (float64
 *       scalar kernels);
 *   <li>{@code copy}: {@code System.arraycopy(x, 0, y, 0, n)} (one thread); {@code copyTwoThreads}: the same
 *       copy split in two halves, one on a helper thread (the memory roof for the two-thread variants).
 * </ul>
 * Inputs are bound as tensors (no copy in), outputs stay in the executable's buffers: every variant reads x and
 * writes y the same way. Each variant also reports the benchmark thread's CPU time ({@link CpuTime}). Run:
 * {@code mvn -q test-compile exec:exec@bench -Dbench.args="FusedGeluBench -f 1 -wi 3 -i 5"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms6g", "-Xmx6g"})
public class FusedGeluBench {
    @Param("16777216")
    public int n;

    private float[] x;
    private float[] y;
    private Backend reference;
    private Backend simd;
    private Tensor xRef;
    private Tensor xSimd;
    private Executable fusedCodegen;
    private Executable fusedCodegenOneThread;
    private Executable unfusedSameCodeOneThread;
    private Executable fusedInterpreter;
    private Executable fusedReferenceDefault;
    private Executable unfusedSameCode;
    private Executable unfusedSimd;
    private Executable unfusedReference;
    private java.util.concurrent.ExecutorService helper;

    @Setup(Level.Trial)
    public void setup() {
        x = new float[n];
        y = new float[n];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 8 - 4);
        }
        System.setProperty("kiln.quiet", "true");
        reference = Backends.select("reference");
        simd = Backends.select("simd");
        xRef = reference.fromArray(x, n);
        xSimd = simd.fromArray(x, n);
        CompileOptions on = CompileOptions.defaults();
        CompileOptions off = CompileOptions.defaults().disable(ElementwiseFusion.NAME);
        // generated kernels run on the pool of the backend compiled for (simd: 2 threads here; reference: serial)
        fusedCodegen = compile(simd, xSimd, on.fusedKernels(CompileOptions.FusedKernels.CODEGEN));
        fusedCodegenOneThread = compile(simd, xSimd, on.fusedKernels(CompileOptions.FusedKernels.CODEGEN)
                .fusedKernelThreads(1));
        unfusedSameCodeOneThread = compile(simd, xSimd, off.singleOpsAsFused(true)
                .fusedKernels(CompileOptions.FusedKernels.CODEGEN).fusedKernelThreads(1));
        fusedInterpreter = compile(simd, xSimd, on.fusedKernels(CompileOptions.FusedKernels.INTERPRETER));
        fusedReferenceDefault = compile(reference, xRef, on.fusedKernels(CompileOptions.FusedKernels.BACKEND));
        unfusedSameCode = compile(simd, xSimd, off.singleOpsAsFused(true)
                .fusedKernels(CompileOptions.FusedKernels.CODEGEN));
        unfusedSimd = compile(simd, xSimd, off);
        unfusedReference = compile(reference, xRef, off);
        helper = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "copy-helper");
            t.setDaemon(true);
            return t;
        });
    }

    private Executable compile(Backend be, Tensor in, CompileOptions options) {
        Graph g = GraphDemo.geluGraph(n);
        Input xin = g.inputs().get(0);
        Executable exe = g.compile(be, options);
        exe.run(Map.of(xin, in)); // binds x; later runs reuse it
        return exe;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Executable e : new Executable[] {fusedCodegen, fusedCodegenOneThread, unfusedSameCodeOneThread,
                fusedInterpreter, fusedReferenceDefault, unfusedSameCode,
                unfusedSimd, unfusedReference}) {
            e.close();
        }
        xRef.close();
        xSimd.close();
        helper.shutdownNow();
    }

    @Benchmark
    public Tensor fusedCodegen(CpuTime cpu) {
        cpu.ops++;
        return fusedCodegen.run().tensor("y");
    }

    @Benchmark
    public Tensor fusedCodegenOneThread(CpuTime cpu) {
        cpu.ops++;
        return fusedCodegenOneThread.run().tensor("y");
    }

    @Benchmark
    public Tensor unfusedSameCodeOneThread(CpuTime cpu) {
        cpu.ops++;
        return unfusedSameCodeOneThread.run().tensor("y");
    }

    @Benchmark
    public Tensor fusedInterpreter(CpuTime cpu) {
        cpu.ops++;
        return fusedInterpreter.run().tensor("y");
    }

    @Benchmark
    public Tensor fusedReferenceDefault(CpuTime cpu) {
        cpu.ops++;
        return fusedReferenceDefault.run().tensor("y");
    }

    @Benchmark
    public Tensor unfusedSameCode(CpuTime cpu) {
        cpu.ops++;
        return unfusedSameCode.run().tensor("y");
    }

    @Benchmark
    public Tensor unfusedSimd(CpuTime cpu) {
        cpu.ops++;
        return unfusedSimd.run().tensor("y");
    }

    @Benchmark
    public Tensor unfusedReference(CpuTime cpu) {
        cpu.ops++;
        return unfusedReference.run().tensor("y");
    }

    @Benchmark
    public float[] handWrittenVectorLoop(CpuTime cpu) {
        cpu.ops++;
        int l = VectorMath.LANES;
        int upper = n - n % l;
        for (int i = 0; i < upper; i += l) {
            FloatVector v = FloatVector.fromArray(VectorMath.SPECIES, x, i);
            FloatVector u = v.mul(v).mul(0.044715f).add(1f).mul(v).mul(0.79788456f);
            v.mul(0.5f).mul(VectorMath.tanh(u).add(1f)).intoArray(y, i);
        }
        for (int i = upper; i < n; i++) {
            float v = x[i];
            y[i] = v * 0.5f * ((float) Math.tanh(0.79788456f * v * (1 + 0.044715f * v * v)) + 1);
        }
        return y;
    }

    @Benchmark
    public float[] copy(CpuTime cpu) {
        cpu.ops++;
        System.arraycopy(x, 0, y, 0, n);
        return y;
    }

    @Benchmark
    public float[] copyTwoThreads(CpuTime cpu) throws Exception {
        cpu.ops++;
        int half = n / 2 / 1024 * 1024;
        java.util.concurrent.Future<?> other = helper.submit(() -> System.arraycopy(x, half, y, half, n - half));
        System.arraycopy(x, 0, y, 0, half);
        other.get();
        return y;
    }
}
