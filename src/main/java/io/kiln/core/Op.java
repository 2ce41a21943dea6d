package io.kiln.core;

import java.util.function.Function;

/**
 * The op catalog, described once: each op's name, category, number of tensor inputs, whether it is elementwise,
 * the op its gradient uses, and its cost formula under the convention of {@link Cost}. The graph compiler,
 * autodiff, the profiler and the conformance suite read this table; nothing restates it.
 *
 * <p>{@link #cost(long...)} takes the sizes named by {@link #costArgs()}: {@code n} (elements) for elementwise
 * ops and optimizers, {@code m, n, k} for GEMM ({@code batch, m, n, k} for batched), {@code rows, cols} for row ops
 * and losses. Per-element counts (FLOPs + transcendentals) for the activations:
 *
 * <pre>
 *  op            forward   backward     op            forward   backward
 *  relu          1 + 0     1 + 0        silu          4 + 1     8 + 1
 *  leaky_relu    2 + 0     2 + 0        gelu_erf      4 + 1    10 + 2
 *  sigmoid       3 + 1     6 + 1        gelu_tanh     7 + 1    17 + 1
 *  tanh          0 + 1     3 + 1        gelu_sigmoid  5 + 1    10 + 1
 * </pre>
 */
public enum Op {
    // --- GEMM
    GEMM("gemm", Category.GEMM, 3, false, "m, n, k[, beta != 0 ? 1 : 0]", a -> {
        long m = a[0], n = a[1], k = a[2];
        boolean readC = a.length > 3 && a[3] != 0;
        return new Cost(2 * m * n * k, 0, 4 * (m * k + k * n + (readC ? m * n : 0)), 4 * m * n);
    }),
    BATCHED_GEMM("batched_gemm", Category.GEMM, 3, false, "batch, m, n, k[, beta != 0 ? 1 : 0]", a -> {
        long bt = a[0], m = a[1], n = a[2], k = a[3];
        boolean readC = a.length > 4 && a[4] != 0;
        return new Cost(2 * bt * m * n * k, 0, 4 * bt * (m * k + k * n + (readC ? m * n : 0)), 4 * bt * m * n);
    }),

    // --- elementwise primitives
    ADD("add", Category.ELEMENTWISE, 2, true, 1, 0, 2, 1),
    SUB("sub", Category.ELEMENTWISE, 2, true, 1, 0, 2, 1),
    MUL("mul", Category.ELEMENTWISE, 2, true, 1, 0, 2, 1),
    DIV("div", Category.ELEMENTWISE, 2, true, 1, 0, 2, 1),
    MAX("max", Category.ELEMENTWISE, 2, true, 1, 0, 2, 1),
    MIN("min", Category.ELEMENTWISE, 2, true, 1, 0, 2, 1),
    SCALE("scale", Category.ELEMENTWISE, 1, true, 1, 0, 1, 1),
    AXPY("axpy", Category.ELEMENTWISE, 2, true, 2, 0, 2, 1),
    BIAS_ADD("bias_add", Category.ELEMENTWISE, 2, true, 1, 0, 1, 1),
    CLAMP("clamp", Category.ELEMENTWISE, 1, true, 2, 0, 1, 1),
    NEG("neg", Category.ELEMENTWISE, 1, true, 1, 0, 1, 1),
    ABS("abs", Category.ELEMENTWISE, 1, true, 1, 0, 1, 1),
    EXP("exp", Category.ELEMENTWISE, 1, true, 0, 1, 1, 1),
    LOG("log", Category.ELEMENTWISE, 1, true, 0, 1, 1, 1),
    ERF("erf", Category.ELEMENTWISE, 1, true, 0, 1, 1, 1),
    SQRT("sqrt", Category.ELEMENTWISE, 1, true, 0, 1, 1, 1),
    RECIPROCAL("reciprocal", Category.ELEMENTWISE, 1, true, 1, 0, 1, 1),
    SQUARE("square", Category.ELEMENTWISE, 1, true, 1, 0, 1, 1),

