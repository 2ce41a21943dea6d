package io.kiln.bench;

import io.kiln.backend.simd.GemmBlocking;
import io.kiln.backend.simd.SimdBackend;
import io.kiln.core.AdamConfig;
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
 * The cost of subnormal numbers (Java cannot set FTZ/DAZ): one Adam step over 256K parameters (L2-resident) whose
 * gradients are ~1e-21, so g² and the second moment v are subnormal floats ({@code subnormal}), vs gradients ~1
 * ({@code normal}). One thread; ns per element. The state is reset before every invocation so v stays in range.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DenormalBench {
    static final int N = 1 << 18;

    @Param({"normal", "subnormal"})
    public String values;

    private SimdBackend simd;
    private Tensor p;
    private Tensor g;
    private Tensor m;
    private Tensor v;
    private float[] v0;
    private final AdamConfig adam = AdamConfig.adam(1e-3f);

    @Setup(Level.Trial)
    public void setUp() {
        simd = new SimdBackend(1, GemmBlocking.defaults());
        float scale = values.equals("subnormal") ? 1e-21f : 1f;
        float[] gs = BenchSupport.random(N, 2);
        v0 = new float[N];
        for (int i = 0; i < N; i++) {
            gs[i] *= scale;
            v0[i] = gs[i] * gs[i] * 0.5f; // subnormal (< 1.2e-38) for scale 1e-21
        }
        p = simd.fromArray(BenchSupport.random(N, 1), N);
        g = simd.fromArray(gs, N);
        m = simd.allocate(N);
        v = simd.fromArray(v0, N);
        float[] vs = simd.toArray(v);
        int sub = 0;
        for (float f : vs) {
            sub += f != 0 && Math.abs(f) < Float.MIN_NORMAL ? 1 : 0;
        }
        System.out.println("# " + values + ": " + sub + " of " + N + " second moments are subnormal");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        simd.close();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public Tensor adamStep() {
        simd.copyIn(v0, v);
        simd.adamStep(adam, 10, p, g, m, v);
        return p;
    }
}
