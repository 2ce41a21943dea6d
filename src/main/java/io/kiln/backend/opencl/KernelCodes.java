package io.kiln.backend.opencl;

import io.kiln.core.Activation;
import io.kiln.core.BinaryOp;
import io.kiln.core.Reduction;
import io.kiln.core.UnaryOp;

/**
 * The integer codes the kernels switch on (the {@code #define}s of kernels/common.cl, elementwise.cl and
 * reduce.cl). Written out, not taken from {@code ordinal()}, so reordering an enum cannot silently change a kernel.
 */
final class KernelCodes {
    static final int RED_SUM = 0;
    static final int RED_MEAN = 1;
    static final int RED_MAX = 2;
    static final int RED_SUMSQ = 3;

    private KernelCodes() {
    }

    static int activation(Activation a) {
        return switch (a) {
            case IDENTITY -> 0;
            case RELU -> 1;
            case LEAKY_RELU -> 2;
            case SIGMOID -> 3;
            case TANH -> 4;
            case SILU -> 5;
            case GELU_ERF -> 6;
            case GELU_TANH -> 7;
            case GELU_SIGMOID -> 8;
        };
    }

    static int binary(BinaryOp op) {
        return switch (op) {
            case ADD -> 0;
            case SUB -> 1;
            case MUL -> 2;
            case DIV -> 3;
            case MAX -> 4;
            case MIN -> 5;
        };
    }

    static int unary(UnaryOp op) {
        return switch (op) {
            case NEG -> 0;
            case ABS -> 1;
            case EXP -> 2;
            case LOG -> 3;
            case TANH -> 4;
            case ERF -> 5;
            case SQRT -> 6;
            case RECIPROCAL -> 7;
            case SQUARE -> 8;
        };
    }

    static int reduction(Reduction r) {
        return switch (r) {
            case SUM -> RED_SUM;
            case MEAN -> RED_MEAN;
            case MAX -> RED_MAX;
        };
    }
}
