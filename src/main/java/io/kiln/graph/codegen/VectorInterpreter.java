package io.kiln.graph.codegen;

import io.kiln.core.Broadcast;
import io.kiln.core.FusedExpression;
import io.kiln.core.HostTensor;
import io.kiln.core.Shape;
import io.kiln.core.Tensor;
import java.util.ArrayDeque;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Evaluates a {@link FusedExpression} over host tensors with the Vector API, tile by tile: the output is cut into
 * tiles of {@link #TILE} floats; each step runs over the whole tile (one vector loop per step, masked at the tail)
 * into a tile buffer reused by liveness, inputs of the output's shape are read in place, broadcast inputs gathered
 * once per tile, and the last step writes the output tile. Each input is read once and the output written once;
 * intermediate values go through L1 instead of registers (the generated kernels of {@link FusedKernelCompiler} keep
 * them in registers). Accuracy: as {@link VectorMath}. Single-threaded; inputs may share storage with the output
 * when they have its shape.
 */
public final class VectorInterpreter {
    /** Floats per tile (4 KiB per live buffer). */
    public static final int TILE = 1024;
    private static final int L = VectorMath.LANES;

    private VectorInterpreter() {
    }

    /** {@code out = expr(inputs broadcast to out's shape)}; every tensor must be a {@link HostTensor}. */
    public static void evaluate(FusedExpression expr, Tensor[] inputs, Tensor out) {
        float[][] in = new float[inputs.length][];
        Shape[] shapes = new Shape[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            in[i] = ((HostTensor) inputs[i]).data();
            shapes[i] = inputs[i].shape();
        }
        evaluate(expr, in, shapes, ((HostTensor) out).data(), out.shape());
    }

    static void evaluate(FusedExpression expr, float[][] in, Shape[] inShapes, float[] o, Shape shape) {
        int n = shape.size();
        int steps = expr.size();
        int result = expr.result();
        Access[] access = new Access[in.length];
        int[][] strides = new int[in.length][];
        for (int i = 0; i < in.length; i++) {
            access[i] = Access.of(inShapes[i], shape);
            strides[i] = Broadcast.strides(inShapes[i], shape);
        }
        int[] lastUse = new int[steps];
        for (int i = 0; i < steps; i++) {
            FusedExpression.Step s = expr.step(i);
            lastUse[i] = i;
            if (s.a() >= 0) {
                lastUse[s.a()] = i;
            }
            if (s.b() >= 0) {
                lastUse[s.b()] = i;
            }
        }
        float[][] buf = new float[steps][];
        boolean[] direct = new boolean[steps];
        ArrayDeque<float[]> free = new ArrayDeque<>();
        for (int i = 0; i < steps; i++) {
            FusedExpression.Step s = expr.step(i);
            if (s.kind() == FusedExpression.Kind.INPUT && access[s.input()] == Access.FULL && i != result) {
                direct[i] = true;
            } else if (s.kind() == FusedExpression.Kind.CONSTANT) {
                buf[i] = new float[TILE];
                Arrays.fill(buf[i], s.constant());
            } else if (i != result) {
                buf[i] = free.isEmpty() ? new float[TILE] : free.pop();
            }
            for (int operand : s.b() == s.a() ? new int[] {s.a()} : new int[] {s.a(), s.b()}) {
                if (operand >= 0 && lastUse[operand] == i && !direct[operand]
                        && expr.step(operand).kind() != FusedExpression.Kind.CONSTANT && buf[operand] != null) {
                    free.push(buf[operand]);
                }
            }
        }
        float[][] arr = new float[steps][];
        int[] off = new int[steps];
        for (int start = 0; start < n; start += TILE) {
            int len = Math.min(TILE, n - start);
            for (int i = 0; i < steps; i++) {
                FusedExpression.Step s = expr.step(i);
                float[] dst = i == result ? o : buf[i];
                int d0 = i == result ? start : 0;
                switch (s.kind()) {
                    case INPUT -> {
                        int k = s.input();
                        if (direct[i]) {
                            arr[i] = in[k];
                            off[i] = start;
                            continue;
                        }
                        switch (access[k]) {
                            case FULL -> System.arraycopy(in[k], start, dst, d0, len);
                            case SCALAR -> Arrays.fill(dst, d0, d0 + len, in[k][0]);
                            default -> gather(in[k], shape, strides[k], start, len, dst, d0);
                        }
                    }
                    case CONSTANT -> {
                        if (i == result) {
                            Arrays.fill(dst, d0, d0 + len, s.constant());
                        } else {
                            arr[i] = buf[i];
                            off[i] = 0;
                            continue;
                        }
                    }
                    default -> {
                        float[] a = arr[s.a()];
                        int ao = off[s.a()];
                        float[] b = s.b() >= 0 ? arr[s.b()] : null;
                        int bo = s.b() >= 0 ? off[s.b()] : 0;
                        for (int j = 0; j < len; j += L) {
                            boolean tail = j + L > len;
                            var m = tail ? VectorMath.mask(j, len) : null;
                            FloatVector va = tail ? VectorMath.loadMasked(a, ao + j, m) : VectorMath.load(a, ao + j);
                            FloatVector vb = b == null ? null
                                    : tail ? VectorMath.loadMasked(b, bo + j, m) : VectorMath.load(b, bo + j);
                            FloatVector r = apply(s, va, vb);
                            if (tail) {
                                VectorMath.storeMasked(r, dst, d0 + j, m);
                            } else {
                                VectorMath.store(r, dst, d0 + j);
                            }
                        }
                    }
                }
                arr[i] = dst;
                off[i] = d0;
            }
        }
    }

    private static FloatVector apply(FusedExpression.Step s, FloatVector a, FloatVector b) {
        return switch (s.kind()) {
            case UNARY -> switch (s.unary()) {
                case NEG -> VectorMath.neg(a);
                case ABS -> VectorMath.abs(a);
                case EXP -> VectorMath.exp(a);
                case LOG -> VectorMath.log(a);
                case TANH -> VectorMath.tanh(a);
                case ERF -> VectorMath.erf(a);
                case SQRT -> VectorMath.sqrt(a);
                case RECIPROCAL -> VectorMath.reciprocal(a);
                case SQUARE -> VectorMath.square(a);
            };
            case BINARY -> switch (s.binary()) {
                case ADD -> VectorMath.add(a, b);
                case SUB -> VectorMath.sub(a, b);
                case MUL -> VectorMath.mul(a, b);
                case DIV -> VectorMath.div(a, b);
                case MAX -> VectorMath.max(a, b);
                case MIN -> VectorMath.min(a, b);
            };
            case ACTIVATION -> VectorMath.activation(s.activation(), a);
            case ACTIVATION_BACKWARD -> VectorMath.activationBackward(s.activation(), a, b);
            default -> throw new IllegalStateException(s.toString());
        };
    }

    /** Reads {@code src} broadcast to {@code shape} at flat indices [start, start + len). */
    static void gather(float[] src, Shape shape, int[] strides, int start, int len, float[] dst, int d0) {
        int rank = shape.rank();
        int[] dims = shape.dims();
        int[] idx = new int[rank];
        int rem = start;
        int pos = 0;
        for (int d = rank - 1; d >= 0; d--) {
            idx[d] = rem % dims[d];
            rem /= dims[d];
            pos += idx[d] * strides[d];
        }
        for (int j = 0; j < len; j++) {
            dst[d0 + j] = src[pos];
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                pos += strides[d];
                if (idx[d] < dims[d]) {
                    break;
                }
                pos -= strides[d] * idx[d];
                idx[d] = 0;
            }
        }
    }
}
