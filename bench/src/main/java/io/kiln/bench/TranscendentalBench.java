package io.kiln.bench;

import io.kiln.backend.simd.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Is {@code FloatVector.lanewise(EXP | TANH | LOG)} fast on this JDK? Each function over 64K floats (L2-resident),
 * one thread: the Vector API operator ({@code *VectorApi}), Kiln's {@link VectorMath} polynomial ({@code *Kiln}), a
 * scalar {@link Math} loop ({@code *Scalar}; java.lang.Math has no erf, the Vector API no ERF operator), and a copy
 * of the same bytes. ns per element. One method per function and implementation: a benchmark method holding several
 * inlined polynomial loops would exceed C2's inlining node budget and measure boxed vectors instead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TranscendentalBench {
    static final int N = 1 << 16;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private float[] x;
    private float[] positive;
    private float[] y;

    @Setup
    public void setUp() {
        x = BenchSupport.random(N, 1);
        positive = new float[N];
        for (int i = 0; i < N; i++) {
            positive[i] = Math.abs(x[i]) * 100 + 1e-3f;
            x[i] *= 8;
        }
        y = new float[N];
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] copy() {
        System.arraycopy(x, 0, y, 0, N);
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] expKiln() {
        for (int i = 0; i < N; i += S.length()) {
            VectorMath.exp(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] expVectorApi() {
        for (int i = 0; i < N; i += S.length()) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
        }
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] expScalar() {
        for (int i = 0; i < N; i++) {
            y[i] = (float) Math.exp(x[i]);
        }
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] tanhKiln() {
        for (int i = 0; i < N; i += S.length()) {
            VectorMath.tanh(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] tanhVectorApi() {
        for (int i = 0; i < N; i += S.length()) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.TANH).intoArray(y, i);
        }
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] tanhScalar() {
        for (int i = 0; i < N; i++) {
            y[i] = (float) Math.tanh(x[i]);
        }
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] logKiln() {
        for (int i = 0; i < N; i += S.length()) {
            VectorMath.log(FloatVector.fromArray(S, positive, i)).intoArray(y, i);
        }
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] logVectorApi() {
        for (int i = 0; i < N; i += S.length()) {
            FloatVector.fromArray(S, positive, i).lanewise(VectorOperators.LOG).intoArray(y, i);
        }
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] logScalar() {
        for (int i = 0; i < N; i++) {
            y[i] = (float) Math.log(positive[i]);
        }
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] erfKiln() {
        for (int i = 0; i < N; i += S.length()) {
            VectorMath.erf(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        return y;
    }
}