    // --- activations (forward reads x, writes y; backward reads x and dy, writes dx)
    IDENTITY("identity", Category.ACTIVATION, 1, true, 0, 0, 1, 1),
    RELU("relu", Category.ACTIVATION, 1, true, 1, 0, 1, 1),
    RELU_BACKWARD("relu_backward", Category.ACTIVATION_BACKWARD, 2, true, 1, 0, 2, 1),
    LEAKY_RELU("leaky_relu", Category.ACTIVATION, 1, true, 2, 0, 1, 1),
    LEAKY_RELU_BACKWARD("leaky_relu_backward", Category.ACTIVATION_BACKWARD, 2, true, 2, 0, 2, 1),
    SIGMOID("sigmoid", Category.ACTIVATION, 1, true, 3, 1, 1, 1),
    SIGMOID_BACKWARD("sigmoid_backward", Category.ACTIVATION_BACKWARD, 2, true, 6, 1, 2, 1),
    TANH("tanh", Category.ACTIVATION, 1, true, 0, 1, 1, 1),
    TANH_BACKWARD("tanh_backward", Category.ACTIVATION_BACKWARD, 2, true, 3, 1, 2, 1),
    SILU("silu", Category.ACTIVATION, 1, true, 4, 1, 1, 1),
    SILU_BACKWARD("silu_backward", Category.ACTIVATION_BACKWARD, 2, true, 8, 1, 2, 1),
    GELU_ERF("gelu_erf", Category.ACTIVATION, 1, true, 4, 1, 1, 1),
    GELU_ERF_BACKWARD("gelu_erf_backward", Category.ACTIVATION_BACKWARD, 2, true, 10, 2, 2, 1),
    GELU_TANH("gelu_tanh", Category.ACTIVATION, 1, true, 7, 1, 1, 1),
    GELU_TANH_BACKWARD("gelu_tanh_backward", Category.ACTIVATION_BACKWARD, 2, true, 17, 1, 2, 1),
    GELU_SIGMOID("gelu_sigmoid", Category.ACTIVATION, 1, true, 5, 1, 1, 1),
    GELU_SIGMOID_BACKWARD("gelu_sigmoid_backward", Category.ACTIVATION_BACKWARD, 2, true, 10, 1, 2, 1),

    // --- softmax over rows: (rows, cols)
    SOFTMAX("softmax", Category.SOFTMAX, 1, false, "rows, cols", a -> rowCost(a, 4, 1, 1, 1, 0)),
    LOG_SOFTMAX("log_softmax", Category.SOFTMAX, 1, false, "rows, cols", a -> rowCost(a, 4, 1, 1, 1, 1)),
    SOFTMAX_BACKWARD("softmax_backward", Category.SOFTMAX, 2, false, "rows, cols", a -> rowCost(a, 4, 0, 2, 1, 0)),
    LOG_SOFTMAX_BACKWARD("log_softmax_backward", Category.SOFTMAX, 2, false, "rows, cols",
            a -> rowCost(a, 3, 1, 2, 1, 0)),

    // --- losses: (rows, cols); the fused variants also write the gradient
    MSE_LOSS("mse_loss", Category.LOSS, 2, false, "n", a -> new Cost(3 * a[0], 0, 8 * a[0], 0)),
    MSE_LOSS_WITH_GRAD("mse_loss+grad", Category.LOSS, 2, false, "n", a -> new Cost(4 * a[0], 0, 8 * a[0], 4 * a[0])),
    CROSS_ENTROPY("cross_entropy", Category.LOSS, 1, false, "rows, cols", a -> rowCost(a, 4, 1, 1, 0, 1)),
    CROSS_ENTROPY_WITH_GRAD("softmax+cross_entropy", Category.LOSS, 1, false, "rows, cols",
            a -> rowCost(a, 6, 1, 1, 1, 1)),
    CROSS_ENTROPY_SOFT("cross_entropy_soft", Category.LOSS, 2, false, "rows, cols", a -> rowCost(a, 6, 1, 2, 0, 1)),
    CROSS_ENTROPY_SOFT_WITH_GRAD("softmax+cross_entropy_soft", Category.LOSS, 2, false, "rows, cols",
            a -> rowCost(a, 9, 1, 2, 1, 1)),

    // --- reductions: (elements in, elements out)
    REDUCE_SUM("reduce_sum", Category.REDUCTION, 1, false, "n_in, n_out", Op::reduceCost),
    REDUCE_MEAN("reduce_mean", Category.REDUCTION, 1, false, "n_in, n_out", Op::reduceCost),
    REDUCE_MAX("reduce_max", Category.REDUCTION, 1, false, "n_in, n_out", Op::reduceCost),
    ARGMAX("argmax", Category.REDUCTION, 1, false, "n_in, n_out", Op::reduceCost),
    L2_NORM("l2_norm", Category.REDUCTION, 1, false, "n", a -> new Cost(2 * a[0], 1, 4 * a[0], 0)),

    // --- dropout (compare + scale per element; the counter-based RNG's integer work is not counted)
    DROPOUT("dropout", Category.DROPOUT, 1, true, 2, 0, 1, 1),
    DROPOUT_BACKWARD("dropout_backward", Category.DROPOUT, 1, true, 2, 0, 1, 1),

    // --- optimizer updates, one pass over n parameters; weight decay or L1 adds 2 FLOPs per element each
    SGD("sgd", Category.OPTIMIZER, 2, true, 2, 0, 2, 1),
    SGD_MOMENTUM("sgd_momentum", Category.OPTIMIZER, 3, true, 5, 0, 3, 2),
    SGD_NESTEROV("sgd_nesterov", Category.OPTIMIZER, 3, true, 7, 0, 3, 2),
    ADAM("adam", Category.OPTIMIZER, 4, true, 12, 1, 4, 3),
    ADAMW("adamw", Category.OPTIMIZER, 4, true, 14, 1, 4, 3),
    CLIP_GRAD_NORM("clip_grad_norm", Category.OPTIMIZER, 1, false, "n", a -> new Cost(3 * a[0], 1, 8 * a[0],
            4 * a[0]));

