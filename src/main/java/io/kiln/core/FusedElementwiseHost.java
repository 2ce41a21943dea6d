package io.kiln.core;

import java.util.Arrays;

/**
 * The default {@link Backend#doFusedElementwise} for host tensors: scalar Java, tile by tile. The output is cut into
 * tiles of {@link #TILE} elements; for each tile every step runs over the whole tile into a tile buffer (buffers
 * reused by liveness, so a handful of 4 KiB buffers stay in L1), inputs of the output's shape are read in place and
 * broadcast inputs gathered once per tile, and the result step writes the output tile. So each input is read once and
 * the output written once, whatever the number of steps.
 *
 * <p>Accuracy: each step is the float32 rounding of its float64 value (add/sub/mul/div/square/reciprocal are
 * therefore correctly rounded; exp/log/tanh/sqrt within one float ulp; erf within one float ulp; activations and
 * their derivatives are evaluated in float64 from their float input and rounded once, as the reference backend
 * does). Single-threaded.
 */
final class FusedElementwiseHost {
    /** Elements per tile: 1024 floats = 4 KiB per live step buffer. */
    static final int TILE = 1024;

    private FusedElementwiseHost() {
    }

    static void evaluate(FusedExpression expr, Tensor[] inputs, Tensor out) {
        float[] o = host("fused_elementwise", "out", out);
        float[][] in = new float[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            in[i] = host("fused_elementwise", "inputs[" + i + "]", inputs[i]);
        }
        Shape shape = out.shape();
        int n = shape.size();
        int steps = expr.size();
        int result = expr.result();

        // Input access: 0 = same shape (read in place), 1 = one element, 2 = general broadcast (gathered).
        int[] mode = new int[inputs.length];
        int[][] strides = new int[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            Shape s = inputs[i].shape();
            mode[i] = s.equals(shape) ? 0 : (s.size() == 1 ? 1 : 2);
            strides[i] = Broadcast.strides(s, shape);
        }

        // Buffer per step, reused by liveness: a step's buffer is free after its last reader.
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
        int tile = Math.min(TILE, Math.max(n, 1));
        float[][] buf = new float[steps][];
        java.util.ArrayDeque<float[]> free = new java.util.ArrayDeque<>();
        boolean[] inPlace = new boolean[steps]; // value read directly from a full-shape input array
        for (int i = 0; i < steps; i++) {
            FusedExpression.Step s = expr.step(i);
            if (s.kind() == FusedExpression.Kind.INPUT && mode[s.input()] == 0 && i != result) {
                inPlace[i] = true;
            } else if (s.kind() == FusedExpression.Kind.CONSTANT) {
                buf[i] = new float[tile]; // dedicated: filled once below
                Arrays.fill(buf[i], s.constant());
            } else {
                buf[i] = i == result ? null : (free.isEmpty() ? new float[tile] : free.pop());
            }
            // release operands whose last use is this step (never constants: they keep their value)
            for (int operand : s.b() == s.a() ? new int[] {s.a()} : new int[] {s.a(), s.b()}) {
                if (operand >= 0 && lastUse[operand] == i && !inPlace[operand] && buf[operand] != null
                        && expr.step(operand).kind() != FusedExpression.Kind.CONSTANT) {
                    free.push(buf[operand]);
                }
            }
        }

        float[][] arr = new float[steps][];
        int[] off = new int[steps];
        for (int start = 0; start < n; start += tile) {
            int len = Math.min(tile, n - start);
            for (int i = 0; i < steps; i++) {
                FusedExpression.Step s = expr.step(i);
                float[] dst = i == result ? o : buf[i];
                int d0 = i == result ? start : 0;
                switch (s.kind()) {
                    case INPUT -> {
                        int k = s.input();
                        if (inPlace[i]) {
                            arr[i] = in[k];
                            off[i] = start;
                            continue;
                        }
                        if (mode[k] == 0) {
                            System.arraycopy(in[k], start, dst, d0, len);
                        } else if (mode[k] == 1) {
                            Arrays.fill(dst, d0, d0 + len, in[k][0]);
                        } else {
                            Broadcast.gather(in[k], shape, strides[k], start, len, dst, d0);
                        }
                    }
                    case CONSTANT -> {
                        if (i == result) {
                            Arrays.fill(dst, d0, d0 + len, s.constant());
                        }
                    }
                    case UNARY -> unary(s.unary(), arr[s.a()], off[s.a()], dst, d0, len);
                    case BINARY -> binary(s.binary(), arr[s.a()], off[s.a()], arr[s.b()], off[s.b()], dst, d0, len);
                    case ACTIVATION -> {
                        float[] x = arr[s.a()];
                        int xo = off[s.a()];
                        Activation act = s.activation();
                        for (int j = 0; j < len; j++) {
                            dst[d0 + j] = (float) activation(act, x[xo + j]);
                        }
                    }
                    case ACTIVATION_BACKWARD -> {
                        float[] x = arr[s.a()];
                        int xo = off[s.a()];
                        float[] g = arr[s.b()];
                        int go = off[s.b()];
                        Activation act = s.activation();
                        for (int j = 0; j < len; j++) {
                            dst[d0 + j] = (float) (derivative(act, x[xo + j]) * g[go + j]);
                        }
                    }
                }
                if (s.kind() == FusedExpression.Kind.CONSTANT && i != result) {
                    arr[i] = buf[i];
                    off[i] = 0;
                } else {
                    arr[i] = dst;
                    off[i] = d0;
                }
            }
        }
    }

