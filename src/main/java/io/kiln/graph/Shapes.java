package io.kiln.graph;

import io.kiln.core.Activation;
import io.kiln.core.BinaryOp;
import io.kiln.core.Broadcast;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.Shape;
import io.kiln.core.ShapeException;
import io.kiln.core.UnaryOp;
import java.util.List;

/** Shape inference for every op kind, at build time. Errors name the op and every shape involved. */
final class Shapes {
    private Shapes() {
    }

    static Shape infer(OpKind kind, Object attr, List<Node> in, String opName) {
        return switch (kind) {
            case MATMUL -> matmul((Attr.Matmul) attr, in.get(0).shape, in.get(1).shape, opName);
            case GEMM_EPILOGUE -> {
                Attr.Epilogue e = (Attr.Epilogue) attr;
                Shape c = matmul(new Attr.Matmul(e.transA(), e.transB()), in.get(0).shape, in.get(1).shape, opName);
                if (e.hasBias()) {
                    bias(opName, c, in.get(2).shape);
                }
                yield c;
            }
            case BINARY -> Broadcast.resolve(opName, in.get(0).shape, in.get(1).shape);
            case UNARY, ACTIVATION, CLAMP, DROPOUT, DROPOUT_BACKWARD -> in.get(0).shape;
            case ACTIVATION_BACKWARD -> same(opName, "x", in.get(0).shape, "dy", in.get(1).shape);
            case BIAS_ADD -> {
                Shape x = in.get(0).shape;
                if (x.rank() < 1) {
                    throw new ShapeException(opName + ": x must have rank >= 1, got " + x);
                }
                bias(opName, x, in.get(1).shape);
                yield x;
            }
            case SOFTMAX, LOG_SOFTMAX -> {
                Shape x = in.get(0).shape;
                if (x.rank() < 1) {
                    throw new ShapeException(opName + ": x must have rank >= 1, got " + x);
                }
                yield x;
            }
            case SOFTMAX_BACKWARD, LOG_SOFTMAX_BACKWARD -> same(opName, "y", in.get(0).shape, "dy", in.get(1).shape);
            case REDUCE -> reduce((Attr.Reduce) attr, in.get(0).shape, opName);
            case MSE_LOSS -> {
                same(opName, "pred", in.get(0).shape, "target", in.get(1).shape);
                yield Shape.scalar();
            }
            case MSE_GRAD -> same(opName, "pred", in.get(0).shape, "target", in.get(1).shape);
            case CROSS_ENTROPY, NLL_LOSS -> {
                labelled(opName, in.get(0).shape, in.get(1));
                yield Shape.scalar();
            }
            case CROSS_ENTROPY_GRAD -> labelled(opName, in.get(0).shape, in.get(1));
            case CROSS_ENTROPY_SOFT -> {
                soft(opName, in.get(0).shape, in.get(1).shape);
                yield Shape.scalar();
            }
            case CROSS_ENTROPY_SOFT_GRAD -> soft(opName, in.get(0).shape, in.get(1).shape);
            case FUSED_ELEMENTWISE, BROADCAST_TO, RESHAPE, NLL_GRAD, LOSS_WITH_GRAD, LOSS_OF, CONSTANT, INPUT, LABELS,
                 PARAMETER -> throw new IllegalStateException(kind + " has an explicit shape");
            case ADAM_UPDATE, SGD_UPDATE -> same(opName, "param", in.get(0).shape, "grad", in.get(1).shape);
        };
    }

    /** Checks an explicitly given shape (reshape, broadcast_to) against the input. */
    static void checkExplicit(OpKind kind, Shape target, List<Node> in, String opName) {
        Shape x = in.get(0).shape;
        if (kind == OpKind.RESHAPE && x.size() != target.size()) {
            throw new ShapeException(opName + ": cannot reshape " + x + " (" + x.size() + " elements) to " + target
                    + " (" + target.size() + " elements)");
        }
        if (kind == OpKind.BROADCAST_TO && !Broadcast.resolve(opName, x, target).equals(target)) {
            throw new ShapeException(opName + ": " + x + " does not broadcast to " + target);
        }
    }