    /** Families of ops, as reports and dispatch rules group them. */
    public enum Category { GEMM, ELEMENTWISE, ACTIVATION, ACTIVATION_BACKWARD, SOFTMAX, LOSS, REDUCTION, DROPOUT,
        OPTIMIZER }

    private final String opName;
    private final Category category;
    private final int arity;
    private final boolean elementwise;
    private final String costArgs;
    private final Function<long[], Cost> costRule;

    Op(String opName, Category category, int arity, boolean elementwise, String costArgs,
       Function<long[], Cost> costRule) {
        this.opName = opName;
        this.category = category;
        this.arity = arity;
        this.elementwise = elementwise;
        this.costArgs = costArgs;
        this.costRule = costRule;
    }

    /** Elementwise op over n elements: FLOPs and transcendentals per element, tensors of n floats read and written. */
    Op(String opName, Category category, int arity, boolean elementwise, int flopsPerElement, int transPerElement,
       int tensorsRead, int tensorsWritten) {
        this(opName, category, arity, elementwise, "n", a -> new Cost(flopsPerElement * a[0],
                transPerElement * a[0], 4L * tensorsRead * a[0], 4L * tensorsWritten * a[0]));
    }

    private static Cost rowCost(long[] a, int flopsPerElement, int transPerElement, int tensorsRead,
                                int tensorsWritten, int logsPerRow) {
        long rows = a[0], n = a[0] * a[1];
        return new Cost(flopsPerElement * n + rows, transPerElement * n + logsPerRow * rows, 4L * tensorsRead * n,
                4L * tensorsWritten * n);
    }

    private static Cost reduceCost(long[] a) {
        return new Cost(a[0], 0, 4 * a[0], 4 * a[1]);
    }

    public String opName() {
        return opName;
    }

    public Category category() {
        return category;
    }

    /** Number of tensor inputs. */
    public int arity() {
        return arity;
    }

    public boolean isElementwise() {
        return elementwise;
    }

    /** What {@link #cost(long...)} takes, in order. */
    public String costArgs() {
        return costArgs;
    }

    /** The counted cost for the sizes named by {@link #costArgs()}. */
    public Cost cost(long... sizes) {
        int needed = costArgs.split(",").length - (costArgs.contains("[") ? 1 : 0);
        if (sizes == null || sizes.length < needed) {
            throw new InvalidArgumentException(opName + ": cost needs (" + costArgs + ")");
        }
        return costRule.apply(sizes);
    }

    /** The forward activation op of {@code act}. */
    public static Op forward(Activation act) {
        return switch (act) {
            case IDENTITY -> IDENTITY;
            case RELU -> RELU;
            case LEAKY_RELU -> LEAKY_RELU;
            case SIGMOID -> SIGMOID;
            case TANH -> TANH;
            case SILU -> SILU;
            case GELU_ERF -> GELU_ERF;
            case GELU_TANH -> GELU_TANH;
            case GELU_SIGMOID -> GELU_SIGMOID;
        };
    }

    /** The backward op of {@code act} (identity's backward is a copy, counted as {@link #IDENTITY}). */
    public static Op backward(Activation act) {
        return switch (act) {
            case IDENTITY -> IDENTITY;
            case RELU -> RELU_BACKWARD;
            case LEAKY_RELU -> LEAKY_RELU_BACKWARD;
            case SIGMOID -> SIGMOID_BACKWARD;
            case TANH -> TANH_BACKWARD;
            case SILU -> SILU_BACKWARD;
            case GELU_ERF -> GELU_ERF_BACKWARD;
            case GELU_TANH -> GELU_TANH_BACKWARD;
            case GELU_SIGMOID -> GELU_SIGMOID_BACKWARD;
        };
    }

    public static Op of(UnaryOp op) {
        return switch (op) {
            case NEG -> NEG;
            case ABS -> ABS;
            case EXP -> EXP;
            case LOG -> LOG;
            case TANH -> TANH;
            case ERF -> ERF;
            case SQRT -> SQRT;
            case RECIPROCAL -> RECIPROCAL;
            case SQUARE -> SQUARE;
        };
    }

    public static Op of(BinaryOp op) {
        return switch (op) {
            case ADD -> ADD;
            case SUB -> SUB;
            case MUL -> MUL;
            case DIV -> DIV;
            case MAX -> MAX;
            case MIN -> MIN;
        };
    }

    public static Op of(Reduction r) {
        return switch (r) {
            case SUM -> REDUCE_SUM;
            case MEAN -> REDUCE_MEAN;
            case MAX -> REDUCE_MAX;
        };
    }
}
