package io.kiln.core;

/**
 * The activation functions of the catalog, forward and backward. Names follow PyTorch; {@link #opName()} is the
 * snake_case name used in reports, golden files and fused-kernel names.
 */
public enum Activation {
    /** y = x. Used by the GEMM epilogue when only a bias is added. */
    IDENTITY("identity"),
    /** y = max(x, 0); the derivative at 0 is 0 (PyTorch's choice). */
    RELU("relu"),
    /** y = x for x &gt; 0, else 0.01·x (PyTorch's default negative slope). */
    LEAKY_RELU("leaky_relu"),
    /** y = 1 / (1 + e^-x). */
    SIGMOID("sigmoid"),
    /** y = tanh(x). */
    TANH("tanh"),
    /** y = x·σ(x). */
    SILU("silu"),
    /** y = x·Φ(x) = 0.5·x·(1 + erf(x/√2)), the exact GELU. */
    GELU_ERF("gelu_erf"),
    /** y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), the tanh approximation. */
    GELU_TANH("gelu_tanh"),
    /** y = x·σ(1.702·x), the sigmoid approximation. */
    GELU_SIGMOID("gelu_sigmoid");

    /** Negative slope of {@link #LEAKY_RELU}. */
    public static final float LEAKY_SLOPE = 0.01f;
    /** √(2/π) as written in the GELU tanh formula. */
    public static final float GELU_TANH_C = 0.79788456f;
    public static final float GELU_TANH_K = 0.044715f;
    public static final float GELU_SIGMOID_K = 1.702f;

    private final String opName;

    Activation(String opName) {
        this.opName = opName;
    }

    public String opName() {
        return opName;
    }

    public static Activation byName(String name) {
        for (Activation a : values()) {
            if (a.opName.equals(name) || a.name().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new InvalidArgumentException("unknown activation '" + name + "'; known: relu, leaky_relu, sigmoid, "
                + "tanh, silu, gelu_erf, gelu_tanh, gelu_sigmoid, identity");
    }
}
