package io.kiln.bench;

import io.kiln.backend.simd.GemmBlocking;
import io.kiln.backend.simd.SimdBackend;
import io.kiln.core.Tensor;
import org.bytedeco.javacpp.FloatPointer;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Square SGEMM C = A·B (NN, alpha 1, beta 0) at n = 256..2048 and 259 (a size that is not a multiple of the tile,
 * for the edge cost): the SIMD backend vs OpenBLAS ({@code cblas_sgemm}) on the same number of threads. Time per
 * product; GFLOP/s = 2n³ / time (bench/README.md and {@link BenchReport}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBench {
    @Param({"256", "512", "1024", "2048", "259"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    private SimdBackend simd;
    private Tensor a;
    private Tensor b;
    private Tensor c;
    private FloatPointer pa;
    private FloatPointer pb;
    private FloatPointer pc;

    static float[] random(int size, long seed) {
        Random r = new Random(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    @Setup(Level.Trial)
    public void setUp() {
        simd = new SimdBackend(threads, GemmBlocking.defaults());
        float[] x = random(n * n, 1);
        float[] y = random(n * n, 2);
        a = simd.fromArray(x, n, n);
        b = simd.fromArray(y, n, n);
        c = simd.allocate(n, n);
        pa = OpenBlas.pointer(x);
        pb = OpenBlas.pointer(y);
        pc = new FloatPointer((long) n * n);
        OpenBlas.setThreads(threads);
        System.out.println("# OpenBLAS core: " + OpenBlas.coreName() + ", threads " + OpenBlas.threads() + "; simd: "
                + simd.description());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        simd.close();
        pa.close();
        pb.close();
        pc.close();
    }

    @Benchmark
    public Tensor simd() {
        simd.gemm(false, false, 1f, a, b, 0f, c);
        return c;
    }

    @Benchmark
    public FloatPointer openblas() {
        OpenBlas.sgemm(false, false, n, n, n, 1f, pa, pb, 0f, pc);
        return pc;
    }
}
