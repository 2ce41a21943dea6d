package io.kiln.bench;

import io.kiln.backend.simd.GemmBlocking;
import io.kiln.backend.simd.SimdBackend;
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
 * The sweep behind {@link GemmBlocking#defaults()}: one-thread NN SGEMM at n = 1024 (and the MLP forward shape
 * 128×512×784) for register tiles (mr × nr) and cache blocks (mc, kc, nc). Each {@code blocking} is
 * "mr,nr,mc,kc,nc".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmSweepBench {
    @Param({"12,32,144,256,3072", "12,32,96,256,3072", "12,32,240,256,3072", "12,32,144,128,3072",
        "12,32,144,384,3072", "12,32,144,256,1024", "8,48,128,256,3072", "8,32,128,256,3072", "6,48,96,256,3072",
        "14,16,140,256,3072", "4,48,96,256,3072"})
    public String blocking;

    @Param({"1024x1024x1024", "128x512x784"})
    public String shape;

    private SimdBackend simd;
    private Tensor a;
    private Tensor b;
    private Tensor c;

    @Setup(Level.Trial)
    public void setUp() {
        String[] f = blocking.split(",");
        GemmBlocking d = GemmBlocking.defaults();
        simd = new SimdBackend(1, new GemmBlocking(Integer.parseInt(f[0]), Integer.parseInt(f[1]),
                Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]), d.directMaxWork(),
                d.parallelMinFlops()));
        String[] s = shape.split("x");
        int m = Integer.parseInt(s[0]);
        int n = Integer.parseInt(s[1]);
        int k = Integer.parseInt(s[2]);
        a = simd.fromArray(BenchSupport.random(m * k, 1), m, k);
        b = simd.fromArray(BenchSupport.random(k * n, 2), k, n);
        c = simd.allocate(m, n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        simd.close();
    }

    @Benchmark
    public Tensor simd() {
        simd.gemm(false, false, 1f, a, b, 0f, c);
        return c;
    }
}
