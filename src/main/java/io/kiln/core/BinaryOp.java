package io.kiln.core;

/** Elementwise primitives of two inputs, with NumPy/PyTorch broadcasting. */
public enum BinaryOp {
    ADD("add"), SUB("sub"), MUL("mul"), DIV("div"), MAX("max"), MIN("min");

    private final String opName;

    BinaryOp(String opName) {
        this.opName = opName;
    }

    public String opName() {
        return opName;
    }

    public float apply(float a, float b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
        };
    }
}
