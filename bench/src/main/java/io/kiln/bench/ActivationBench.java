package io.kiln.bench;

import io.kiln.backend.simd.GemmBlocking;
import io.kiln.backend.simd.SimdBackend;
import io.kiln.core.Activation;
import io.kiln.core.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Every activation forward and backward over 64K floats (256 KiB per tensor: L2-resident, so this is the kernel's
 * compute cost, not memory), one thread. Score in ns per element ({@code @OperationsPerInvocation}); cycles per
 * element = ns × GHz (bench/README.md uses the clock /proc/cpuinfo reports). {@code copy} is the same bytes moved by
 * {@code System.arraycopy}: the floor for the forward pass.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ActivationBench {
    static final int N = 1 << 16;

    @Param({"RELU", "LEAKY_RELU", "SIGMOID", "TANH", "SILU", "GELU_ERF", "GELU_TANH", "GELU_SIGMOID"})
    public Activation act;

    private SimdBackend simd;
    private Tensor x;
    private Tensor dy;
    private Tensor out;
    private float[] xs;
    private float[] ys;

    @Setup(Level.Trial)
    public void setUp() {
        simd = new SimdBackend(1, GemmBlocking.defaults());
        xs = BenchSupport.random(N, 1);
        for (int i = 0; i < N; i++) {
            xs[i] *= 6;
        }
        ys = new float[N];
        x = simd.fromArray(xs, N);
        dy = simd.fromArray(BenchSupport.random(N, 2), N);
        out = simd.allocate(N);
        System.out.printf("# /proc/cpuinfo clock: %.3f GHz%n", BenchSupport.cpuGHz());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        simd.close();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Tensor forward() {
        simd.activation(act, x, out);
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Tensor backward() {
        simd.activationBackward(act, x, dy, out);
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] copy() {
        System.arraycopy(xs, 0, ys, 0, N);
        return ys;
    }
}
