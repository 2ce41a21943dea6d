package io.kiln.bench.graph;

import io.kiln.core.AdamConfig;
import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.graph.CompileOptions;
import io.kiln.graph.Executable;
import io.kiln.graph.Graph;
import io.kiln.graph.GraphDemo;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compile time of a 3-layer MLP training graph (784 → 256 → 128 → 10, batch 64, GELU-tanh, dropout 0.1,
 * cross-entropy, backward, Adam on all six parameters: 65 nodes as built), after warm-up:
 * <ul>
 *   <li>{@code passes}: the pass pipeline alone ({@link Graph#optimize});
 *   <li>{@code compile}: passes, memory plan, kernel lowering and the allocation of every buffer, parameter and Adam
 *       state (then closed);
 *   <li>{@code buildGradCompile}: building the graph with the fluent API, autodiff, then {@code compile}.
 * </ul>
 * Run: {@code mvn -q test-compile exec:exec@bench -Dbench.args="CompileBench -f 1 -wi 3 -i 5"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class CompileBench {
    @Param({"reference", "simd"})
    public String backend;

    private Backend be;
    private Graph graph;

    private static final int[] WIDTHS = {784, 256, 128, 10};

    @Setup(Level.Trial)
    public void setup() {
        System.setProperty("kiln.quiet", "true");
        be = Backends.select(backend);
        graph = GraphDemo.mlp(64, WIDTHS, 0.1f, AdamConfig.adam(1e-3f)).graph;
    }

    @Benchmark
    public Graph passes() {
        return graph.optimize(be, CompileOptions.defaults());
    }

    @Benchmark
    public int compile() {
        try (Executable exe = graph.compile(be, CompileOptions.defaults())) {
            return exe.kernels().size();
        }
    }

    @Benchmark
    public int buildGradCompile() {
        Graph g = GraphDemo.mlp(64, WIDTHS, 0.1f, AdamConfig.adam(1e-3f)).graph;
        try (Executable exe = g.compile(be, CompileOptions.defaults())) {
            return exe.kernels().size();
        }
    }
}
