package io.kiln.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A fused elementwise kernel as data: {@code out[i] = f(in0[i], in1[i], ...)}, where f is a small SSA program of
 * primitive steps (inputs, constants, {@link UnaryOp}s, {@link BinaryOp}s, {@link Activation}s and their
 * derivatives). The graph compiler builds one per connected group of elementwise ops; {@link Backend#fusedElementwise}
 * runs it, reading each input once and writing the output once. Inputs are broadcast to the output's shape as
 * {@link Broadcast} says, so a bias vector or a scalar is one input like any other.
 *
 * <p>Steps are numbered in order; each operand refers to an earlier step, so the program is a DAG (a value may be
 * used by several later steps) and the last step is the result. Backends evaluate it as they like: the host default
 * runs each step over an L1-sized tile; a SIMD backend may generate a class per expression; an OpenCL backend prints
 * it as C with {@link #toC} and {@link #C_PRELUDE}. {@link #equals}/{@link #hashCode} are structural (constants by
 * their bits), so a backend can cache generated code per expression.
 *
 * <p>Semantics of each step are those of the matching eager op in {@link Backend} (a binary step is
 * {@code Backend.binary}, an activation step is {@code Backend.activation}, an activation-backward step is
 * {@code act'(x)·dy}), evaluated in float32 with one rounding per step.
 */
public final class FusedExpression {

    /** What a step does. */
    public enum Kind { INPUT, CONSTANT, UNARY, BINARY, ACTIVATION, ACTIVATION_BACKWARD }

    /**
     * One SSA step. {@code a} and {@code b} are earlier step indices (−1 when unused); {@code input} is the input
     * index of an INPUT step; {@code constant} the value of a CONSTANT step; exactly one of {@code unary},
     * {@code binary}, {@code activation} is set for the op kinds. ACTIVATION_BACKWARD reads x from {@code a} and dy
     * from {@code b}.
     */
    public record Step(Kind kind, int input, float constant, UnaryOp unary, BinaryOp binary, Activation activation,
                       int a, int b) {

        /** The op's name as it appears in kernel names ({@code mul}, {@code tanh}, {@code gelu_tanh_backward}). */
        public String opName() {
            return switch (kind) {
                case INPUT -> "in" + input;
                case CONSTANT -> formatFloat(constant);
                case UNARY -> unary.opName();
                case BINARY -> binary.opName();
                case ACTIVATION -> activation.opName();
                case ACTIVATION_BACKWARD -> activation.opName() + "_backward";
            };
        }
    }

    /** Evaluates the program once over values of type R; each step is visited once, in order. */
    public interface Visitor<R> {
        R input(int index);

        R constant(float value);

        R unary(UnaryOp op, R x);

        R binary(BinaryOp op, R a, R b);

        R activation(Activation act, R x);

        /** {@code act'(x)·dy}. */
        R activationBackward(Activation act, R x, R dy);
    }

    private final int inputCount;
    private final Step[] steps;
    private final int hash;

    private FusedExpression(int inputCount, Step[] steps) {
        this.inputCount = inputCount;
        this.steps = steps;
        this.hash = 31 * inputCount + Arrays.hashCode(steps);
    }

    public static Builder builder(int inputCount) {
        return new Builder(inputCount);
    }

    /** Number of input tensors. */
    public int inputCount() {
        return inputCount;
    }

    /** Number of steps (inputs and constants included). */
    public int size() {
        return steps.length;
    }

    public Step step(int i) {
        return steps[i];
    }

    public List<Step> steps() {
        return Collections.unmodifiableList(Arrays.asList(steps));
    }

    /** Index of the result step (the last one). */
    public int result() {
        return steps.length - 1;
    }

    /** Runs {@code visitor} over every step in order and returns the result step's value. */
    @SuppressWarnings("unchecked")
    public <R> R accept(Visitor<R> visitor) {
        Object[] v = new Object[steps.length];
        for (int i = 0; i < steps.length; i++) {
            Step s = steps[i];
            v[i] = switch (s.kind()) {
                case INPUT -> visitor.input(s.input());
                case CONSTANT -> visitor.constant(s.constant());
                case UNARY -> visitor.unary(s.unary(), (R) v[s.a()]);
                case BINARY -> visitor.binary(s.binary(), (R) v[s.a()], (R) v[s.b()]);
                case ACTIVATION -> visitor.activation(s.activation(), (R) v[s.a()]);
                case ACTIVATION_BACKWARD -> visitor.activationBackward(s.activation(), (R) v[s.a()], (R) v[s.b()]);
            };
        }
        return (R) v[steps.length - 1];
    }

    /** The ops of the program in order, joined by '+' ({@code mul+mul+add+tanh}); inputs and constants left out. */
    public String opNames() {
        List<String> names = new ArrayList<>();
        for (Step s : steps) {
            if (s.kind() != Kind.INPUT && s.kind() != Kind.CONSTANT) {
                names.add(s.opName());
            }
        }
        return names.isEmpty() ? "copy" : String.join("+", names);
    }

    /** Counted cost of one output element under {@link Cost}'s convention: {FLOPs, transcendentals}. */
    public long[] costPerElement() {
        long flops = 0;
        long trans = 0;
        for (Step s : steps) {
            Cost c = switch (s.kind()) {
                case INPUT, CONSTANT -> Cost.ZERO;
                case UNARY -> Op.of(s.unary()).cost(1);
                case BINARY -> Op.of(s.binary()).cost(1);
                case ACTIVATION -> Op.forward(s.activation()).cost(1);
                case ACTIVATION_BACKWARD -> s.activation() == Activation.IDENTITY ? Cost.ZERO
                        : Op.backward(s.activation()).cost(1);
            };
            flops += c.flops();
            trans += c.transcendentals();
        }
        return new long[] {flops, trans};
    }

    /** A readable listing: {@code (in0, in1) -> { t0 = in0; t1 = 0.5; t2 = mul(t0, t1); return t2 }}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < inputCount; i++) {
            sb.append(i == 0 ? "" : ", ").append("in").append(i);
        }
        sb.append(") -> { ");
        for (int i = 0; i < steps.length; i++) {
            Step s = steps[i];
            sb.append('t').append(i).append(" = ");
            switch (s.kind()) {
                case INPUT -> sb.append("in").append(s.input());
                case CONSTANT -> sb.append(formatFloat(s.constant()));
                case UNARY, ACTIVATION -> sb.append(s.opName()).append("(t").append(s.a()).append(')');
                case BINARY, ACTIVATION_BACKWARD -> sb.append(s.opName()).append("(t").append(s.a()).append(", t")
                        .append(s.b()).append(')');
            }
            sb.append("; ");
        }
        return sb.append("return t").append(steps.length - 1).append(" }").toString();
    }

    private static String formatFloat(float v) {
        return v == (long) v && Math.abs(v) < 1e7 ? Long.toString((long) v) + ".0" : Float.toString(v);
    }

    // ------------------------------------------------------------------------------------------------ C source

    /**
     * Helpers the C printed by {@link #toC} calls (OpenCL C 1.2 / C99 with {@code <math.h>}): NaN-propagating
     * max/min as {@link Math#max}, and every activation and activation derivative with the formulas of
     * {@link Activation}. Overloaded math names ({@code exp}, {@code tanh}, {@code erf}) are OpenCL's; in C99 they
     * work on floats through promotion.
     */
    public static final String C_PRELUDE = """
            static inline float kiln_max(float a, float b) { return (a != a || b != b) ? a + b : (a == b ? (signbit(a) ? b : a) : (a > b ? a : b)); }
            static inline float kiln_min(float a, float b) { return (a != a || b != b) ? a + b : (a == b ? (signbit(a) ? a : b) : (a < b ? a : b)); }
            static inline float kiln_sigmoid(float x) { return 1.0f / (1.0f + exp(-x)); }
            static inline float kiln_identity(float x) { return x; }
            static inline float kiln_relu(float x) { return (x > 0.0f || x != x) ? x : 0.0f; }
            static inline float kiln_leaky_relu(float x) { return x > 0.0f ? x : 0.01f * x; }
            static inline float kiln_tanh(float x) { return tanh(x); }
            static inline float kiln_silu(float x) { return x * kiln_sigmoid(x); }
            static inline float kiln_gelu_erf(float x) { return 0.5f * x * (1.0f + erf(x * 0.70710678f)); }
            static inline float kiln_gelu_tanh(float x) { return 0.5f * x * (1.0f + tanh(0.79788456f * (x + 0.044715f * x * x * x))); }
            static inline float kiln_gelu_sigmoid(float x) { return x * kiln_sigmoid(1.702f * x); }
            static inline float kiln_identity_backward(float x, float dy) { return dy; }
            static inline float kiln_relu_backward(float x, float dy) { return x != x ? x : (x > 0.0f ? dy : 0.0f); }
            static inline float kiln_leaky_relu_backward(float x, float dy) { return x != x ? x : (x > 0.0f ? dy : 0.01f * dy); }
            static inline float kiln_sigmoid_backward(float x, float dy) { float s = kiln_sigmoid(x); return s * (1.0f - s) * dy; }
            static inline float kiln_tanh_backward(float x, float dy) { float t = tanh(x); return (1.0f - t * t) * dy; }
            static inline float kiln_silu_backward(float x, float dy) { float s = kiln_sigmoid(x); return s * (1.0f + x * (1.0f - s)) * dy; }
            static inline float kiln_gelu_erf_backward(float x, float dy) { return (0.5f * (1.0f + erf(x * 0.70710678f)) + x * 0.39894228f * exp(-0.5f * x * x)) * dy; }
            static inline float kiln_gelu_tanh_backward(float x, float dy) { float t = tanh(0.79788456f * (x + 0.044715f * x * x * x)); return (0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * 0.79788456f * (1.0f + 0.134145f * x * x)) * dy; }
            static inline float kiln_gelu_sigmoid_backward(float x, float dy) { float s = kiln_sigmoid(1.702f * x); return (s + 1.702f * x * s * (1.0f - s)) * dy; }
            """;

    /** C statements for the program and the name of the variable holding the result. */
    public record CSource(String statements, String result) {
    }

    /**
     * Prints the program as C statements, one {@code const float tN = ...;} per step, reading input k with the
     * expression {@code inputRead.apply(k)} (e.g. {@code "in0[gid]"} or {@code "in1[gid % cols]"}). Constants are
     * exact hexadecimal float literals.
     */
    public CSource toC(IntFunction<String> inputRead) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < steps.length; i++) {
            Step s = steps[i];
            String a = "t" + s.a();
            String b = "t" + s.b();
            String e = switch (s.kind()) {
                case INPUT -> inputRead.apply(s.input());
                case CONSTANT -> cFloat(s.constant());
                case UNARY -> switch (s.unary()) {
                    case NEG -> "-" + a;
                    case ABS -> "fabs(" + a + ")";
                    case EXP -> "exp(" + a + ")";
                    case LOG -> "log(" + a + ")";
                    case TANH -> "tanh(" + a + ")";
                    case ERF -> "erf(" + a + ")";
                    case SQRT -> "sqrt(" + a + ")";
                    case RECIPROCAL -> "1.0f / " + a;
                    case SQUARE -> a + " * " + a;
                };
                case BINARY -> switch (s.binary()) {
                    case ADD -> a + " + " + b;
                    case SUB -> a + " - " + b;
                    case MUL -> a + " * " + b;
                    case DIV -> a + " / " + b;
                    case MAX -> "kiln_max(" + a + ", " + b + ")";
                    case MIN -> "kiln_min(" + a + ", " + b + ")";
                };
                case ACTIVATION -> "kiln_" + s.activation().opName() + "(" + a + ")";
                case ACTIVATION_BACKWARD -> "kiln_" + s.activation().opName() + "_backward(" + a + ", " + b + ")";
            };
            sb.append("const float t").append(i).append(" = ").append(e).append(";\n");
        }
        return new CSource(sb.toString(), "t" + (steps.length - 1));
    }

    /** An exact C float literal: hexadecimal, {@code INFINITY} or {@code NAN}. */
    public static String cFloat(float v) {
        if (Float.isNaN(v)) {
            return "NAN";
        }
        if (Float.isInfinite(v)) {
            return v > 0 ? "INFINITY" : "(-INFINITY)";
        }
        return "(" + Float.toHexString(v) + "f)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FusedExpression e && e.hash == hash && e.inputCount == inputCount
                && Arrays.equals(e.steps, steps);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    // ------------------------------------------------------------------------------------------------- builder

    /** Appends steps; each method returns the new step's index. Operands must be earlier steps. */
    public static final class Builder {
        private final int inputCount;
        private final List<Step> steps = new ArrayList<>();

        private Builder(int inputCount) {
            if (inputCount < 0) {
                throw new InvalidArgumentException("FusedExpression: negative input count " + inputCount);
            }
            this.inputCount = inputCount;
        }

        public int input(int index) {
            if (index < 0 || index >= inputCount) {
                throw new InvalidArgumentException("FusedExpression: input " + index + " out of range [0, "
                        + inputCount + ")");
            }
            return add(new Step(Kind.INPUT, index, 0f, null, null, null, -1, -1));
        }

        public int constant(float value) {
            return add(new Step(Kind.CONSTANT, -1, value, null, null, null, -1, -1));
        }

        public int unary(UnaryOp op, int x) {
            Checks.notNull("FusedExpression", "op", op);
            return add(new Step(Kind.UNARY, -1, 0f, op, null, null, operand(x), -1));
        }

        public int binary(BinaryOp op, int a, int b) {
            Checks.notNull("FusedExpression", "op", op);
            return add(new Step(Kind.BINARY, -1, 0f, null, op, null, operand(a), operand(b)));
        }

        public int activation(Activation act, int x) {
            Checks.notNull("FusedExpression", "act", act);
            return add(new Step(Kind.ACTIVATION, -1, 0f, null, null, act, operand(x), -1));
        }

        public int activationBackward(Activation act, int x, int dy) {
            Checks.notNull("FusedExpression", "act", act);
            return add(new Step(Kind.ACTIVATION_BACKWARD, -1, 0f, null, null, act, operand(x), operand(dy)));
        }

        private int operand(int i) {
            if (i < 0 || i >= steps.size()) {
                throw new InvalidArgumentException("FusedExpression: operand t" + i + " is not an earlier step (have "
                        + steps.size() + ")");
            }
            return i;
        }

        private int add(Step s) {
            steps.add(s);
            return steps.size() - 1;
        }

        /** The expression whose result is the last step added. */
        public FusedExpression build() {
            if (steps.isEmpty()) {
                throw new InvalidArgumentException("FusedExpression: no steps");
            }
            return new FusedExpression(inputCount, steps.toArray(new Step[0]));
        }
    }
}
