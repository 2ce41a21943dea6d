package io.kiln.bench.opencl;

import io.kiln.backend.opencl.OpenClBackend;
import io.kiln.core.Tensor;
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
 * Host ↔ device transfer costs of the OpenCL backend for 1, 16 and 64 MiB tensors: {@code copyIn} (a Java
 * {@code float[]} to a device buffer), {@code copyOut} (back), and {@code roundTrip} (both, what an op run on the
 * device costs in transfers when its input and output cross). The peer, {@code hostArraycopy}, is
 * {@code System.arraycopy} of the same bytes between two warm Java arrays: on PoCL the "device" is host memory, so
 * the ratio shows what the OpenCL path adds over a plain copy. Buffers and arrays are allocated once (first-touch
 * page faults are not measured). Bytes moved per op: {@code mib} MiB (roundTrip: twice).
 *
 * <pre>mvn -q test-compile exec:exec@bench -Dbench.args="OpenClTransferBench -rf json -rff target/opencl-transfer.json"</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 7, time = 1)
public class OpenClTransferBench {
    @Param({"1", "16", "64"})
    public int mib;

    private OpenClBackend cl;
    private Tensor t;
    private float[] src;
    private float[] dst;

    @Setup(Level.Trial)
    public void setUp() {
        cl = new OpenClBackend();
        int n = mib * (1 << 20) / 4;
        src = new float[n];
        dst = new float[n];
        for (int i = 0; i < n; i++) {
            src[i] = i;
            dst[i] = -i;
        }
        t = cl.allocate(n);
        cl.copyIn(src, t);
        cl.copyOut(t, dst);
        System.out.println("# " + cl.description());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        t.close();
        cl.close();
    }

    @Benchmark
    public void copyIn() {
        cl.copyIn(src, t);
    }

    @Benchmark
    public float[] copyOut() {
        cl.copyOut(t, dst);
        return dst;
    }

    @Benchmark
    public float[] roundTrip() {
        cl.copyIn(src, t);
        cl.copyOut(t, dst);
        return dst;
    }

    @Benchmark
    public float[] hostArraycopy() {
        System.arraycopy(src, 0, dst, 0, src.length);
        return dst;
    }
}
