package io.kiln.bench;

import io.kiln.backend.simd.GemmBlocking;
import io.kiln.backend.simd.SimdBackend;
import io.kiln.core.Activation;
import io.kiln.core.AdamConfig;
import io.kiln.core.Tensor;
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

import java.util.concurrent.TimeUnit;

/**
 * Memory-bound kernels over 16M floats (64 MiB per tensor, far beyond the caches) against a plain
 * {@code System.arraycopy} moving the same number of bytes: ReLU (read N, write N: roof = copy of N floats), add
 * (read 2N, write N: copy of 1.5N), Adam (read p, g, m, v, write p, m, v: copy of 3.5N). GB/s = bytes / time;
 * the ratio to the copy is the fraction of the machine's streaming bandwidth the kernel reaches.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx3g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ElementwiseBench {
    static final int N = 16 << 20;

    @Param({"1", "2"})
    public int threads;

    private SimdBackend simd;
    private Tensor x;
    private Tensor y;
    private Tensor out;
    private Tensor p;
    private Tensor g;
    private Tensor m;
    private Tensor v;
    private float[] copySrc;
    private float[] copyDst;
    private long step;
    private final AdamConfig adam = AdamConfig.adam(1e-3f);

    @Setup(Level.Trial)
    public void setUp() {
        simd = new SimdBackend(threads, GemmBlocking.defaults());
        x = simd.fromArray(BenchSupport.random(N, 1), N);
        y = simd.fromArray(BenchSupport.random(N, 2), N);
        out = simd.allocate(N);
        p = simd.fromArray(BenchSupport.random(N, 3), N);
        g = simd.fromArray(BenchSupport.random(N, 4), N);
        m = simd.allocate(N);
        v = simd.allocate(N);
        copySrc = BenchSupport.random(N * 7 / 2, 5);
        copyDst = new float[N * 7 / 2];
        System.arraycopy(copySrc, 0, copyDst, 0, copyDst.length); // fault the pages in
        simd.fill(out, 0f);
        simd.fill(m, 0f);
        simd.fill(v, 0f);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        simd.close();
    }

    @Benchmark
    public Tensor relu() {
        simd.activation(Activation.RELU, x, out);
        return out;
    }

    @Benchmark
    public Tensor add() {
        simd.add(x, y, out);
        return out;
    }

    @Benchmark
    public Tensor adam() {
        simd.adamStep(adam, ++step, p, g, m, v);
        return p;
    }

    /** The roof of relu: N floats read, N written. */
    @Benchmark
    public float[] copyN() {
        System.arraycopy(copySrc, 0, copyDst, 0, N);
        return copyDst;
    }

    /** The roof of add: 1.5N floats copied (3N moved, as add's 2N read + N written). */
    @Benchmark
    public float[] copy1p5N() {
        System.arraycopy(copySrc, 0, copyDst, 0, N * 3 / 2);
        return copyDst;
    }

    /** The roof of Adam: 3.5N floats copied (7N moved, as Adam's 4N read + 3N written). */
    @Benchmark
    public float[] copy3p5N() {
        System.arraycopy(copySrc, 0, copyDst, 0, N * 7 / 2);
        return copyDst;
    }
}
