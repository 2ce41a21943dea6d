package io.kiln.bench.graph;

import io.kiln.core.Activation;
import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.core.Epilogue;
import io.kiln.core.Tensor;
import io.kiln.graph.CompileOptions;
import io.kiln.graph.ElementwiseFusion;
import io.kiln.graph.Executable;
import io.kiln.graph.Graph;
import io.kiln.graph.Input;
import io.kiln.graph.MatmulEpilogueFusion;
import io.kiln.graph.Parameter;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * One MLP layer, {@code gelu_tanh(x·W + b)} with x 128×784, W 784×512, b 512, on one backend:
 * <ul>
 *   <li>{@code graphFused}: the graph compiled with every pass (one {@code gemm} whose epilogue adds b and applies
 *       GELU as C is written: kernel {@code matmul+bias+gelu_tanh});
 *   <li>{@code graphSeparate}: the same graph with epilogue and elementwise fusion off (gemm, broadcast add, gelu:
 *       three kernels, C written and read twice more);
 *   <li>{@code eagerFused} / {@code eagerSeparate}: the same calls made by hand on the backend
 *       ({@code gemm(..., Epilogue)} vs {@code gemm}, {@code biasAdd}, {@code activation}).
 * </ul>
 * Each variant also reports the benchmark thread's CPU time ({@link CpuTime}). Run:
 * {@code mvn -q test-compile exec:exec@bench -Dbench.args="MlpLayerBench -p backend=simd -f 1 -wi 5 -i 10"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class MlpLayerBench {
    @Param({"simd", "reference"})
    public String backend;

    /** Threads of the simd backend's pool ({@code kiln.threads}; each parameter set runs in its own fork). */
    @Param({"2", "1"})
    public int threads;

    private static final int BATCH = 128;
    private static final int IN = 784;
    private static final int OUT = 512;

    private Backend be;
    private Tensor x;
    private Tensor w;
    private Tensor b;
    private Tensor c;
    private Executable fused;
    private Executable separate;

    @Setup(Level.Trial)
    public void setup() {
        System.setProperty("kiln.quiet", "true");
        System.setProperty("kiln.threads", Integer.toString(threads));
        be = Backends.select(backend);
        x = be.fromArray(random(1, BATCH * IN), BATCH, IN);
        w = be.fromArray(random(2, IN * OUT), IN, OUT);
        b = be.fromArray(random(3, OUT), OUT);
        c = be.allocate(BATCH, OUT);
        fused = compile(CompileOptions.defaults());
        separate = compile(CompileOptions.defaults().disable(MatmulEpilogueFusion.NAME, ElementwiseFusion.NAME));
    }

    private Executable compile(CompileOptions options) {
        Graph g = new Graph("layer");
        Input xi = g.input("x", BATCH, IN);
        Parameter wp = g.parameter("w", IN, OUT);
        Parameter bp = g.parameter("b", OUT);
        g.output("y", xi.matmul(wp).add(bp).geluTanh());
        Executable exe = g.compile(be, options);
        exe.bind(wp, w).bind(bp, b);
        exe.run(Map.of(xi, x));
        return exe;
    }

    private static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() - 0.5);
        }
        return a;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fused.close();
        separate.close();
        for (Tensor t : new Tensor[] {x, w, b, c}) {
            t.close();
        }
    }

    @Benchmark
    public Tensor graphFused(CpuTime cpu) {
        cpu.ops++;
        return fused.run().tensor("y");
    }

    @Benchmark
    public Tensor graphSeparate(CpuTime cpu) {
        cpu.ops++;
        return separate.run().tensor("y");
    }

    @Benchmark
    public Tensor eagerFused(CpuTime cpu) {
        cpu.ops++;
        be.gemm(false, false, 1f, x, w, 0f, c, Epilogue.of(b, Activation.GELU_TANH));
        be.synchronize();
        return c;
    }

    @Benchmark
    public Tensor eagerSeparate(CpuTime cpu) {
        cpu.ops++;
        be.gemm(false, false, 1f, x, w, 0f, c);
        be.biasAdd(c, b, c);
        be.activation(Activation.GELU_TANH, c, c);
        be.synchronize();
        return c;
    }
}
