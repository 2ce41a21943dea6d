package io.kiln.graph;

import io.kiln.core.AdamConfig;
import io.kiln.core.Activation;
import io.kiln.core.FusedExpression;
import io.kiln.core.Reduction;
import io.kiln.core.SgdConfig;
import java.util.Arrays;

/** Attributes of graph nodes, one record per kind that has any. All are values (equals/hashCode by content). */
public sealed interface Attr {

    /** {@code op(A)·op(B)}; A stored k×m when {@code transA}, B stored n×k when {@code transB}. */
    record Matmul(boolean transA, boolean transB) implements Attr {
    }

    /** A constant's values (row-major, of the node's shape). */
    record Constant(float[] values) implements Attr {
        public boolean isScalar() {
            return values.length == 1;
        }

        public float scalar() {
            return values[0];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Constant c && Arrays.equals(c.values, values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            if (values.length == 1) {
                return Float.toString(values[0]);
            }
            return values.length <= 6 ? Arrays.toString(values) : "[" + values.length + " values]";
        }
    }

    /** Reduction over {@code axis}, or over every element when {@code axis} is {@link #ALL}. */
    record Reduce(Reduction reduction, int axis) implements Attr {
        public static final int ALL = Integer.MIN_VALUE;

        public boolean all() {
            return axis == ALL;
        }

        @Override
        public String toString() {
            return reduction.opName() + (all() ? "" : " axis=" + axis);
        }
    }

    /**
     * Inverted dropout drawing element i's mask from Philox(seed, offset + i) with
     * {@code offset = base + run · stride}: a fresh mask every run, the same one for the forward and its backward.
     */
    record Dropout(float p, long seed, long base) implements Attr {
    }

    record Clamp(float lo, float hi) implements Attr {
    }

    /** A fused elementwise kernel: the expression, evaluated at the node's shape over its inputs. */
    record Fused(FusedExpression expression) implements Attr {
        @Override
        public String toString() {
            return expression.toString();
        }
    }

    /** {@code act(op(A)·op(B) + bias)}, bias optional (the third input when present). */
    record Epilogue(boolean transA, boolean transB, boolean hasBias, Activation activation) implements Attr {
    }

    /** The loss a {@link OpKind#LOSS_WITH_GRAD} node computes: {@link OpKind#MSE_LOSS}, cross-entropy, ... */
    record LossWithGrad(OpKind loss) implements Attr {
    }

    record Adam(AdamConfig config) implements Attr {
    }

    record Sgd(SgdConfig config) implements Attr {
    }
}