    private static Shape matmul(Attr.Matmul m, Shape a, Shape b, String opName) {
        if (a.rank() != 2 || b.rank() != 2) {
            throw new ShapeException(opName + ": needs two matrices, got A " + a + " and B " + b);
        }
        int mm = m.transA() ? a.dim(1) : a.dim(0);
        int k = m.transA() ? a.dim(0) : a.dim(1);
        int kb = m.transB() ? b.dim(1) : b.dim(0);
        int n = m.transB() ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw new ShapeException(opName + ": inner dimensions differ: op(A) is " + mm + "x" + k + " (A " + a
                    + (m.transA() ? " transposed" : "") + "), op(B) is " + kb + "x" + n + " (B " + b
                    + (m.transB() ? " transposed" : "") + ")");
        }
        return Shape.of(mm, n);
    }

    private static void bias(String opName, Shape x, Shape b) {
        int cols = x.cols();
        if (b.size() != cols || b.rank() > 2 || (b.rank() == 2 && b.dim(0) != 1) || b.rank() == 0) {
            throw new ShapeException(opName + ": bias " + b + " must hold " + cols + " values ([" + cols + "] or [1, "
                    + cols + "]) for x " + x);
        }
    }

    private static Shape same(String opName, String na, Shape a, String nb, Shape b) {
        if (!a.equals(b)) {
            throw new ShapeException(opName + ": " + na + " " + a + " and " + nb + " " + b
                    + " must have the same shape");
        }
        return a;
    }

    private static Shape labelled(String opName, Shape logits, Node labels) {
        if (labels.kind != OpKind.LABELS) {
            throw new InvalidArgumentException(opName + ": labels must be a labels input (Graph.labels), got "
                    + labels.kind.opName() + " " + labels.shape);
        }
        if (logits.rank() != 2 || labels.shape.dim(0) != logits.dim(0)) {
            throw new ShapeException(opName + ": logits " + logits + " need rank 2 and one label per row; labels "
                    + labels.shape);
        }
        return logits;
    }

    private static Shape soft(String opName, Shape logits, Shape targets) {
        if (logits.rank() != 2) {
            throw new ShapeException(opName + ": logits must have rank 2, got " + logits);
        }
        return same(opName, "logits", logits, "targets", targets);
    }

    private static Shape reduce(Attr.Reduce r, Shape x, String opName) {
        if (r.all()) {
            return Shape.scalar();
        }
        if (x.rank() < 1 || x.rank() > 2) {
            throw new ShapeException(opName + ": reducing over an axis needs rank 1 or 2, got " + x
                    + " (reduce every element with sum()/mean())");
        }
        int ax = r.axis() < 0 ? x.rank() + r.axis() : r.axis();
        if (ax < 0 || ax >= x.rank()) {
            throw new ShapeException(opName + ": axis " + r.axis() + " is out of range for " + x);
        }
        if (x.rank() == 1) {
            return Shape.scalar();
        }
        return Shape.of(ax == 1 ? x.dim(0) : x.dim(1));
    }

    /** The user-facing op name of a node of this kind and attribute ({@code add}, {@code gelu_tanh}, ...). */
    static String opName(OpKind kind, Object attr) {
        return switch (kind) {
            case BINARY -> ((BinaryOp) attr).opName();
            case UNARY -> ((UnaryOp) attr).opName();
            case ACTIVATION -> ((Activation) attr).opName();
            case ACTIVATION_BACKWARD -> ((Activation) attr).opName() + "_backward";
            case REDUCE -> "reduce_" + ((Attr.Reduce) attr).reduction().opName();
            default -> kind.opName();
        };
    }
}
