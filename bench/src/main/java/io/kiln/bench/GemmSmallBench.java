package io.kiln.bench;

import io.kiln.backend.simd.GemmBlocking;
import io.kiln.backend.simd.SimdBackend;
import io.kiln.core.Backend;
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

import java.util.concurrent.TimeUnit;

/**
 * Small square SGEMM (n = 16..256, one thread): the SIMD backend (its direct unpacked path below
 * {@link GemmBlocking#directMaxWork()}, packed above), the same backend forced to always pack (to find the crossover),
 * OpenBLAS, a plain-Java i-k-j loop (which C2 auto-vectorizes), and the reference backend when it is on the class
 * path (its benchmark returns immediately otherwise; see bench/README.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmSmallBench {
    @Param({"16", "32", "64", "128", "256"})
    public int n;

    private SimdBackend simd;
    private SimdBackend packedOnly;
    private Backend reference;
    private Tensor a;
    private Tensor b;
    private Tensor c;
    private float[] x;
    private float[] y;
    private float[] z;
    private FloatPointer pa;
    private FloatPointer pb;
    private FloatPointer pc;

    @Setup(Level.Trial)
    public void setUp() {
        simd = new SimdBackend(1, GemmBlocking.defaults());
        GemmBlocking d = GemmBlocking.defaults();
        packedOnly = new SimdBackend(1, new GemmBlocking(d.mr(), d.nr(), d.mc(), d.kc(), d.nc(), 0,
                d.parallelMinFlops()));
        reference = BenchSupport.referenceOrNull();
        x = BenchSupport.random(n * n, 1);
        y = BenchSupport.random(n * n, 2);
        z = new float[n * n];
        a = simd.fromArray(x, n, n);
        b = simd.fromArray(y, n, n);
        c = simd.allocate(n, n);
        pa = OpenBlas.pointer(x);
        pb = OpenBlas.pointer(y);
        pc = new FloatPointer((long) n * n);
        OpenBlas.setThreads(1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        simd.close();
        packedOnly.close();
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
    public Tensor simdPackedOnly() {
        packedOnly.gemm(false, false, 1f, a, b, 0f, c);
        return c;
    }

    @Benchmark
    public FloatPointer openblas() {
        OpenBlas.sgemm(false, false, n, n, n, 1f, pa, pb, 0f, pc);
        return pc;
    }

    /** The loop a Java programmer writes: i-k-j, the inner loop over contiguous rows of B and C. */
    @Benchmark
    public float[] plainJava() {
        java.util.Arrays.fill(z, 0f);
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < n; p++) {
                float aip = x[i * n + p];
                int bo = p * n;
                int co = i * n;
                for (int j = 0; j < n; j++) {
                    z[co + j] += aip * y[bo + j];
                }
            }
        }
        return z;
    }

    @Benchmark
    public Object reference() {
        if (reference == null) {
            return null;
        }
        reference.gemm(false, false, 1f, a, b, 0f, c);
        return c;
    }
}