    private static float[] host(String op, String name, Tensor t) {
        if (!(t instanceof HostTensor h)) {
            throw new BackendUnavailableException(op + ": backend " + t.backend().name() + " does not implement "
                    + "fused elementwise kernels for tensors in memory space '" + t.memory() + "' (" + name + " "
                    + t.shape() + "); the default kernel runs on host tensors only");
        }
        return h.data();
    }

    private static void unary(UnaryOp op, float[] x, int xo, float[] dst, int d0, int len) {
        switch (op) {
            case NEG -> {
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] = -x[xo + j];
                }
            }
            case ABS -> {
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] = Math.abs(x[xo + j]);
                }
            }
            case EXP -> {
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] = (float) Math.exp(x[xo + j]);
                }
            }
            case LOG -> {
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] = (float) Math.log(x[xo + j]);
                }
            }
            case TANH -> {
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] = (float) Math.tanh(x[xo + j]);
                }
            }
            case ERF -> {
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] = (float) erf(x[xo + j]);
                }
            }
            case SQRT -> {
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] = (float) Math.sqrt(x[xo + j]);
                }
            }
            case RECIPROCAL -> {
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] = 1f / x[xo + j];
                }
            }
            case SQUARE -> {
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] = x[xo + j] * x[xo + j];
                }
            }
        }
    }

    private static void binary(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] dst, int d0, int len) {
        switch (op) {
            case ADD -> {
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] = a[ao + j] + b[bo + j];
                }
            }
            case SUB -> {
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] = a[ao + j] - b[bo + j];
                }
            }
            case MUL -> {
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] = a[ao + j] * b[bo + j];
                }
            }
            case DIV -> {
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] = a[ao + j] / b[bo + j];
                }
            }
            case MAX -> {
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] = Math.max(a[ao + j], b[bo + j]);
                }
            }
            case MIN -> {
                for (int j = 0; j < len; j++) {
                    dst[d0 + j] = Math.min(a[ao + j], b[bo + j]);
                }
            }
        }
    }

    // The float64 formulas of the activations and erf are DoubleMath's, the same ones the reference backend uses.
    static double activation(Activation act, double x) {
        return DoubleMath.activation(act, x);
    }

    static double derivative(Activation act, double x) {
        return DoubleMath.derivative(act, x);
    }

    static double erf(double x) {
        return DoubleMath.erf(x);
    }
}
