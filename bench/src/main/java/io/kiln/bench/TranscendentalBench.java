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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Is {@code FloatVector.lanewise(EXP | TANH | ERF | LOG)} fast on this JDK? Each function over 64K floats
 * (L2-resident), one thread: the Vector API operator, Kiln's {@link VectorMath} polynomial, a scalar
 * {@link Math} loop (float ↔ double), and a plain copy of the same bytes. ns per element.
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

    @Param({"exp", "tanh", "erf", "log"})
    public String fn;

    private float[] x;
    private float[] y;

    @Setup
    public void setUp() {
        x = BenchSupport.random(N, 1);
        for (int i = 0; i < N; i++) {
            x[i] = fn.equals("log") ? Math.abs(x[i]) * 100 + 1e-3f : x[i] * 8;
        }
        y = new float[N];
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] vectorApiOperator() {
        VectorOperators.Unary op = switch (fn) {
            case "exp" -> VectorOperators.EXP;
            case "tanh" -> VectorOperators.TANH;
            case "erf" -> null;
            default -> VectorOperators.LOG;
        };
        if (op == null) {
            return y; // the Vector API has no ERF operator
        }
        if (op == VectorOperators.EXP) {
            for (int i = 0; i < N; i += S.length()) {
                FloatVector.fromArray(S, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
            }
        } else if (op == VectorOperators.TANH) {
            for (int i = 0; i < N; i += S.length()) {
                FloatVector.fromArray(S, x, i).lanewise(VectorOperators.TANH).intoArray(y, i);
            }
        } else {
            for (int i = 0; i < N; i += S.length()) {
                FloatVector.fromArray(S, x, i).lanewise(VectorOperators.LOG).intoArray(y, i);
            }
        }
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] kilnPolynomial() {
        switch (fn) {
            case "exp" -> {
                for (int i = 0; i < N; i += S.length()) {
                    VectorMath.exp(FloatVector.fromArray(S, x, i)).intoArray(y, i);
                }
            }
            case "tanh" -> {
                for (int i = 0; i < N; i += S.length()) {
                    VectorMath.tanh(FloatVector.fromArray(S, x, i)).intoArray(y, i);
                }
            }
            case "erf" -> {
                for (int i = 0; i < N; i += S.length()) {
                    VectorMath.erf(FloatVector.fromArray(S, x, i)).intoArray(y, i);
                }
            }
            default -> {
                for (int i = 0; i < N; i += S.length()) {
                    VectorMath.log(FloatVector.fromArray(S, x, i)).intoArray(y, i);
                }
            }
        }
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] scalarMath() {
        switch (fn) {
            case "exp" -> {
                for (int i = 0; i < N; i++) {
                    y[i] = (float) Math.exp(x[i]);
                }
            }
            case "tanh" -> {
                for (int i = 0; i < N; i++) {
                    y[i] = (float) Math.tanh(x[i]);
                }
            }
            case "erf" -> {
                return y; // java.lang.Math has no erf
            }
            default -> {
                for (int i = 0; i < N; i++) {
                    y[i] = (float) Math.log(x[i]);
                }
            }
        }
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float[] copy() {
        System.arraycopy(x, 0, y, 0, N);
        return y;
    }
}
