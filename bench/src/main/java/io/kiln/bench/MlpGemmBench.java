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

import java.util.concurrent.TimeUnit;

/**
 * The GEMMs of one training step of an MLP 784-512-512-10 at batch 128, per layer {@code in x out}:
 * forward {@code Y = X·W} (NN: m = 128, n = out, k = in), weight gradient {@code dW = Xᵀ·dY} (TN: m = in, n = out,
 * k = 128), input gradient {@code dX = dY·Wᵀ} (NT: m = 128, n = in, k = out). SIMD backend vs OpenBLAS, same thread
 * count. FLOPs = 2·128·in·out for each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MlpGemmBench {
    static final int BATCH = 128;

    @Param({"784x512", "512x512", "512x10"})
    public String layer;

    @Param({"fwd", "wgrad", "igrad"})
    public String pass;

    @Param({"1", "2"})
    public int threads;

    private SimdBackend simd;
    private boolean ta;
    private boolean tb;
    private int m;
    private int n;
    private int k;
    private Tensor a;
    private Tensor b;
    private Tensor c;
    private FloatPointer pa;
    private FloatPointer pb;
    private FloatPointer pc;

    @Setup(Level.Trial)
    public void setUp() {
        int in = Integer.parseInt(layer.substring(0, layer.indexOf('x')));
        int out = Integer.parseInt(layer.substring(layer.indexOf('x') + 1));
        int[] aDims;
        int[] bDims;
        switch (pass) {
            case "fwd" -> {
                m = BATCH;
                n = out;
                k = in;
                aDims = new int[]{BATCH, in};
                bDims = new int[]{in, out};
            }
            case "wgrad" -> {
                ta = true;
                m = in;
                n = out;
                k = BATCH;
                aDims = new int[]{BATCH, in};
                bDims = new int[]{BATCH, out};
            }
            case "igrad" -> {
                tb = true;
                m = BATCH;
                n = in;
                k = out;
                aDims = new int[]{BATCH, out};
                bDims = new int[]{in, out};
            }
            default -> throw new IllegalArgumentException(pass);
        }
        simd = new SimdBackend(threads, GemmBlocking.defaults());
        float[] x = BenchSupport.random(aDims[0] * aDims[1], 1);
        float[] y = BenchSupport.random(bDims[0] * bDims[1], 2);
        a = simd.fromArray(x, aDims);
        b = simd.fromArray(y, bDims);
        c = simd.allocate(m, n);
        pa = OpenBlas.pointer(x);
        pb = OpenBlas.pointer(y);
        pc = new FloatPointer((long) m * n);
        OpenBlas.setThreads(threads);
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
        simd.gemm(ta, tb, 1f, a, b, 0f, c);
        return c;
    }

    @Benchmark
    public FloatPointer openblas() {
        OpenBlas.sgemm(ta, tb, m, n, k, 1f, pa, pb, 0f, pc);
        return pc;
    }
}
