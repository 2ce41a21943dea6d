package io.kiln.graph;

/**
 * The kinds of graph node. Ops the user writes map onto the catalog ({@link io.kiln.core.Op}); a few kinds exist only
 * inside the compiler: gradients of losses made by autodiff, views, and the fused kernels the passes create.
 */
public enum OpKind {
    // --- leaves
    INPUT("input", false),
    LABELS("labels", false),
    PARAMETER("parameter", false),
    CONSTANT("constant", false),

    // --- ops the user writes
    MATMUL("matmul", false),
    BINARY("binary", true),
    UNARY("unary", true),
    ACTIVATION("activation", true),
    BIAS_ADD("bias_add", true),
    CLAMP("clamp", true),
    SOFTMAX("softmax", false),
    LOG_SOFTMAX("log_softmax", false),
    REDUCE("reduce", false),
    DROPOUT("dropout", false),
    RESHAPE("reshape", false),
    BROADCAST_TO("broadcast_to", true),
    MSE_LOSS("mse_loss", false),
    CROSS_ENTROPY("cross_entropy", false),
    CROSS_ENTROPY_SOFT("cross_entropy_soft", false),
    NLL_LOSS("nll_loss", false),

    // --- made by autodiff
    ACTIVATION_BACKWARD("activation_backward", true),
    SOFTMAX_BACKWARD("softmax_backward", false),
    LOG_SOFTMAX_BACKWARD("log_softmax_backward", false),
    DROPOUT_BACKWARD("dropout_backward", false),
    MSE_GRAD("mse_loss_grad", false),
    CROSS_ENTROPY_GRAD("cross_entropy_grad", false),
    CROSS_ENTROPY_SOFT_GRAD("cross_entropy_soft_grad", false),
    NLL_GRAD("nll_loss_grad", false),

    // --- optimizer updates (effects: they write a parameter in place and have no value)
    ADAM_UPDATE("adam", false),
    SGD_UPDATE("sgd", false),

    // --- made by passes
    FUSED_ELEMENTWISE("fused", false),
    GEMM_EPILOGUE("gemm_epilogue", false),
    /** Fused loss and gradient: its value is the gradient; {@link #LOSS_OF} reads the loss it also wrote. */
    LOSS_WITH_GRAD("loss_with_grad", false),
    LOSS_OF("loss_of", false);

    private final String opName;
    private final boolean elementwise;

    OpKind(String opName, boolean elementwise) {
        this.opName = opName;
        this.elementwise = elementwise;
    }

    public String opName() {
        return opName;
    }

    /**
     * Whether the node is a pure elementwise map the fusion pass may put in a {@link io.kiln.core.FusedExpression}
     * (dropout is elementwise too, but its mask depends on a per-run offset, so it stays a kernel of its own).
     */
    public boolean isElementwise() {
        return elementwise;
    }

    public boolean isLeaf() {
        return this == INPUT || this == LABELS || this == PARAMETER || this == CONSTANT;
    }

    public boolean isEffect() {
        return this == ADAM_UPDATE || this == SGD_UPDATE;
    }
}
