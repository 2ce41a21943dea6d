package io.kiln.graph;

import io.kiln.core.Activation;
import io.kiln.core.BinaryOp;
import io.kiln.core.Cost;
import io.kiln.core.Op;
import io.kiln.core.Shape;
import io.kiln.core.UnaryOp;
import java.util.List;

/**
 * The counted cost of the op a user-written (or autodiff-made) node stands for, from the catalog ({@link Op#cost}).
 * Only FLOPs and transcendentals are kept per node; bytes are counted per kernel after fusion (each tensor the
 * kernel reads or writes outside itself, once).
 */
final class Costs {
    private Costs() {
    }

    static Cost of(OpKind kind, Object attr, List<Node> in, Shape out) {
        long n = out.size();
        Cost c = switch (kind) {
            case MATMUL -> {
                Attr.Matmul m = (Attr.Matmul) attr;
                Shape a = in.get(0).shape;
                long k = m.transA() ? a.dim(0) : a.dim(1);
                yield Op.GEMM.cost(out.dim(0), out.dim(1), k);
            }
            case BINARY -> Op.of((BinaryOp) attr).cost(n);
            case UNARY -> Op.of((UnaryOp) attr).cost(n);
            case ACTIVATION -> Op.forward((Activation) attr).cost(n);
            case ACTIVATION_BACKWARD -> attr == Activation.IDENTITY ? Cost.ZERO
                    : Op.backward((Activation) attr).cost(n);
            case BIAS_ADD -> Op.BIAS_ADD.cost(n);
            case CLAMP -> Op.CLAMP.cost(n);
            case SOFTMAX -> Op.SOFTMAX.cost(out.rows(), out.cols());
            case LOG_SOFTMAX -> Op.LOG_SOFTMAX.cost(out.rows(), out.cols());
            case SOFTMAX_BACKWARD -> Op.SOFTMAX_BACKWARD.cost(out.rows(), out.cols());
            case LOG_SOFTMAX_BACKWARD -> Op.LOG_SOFTMAX_BACKWARD.cost(out.rows(), out.cols());
            case REDUCE -> Op.of(((Attr.Reduce) attr).reduction()).cost(in.get(0).shape.size(), out.size());
            case DROPOUT -> Op.DROPOUT.cost(n);
            case DROPOUT_BACKWARD -> Op.DROPOUT_BACKWARD.cost(n);
            case MSE_LOSS -> Op.MSE_LOSS.cost(in.get(0).shape.size());
            case MSE_GRAD -> minus(Op.MSE_LOSS_WITH_GRAD.cost(n), Op.MSE_LOSS.cost(n));
            case CROSS_ENTROPY -> rows(Op.CROSS_ENTROPY, in.get(0).shape);
            case CROSS_ENTROPY_GRAD -> minus(rows(Op.CROSS_ENTROPY_WITH_GRAD, out), rows(Op.CROSS_ENTROPY, out));
            case CROSS_ENTROPY_SOFT -> rows(Op.CROSS_ENTROPY_SOFT, in.get(0).shape);
            case CROSS_ENTROPY_SOFT_GRAD -> minus(rows(Op.CROSS_ENTROPY_SOFT_WITH_GRAD, out),
                    rows(Op.CROSS_ENTROPY_SOFT, out));
            // not in the catalog: a gather of one value per row and their mean, counted as that reduction
            case NLL_LOSS -> Op.REDUCE_MEAN.cost(in.get(0).shape.rows(), 1);
            case ADAM_UPDATE -> (((Attr.Adam) attr).config().decoupled() ? Op.ADAMW : Op.ADAM).cost(n);
            case SGD_UPDATE -> {
                var cfg = ((Attr.Sgd) attr).config();
                Op op = !cfg.usesMomentum() ? Op.SGD : cfg.nesterov() ? Op.SGD_NESTEROV : Op.SGD_MOMENTUM;
                Cost base = op.cost(n);
                long extra = (cfg.weightDecay() != 0 ? 2 : 0) + (cfg.l1() != 0 ? 2 : 0);
                yield new Cost(base.flops() + extra * n, 0, base.bytesRead(), base.bytesWritten());
            }
            default -> Cost.ZERO; // leaves, views, one-hot gradients, and fused nodes (which sum their parts)
        };
        return new Cost(c.flops(), c.transcendentals(), 0, 0);
    }

    private static Cost rows(Op op, Shape s) {
        return op.cost(s.rows(), s.cols());
    }

    private static Cost minus(Cost a, Cost b) {
        return new Cost(a.flops() - b.flops(), a.transcendentals() - b.transcendentals(), 0, 0);
    }

    static Cost sum(List<Node> nodes) {
        Cost c = Cost.ZERO;
        for (Node n : nodes) {
            c = c.plus(n.cost);
        }
        return c;
    }
}
