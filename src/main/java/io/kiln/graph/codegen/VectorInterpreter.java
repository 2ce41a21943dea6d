package io.kiln.graph.codegen;

import io.kiln.core.Broadcast;
import io.kiln.core.FusedExpression;
import io.kiln.core.HostTensor;
import io.kiln.core.Shape;
import io.kiln.core.Tensor;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Evaluates a {@link FusedExpression} over host tensors with the Vector API, tile by tile: the output is cut into
 * tiles of {@link #TILE} floats; each step runs over the whole tile (one vector loop per op, the dispatch outside the
 * loop) into a tile buffer reused by liveness; inputs of the output's shape are read in place, broadcast inputs
 * gathered once per tile, and the last step writes the output tile (a last, partial tile is computed in whole vectors
 * over buffers and copied out). Each input is read once and the output written once; intermediate values go through
 * L1 instead of registers (the generated kernels of {@link FusedKernelCompiler} keep them in registers). Accuracy: as
 * {@link VectorMath}. Single-threaded; inputs may share storage with the output when they have its shape.
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
        float[] resultTile = new float[TILE];
        for (int start = 0; start < n; start += TILE) {
            int len = Math.min(TILE, n - start);
            // a partial tile is evaluated in whole vectors over tile buffers (the tail lanes compute garbage that is
            // never stored), so its full-shape inputs are copied in and its result copied out
            boolean partial = len % L != 0;
            int vlen = partial ? len + L - len % L : len;
            for (int i = 0; i < steps; i++) {
                FusedExpression.Step s = expr.step(i);
                boolean toOut = i == result && !partial;
                float[] dst = i == result ? (partial ? resultTile : o) : buf[i];
                int d0 = toOut ? start : 0;
                switch (s.kind()) {
                    case INPUT -> {
                        int k = s.input();
                        if (direct[i] && !partial) {
                            arr[i] = in[k];
                            off[i] = start;
                            continue;
                        }
                        if (direct[i]) {
                            dst = buf[i] != null ? buf[i] : (buf[i] = new float[TILE]);
                            d0 = 0;
                        }
                        switch (access[k]) {
                            case FULL -> System.arraycopy(in[k], start, dst, d0, len);
                            case SCALAR -> Arrays.fill(dst, d0, d0 + len, in[k][0]);
                            default -> Broadcast.gather(in[k], shape, strides[k], start, len, dst, d0);
                        }
                    }
                    case CONSTANT -> {
                        if (i != result) {
                            arr[i] = buf[i];
                            off[i] = 0;
                            continue;
                        }
                        Arrays.fill(dst, d0, d0 + len, s.constant());
                    }
                    case UNARY -> unary(s, arr[s.a()], off[s.a()], dst, d0, vlen);
                    case BINARY -> binary(s, arr[s.a()], off[s.a()], arr[s.b()], off[s.b()], dst, d0, vlen);
                    case ACTIVATION -> activation(s, arr[s.a()], off[s.a()], dst, d0, vlen);
                    case ACTIVATION_BACKWARD -> activationBackward(s, arr[s.a()], off[s.a()], arr[s.b()], off[s.b()],
                            dst, d0, vlen);
                }
                arr[i] = dst;
                off[i] = d0;
            }
            if (partial) {
                System.arraycopy(arr[result], off[result], o, start, len);
            }
        }
    }

    // One loop per op, the switch outside it, so C2 keeps every vector in a register.

    private static void unary(FusedExpression.Step s, float[] a, int ao, float[] d, int d0, int len) {
        switch (s.unary()) {
            case NEG -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.load(a, ao + j).neg().intoArray(d, d0 + j);
                }
            }
            case ABS -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.load(a, ao + j).abs().intoArray(d, d0 + j);
                }
            }
            case EXP -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.exp(VectorMath.load(a, ao + j)).intoArray(d, d0 + j);
                }
            }
            case LOG -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.log(VectorMath.load(a, ao + j)).intoArray(d, d0 + j);
                }
            }
            case TANH -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.tanh(VectorMath.load(a, ao + j)).intoArray(d, d0 + j);
                }
            }
            case ERF -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.erf(VectorMath.load(a, ao + j)).intoArray(d, d0 + j);
                }
            }
            case SQRT -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.load(a, ao + j).sqrt().intoArray(d, d0 + j);
                }
            }
            case RECIPROCAL -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.reciprocal(VectorMath.load(a, ao + j)).intoArray(d, d0 + j);
                }
            }
            case SQUARE -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.square(VectorMath.load(a, ao + j)).intoArray(d, d0 + j);
                }
            }
        }
    }

    private static void binary(FusedExpression.Step s, float[] a, int ao, float[] b, int bo, float[] d, int d0,
                               int len) {
        switch (s.binary()) {
            case ADD -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.load(a, ao + j).add(VectorMath.load(b, bo + j)).intoArray(d, d0 + j);
                }
            }
            case SUB -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.load(a, ao + j).sub(VectorMath.load(b, bo + j)).intoArray(d, d0 + j);
                }
            }
            case MUL -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.load(a, ao + j).mul(VectorMath.load(b, bo + j)).intoArray(d, d0 + j);
                }
            }
            case DIV -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.load(a, ao + j).div(VectorMath.load(b, bo + j)).intoArray(d, d0 + j);
                }
            }
            case MAX -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.load(a, ao + j).max(VectorMath.load(b, bo + j)).intoArray(d, d0 + j);
                }
            }
            case MIN -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.load(a, ao + j).min(VectorMath.load(b, bo + j)).intoArray(d, d0 + j);
                }
            }
        }
    }

    private static void activation(FusedExpression.Step s, float[] a, int ao, float[] d, int d0, int len) {
        switch (s.activation()) {
            case IDENTITY -> System.arraycopy(a, ao, d, d0, len);
            case RELU -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.relu(VectorMath.load(a, ao + j)).intoArray(d, d0 + j);
                }
            }
            case LEAKY_RELU -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.leakyRelu(VectorMath.load(a, ao + j)).intoArray(d, d0 + j);
                }
            }
            case SIGMOID -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.sigmoid(VectorMath.load(a, ao + j)).intoArray(d, d0 + j);
                }
            }
            case TANH -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.tanh(VectorMath.load(a, ao + j)).intoArray(d, d0 + j);
                }
            }
            case SILU -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.silu(VectorMath.load(a, ao + j)).intoArray(d, d0 + j);
                }
            }
            case GELU_ERF -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.geluErf(VectorMath.load(a, ao + j)).intoArray(d, d0 + j);
                }
            }
            case GELU_TANH -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.geluTanh(VectorMath.load(a, ao + j)).intoArray(d, d0 + j);
                }
            }
            case GELU_SIGMOID -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.geluSigmoid(VectorMath.load(a, ao + j)).intoArray(d, d0 + j);
                }
            }
        }
    }

    private static void activationBackward(FusedExpression.Step s, float[] x, int xo, float[] g, int go, float[] d,
                                           int d0, int len) {
        switch (s.activation()) {
            case IDENTITY -> System.arraycopy(g, go, d, d0, len);
            case RELU -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.reluBackward(VectorMath.load(x, xo + j), VectorMath.load(g, go + j))
                            .intoArray(d, d0 + j);
                }
            }
            case LEAKY_RELU -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.leakyReluBackward(VectorMath.load(x, xo + j), VectorMath.load(g, go + j))
                            .intoArray(d, d0 + j);
                }
            }
            case SIGMOID -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.sigmoidBackward(VectorMath.load(x, xo + j), VectorMath.load(g, go + j))
                            .intoArray(d, d0 + j);
                }
            }
            case TANH -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.tanhBackward(VectorMath.load(x, xo + j), VectorMath.load(g, go + j))
                            .intoArray(d, d0 + j);
                }
            }
            case SILU -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.siluBackward(VectorMath.load(x, xo + j), VectorMath.load(g, go + j))
                            .intoArray(d, d0 + j);
                }
            }
            case GELU_ERF -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.geluErfBackward(VectorMath.load(x, xo + j), VectorMath.load(g, go + j))
                            .intoArray(d, d0 + j);
                }
            }
            case GELU_TANH -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.geluTanhBackward(VectorMath.load(x, xo + j), VectorMath.load(g, go + j))
                            .intoArray(d, d0 + j);
                }
            }
            case GELU_SIGMOID -> {
                for (int j = 0; j < len; j += L) {
                    VectorMath.geluSigmoidBackward(VectorMath.load(x, xo + j), VectorMath.load(g, go + j))
                            .intoArray(d, d0 + j);
                }
            }
        }
    }
}
