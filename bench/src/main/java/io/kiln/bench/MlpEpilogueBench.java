package io.kiln.bench;

import io.kiln.backend.simd.GemmBlocking;
import io.kiln.backend.simd.SimdBackend;
import io.kiln.backend.simd.VectorMath;
import io.kiln.core.Activation;
import io.kiln.core.Epilogue;
import io.kiln.core.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * A forward layer with bias + exact GELU, batch 128: the SIMD backend's GEMM with the fused epilogue (bias and GELU
 * applied to each tile as it is written) vs the SIMD GEMM followed by separate bias_add and GELU passes, vs OpenBLAS
 * followed by one separate bias + GELU pass (a Vector API loop over OpenBLAS's native output, with the SIMD
 * backend's erf): the saving of the fusion is one read and one write of C.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MlpEpilogueBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Param({"784x512", "512x512"})
    public String layer;

    @Param({"1", "2"})
    public int threads;

    private SimdBackend simd;
    private int m;
    private int n;
    private int k;
    private Tensor x;
    private Tensor w;
    private Tensor bias;
    private Tensor y;
    private Epilogue epilogue;
    private float[] biasArray;
    private FloatPointer px;
    private FloatPointer pw;
    private FloatPointer py;
    private MemorySegment ySegment;

    @Setup(Level.Trial)
    public void setUp() {
        k = Integer.parseInt(layer.substring(0, layer.indexOf('x')));
        n = Integer.parseInt(layer.substring(layer.indexOf('x') + 1));
        m = MlpGemmBench.BATCH;
        simd = new SimdBackend(threads, GemmBlocking.defaults());
        float[] xs = BenchSupport.random(m * k, 1);
        float[] ws = BenchSupport.random(k * n, 2);
        biasArray = BenchSupport.random(n, 3);
        x = simd.fromArray(xs, m, k);
        w = simd.fromArray(ws, k, n);
        bias = simd.fromArray(biasArray, n);
        y = simd.allocate(m, n);
        epilogue = Epilogue.of(bias, Activation.GELU_ERF);
        px = OpenBlas.pointer(xs);
        pw = OpenBlas.pointer(ws);
        py = new FloatPointer((long) m * n);
        ySegment = MemorySegment.ofAddress(py.address()).reinterpret(4L * m * n);
        OpenBlas.setThreads(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        simd.close();
        px.close();
        pw.close();
        py.close();
    }

    @Benchmark
    public Tensor simdFused() {
        simd.gemm(false, false, 1f, x, w, 0f, y, epilogue);
        return y;
    }

    @Benchmark
    public Tensor simdSeparatePasses() {
        simd.gemm(false, false, 1f, x, w, 0f, y);
        simd.biasAdd(y, bias, y);
        simd.activation(Activation.GELU_ERF, y, y);
        return y;
    }

    @Benchmark
    public FloatPointer openblasThenBiasGelu() {
        OpenBlas.sgemm(false, false, m, n, k, 1f, px, pw, 0f, py);
        biasGelu(ySegment, biasArray, m, n);
        return py;
    }

    /** One pass: y = gelu(y + bias) over the native row-major m × n matrix. */
    static void biasGelu(MemorySegment y, float[] bias, int m, int n) {
        int l = S.length();
        for (int i = 0; i < m; i++) {
            long row = 4L * i * n;
            for (int j = 0; j < n; j += l) {
                var mask = S.indexInRange(j, n);
                FloatVector v = FloatVector.fromMemorySegment(S, y, row + 4L * j, ByteOrder.nativeOrder(), mask)
                        .add(FloatVector.fromArray(S, bias, j, mask));
                FloatVector half = v.mul(0.5f);
                half.fma(VectorMath.erf(v.mul(0.70710678f)), half)
                        .intoMemorySegment(y, row + 4L * j, ByteOrder.nativeOrder(), mask);
            }
        }
    }
}
