package io.kiln.core;

/** Elementwise primitives of one input. IEEE semantics: log of a negative number is NaN, of 0 is -Inf. */
public enum UnaryOp {
    NEG("neg"), ABS("abs"), EXP("exp"), LOG("log"), TANH("tanh"), ERF("erf"), SQRT("sqrt"),
    RECIPROCAL("reciprocal"), SQUARE("square");

    private final String opName;

    UnaryOp(String opName) {
        this.opName = opName;
    }

    public String opName() {
        return opName;
    }
}
