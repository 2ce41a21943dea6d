package io.kiln.bench.opencl;

import io.kiln.backend.opencl.GemmParams;
import io.kiln.backend.opencl.GemmTuner;
import io.kiln.backend.opencl.OpenClBackend;
import io.kiln.backend.simd.SimdBackend;
import io.kiln.core.Backend;
import io.kiln.core.Tensor;
import java.time.Duration;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Square SGEMM C = A·B (NN, alpha 1, beta 0) on the OpenCL backend (PoCL's CPU device here) beside the simd
 * backend, in the same JMH run on the same cores. Operands stay in each backend's memory; the OpenCL time is one
 * GEMM enqueued and waited for (packing, every N/K block launch, and the queue round trip), so it is what a caller
 * of {@code gemm} + {@code synchronize} sees. GFLOP/s = 2n³ / time.
 *
 * <p>{@code opencl-tuned} first runs {@link GemmTuner} at the benchmark's n for at most
 * {@code -Dkiln.bench.tuneSeconds} (default 40) seconds, outside the measurement, and uses its best parameters;
 * {@code opencl} uses the device defaults.
 *
 * <pre>mvn -q test-compile exec:exec@bench -Dbench.args="OpenClGemmBench -rf json -rff target/opencl-gemm.json"</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 7, time = 2)
public class OpenClGemmBench {
    @Param({"256", "512", "1024", "2048"})
    public int n;

    @Param({"opencl", "simd"})
    public String backend;

    private static final long TUNE_SECONDS = Long.getLong("kiln.bench.tuneSeconds", 40);

    private Backend be;
    private Tensor a;
    private Tensor b;
    private Tensor c;

    @Setup(Level.Trial)
    public void setUp() {
        be = switch (backend) {
            case "opencl" -> new OpenClBackend();
            case "opencl-tuned" -> {
                OpenClBackend cl = new OpenClBackend();
                GemmTuner.Report report = GemmTuner.tune(cl, n, n, n, GemmParams.candidates(cl.device()), 3,
                        Duration.ofSeconds(TUNE_SECONDS));
                System.out.println("# Tuned " + report.summary());
                cl.setGemmParams(report.best());
                yield cl;
            }
            case "simd" -> new SimdBackend();
            default -> throw new IllegalArgumentException(backend);
        };
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[n * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        a = be.fromArray(x, n, n);
        b = be.fromArray(x, n, n);
        c = be.allocate(n, n);
        System.out.println("# " + be.description());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
        c.close();
        be.close();
    }

    @Benchmark
    public void gemm() {
        be.gemm(false, false, 1f, a, b, 0f, c);
        be.synchronize();
    }
}
