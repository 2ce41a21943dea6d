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
 * Row softmax at 4096×4096 (64 MiB) and 256×50000 (a vocabulary-sized row, 49 MiB): the SIMD backend's online
 * softmax and log-softmax and the fused softmax + cross-entropy with gradient, vs a copy of the same bytes (read x,
 * write y: the roof) and a plain-Java three-pass softmax (max, sum of exp, divide) with {@link Math#exp}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SoftmaxBench {
    @Param({"4096x4096", "256x50000"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private SimdBackend simd;
    private int rows;
    private int cols;
    private Tensor x;
    private Tensor y;
    private float[] xs;
    private float[] ys;
    private int[] labels;

    @Setup(Level.Trial)
    public void setUp() {
        rows = Integer.parseInt(shape.substring(0, shape.indexOf('x')));
        cols = Integer.parseInt(shape.substring(shape.indexOf('x') + 1));
        simd = new SimdBackend(threads, GemmBlocking.defaults());
        xs = BenchSupport.random(rows * cols, 1);
        for (int i = 0; i < xs.length; i++) {
            xs[i] *= 8;
        }
        ys = new float[rows * cols];
        x = simd.fromArray(xs, rows, cols);
        y = simd.fromArray(ys, rows, cols);
        labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = (r * 7919) % cols;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        simd.close();
    }

    @Benchmark
    public Tensor softmax() {
        simd.softmax(x, y);
        return y;
    }

    @Benchmark
    public Tensor logSoftmax() {
        simd.logSoftmax(x, y);
        return y;
    }

    @Benchmark
    public float crossEntropyWithGrad() {
        return simd.crossEntropy(x, labels, y);
    }

    /** The roof: read x once, write y once. */
    @Benchmark
    public float[] copy() {
        System.arraycopy(xs, 0, ys, 0, xs.length);
        return ys;
    }

    /** Three passes per row with Math.exp: what a straightforward Java softmax costs. */
    @Benchmark
    public float[] plainJava() {
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, xs[off + j]);
            }
            float sum = 0;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(xs[off + j] - max);
                ys[off + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < cols; j++) {
                ys[off + j] *= inv;
            }
        }
        return ys;
    }
}
