package io.kiln.graph;

import io.kiln.core.BinaryOp;
import io.kiln.core.Cost;
import io.kiln.core.UnaryOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code fuse_softmax_cross_entropy}: turns softmax/log-softmax followed by a negative log-likelihood into one
 * cross-entropy, and a loss together with its gradient into one kernel call that writes both
 * ({@code Backend.crossEntropy(logits, labels, dlogits)}, {@code Backend.mseLoss(pred, target, dpred)}).
 *
 * <ul>
 *   <li>{@code nll_loss(log_softmax(x), L)} and {@code nll_loss(log(softmax(x)), L)} → {@code cross_entropy(x, L)};
 *   <li>their backward, {@code log_softmax_backward(log_softmax(x), s·nll_grad(L))} and
 *       {@code softmax_backward(softmax(x), s·nll_grad(L) / softmax(x))}, → {@code s·cross_entropy_grad(x, L)}
 *       (the same (softmax(x) − onehot)/N, without dividing by probabilities);
 *   <li>{@code cross_entropy(x, L)} with {@code cross_entropy_grad(x, L)} (likewise MSE and soft-target
 *       cross-entropy) → one loss-with-gradient kernel whose value is the gradient, the loss read through a
 *       {@code loss_of} node.
 * </ul>
 */
public final class SoftmaxCrossEntropyFusion implements Pass {
    public static final String NAME = "fuse_softmax_cross_entropy";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Graph apply(Graph g, PassContext context) {
        return pairLossesWithGradients(fuseLogSoftmaxNll(g));
    }

    // -------------------------------------------------------------------- softmax/log-softmax + nll → cross-entropy

    static Graph fuseLogSoftmaxNll(Graph g) {
        Rewriter r = new Rewriter(g);
        for (Node n : g.nodes) {
            List<Node> in = r.inputsOf(n);
            Node fused = switch (n.kind) {
                case NLL_LOSS -> nllToCrossEntropy(r, n, in);
                case LOG_SOFTMAX_BACKWARD -> in.get(0).kind == OpKind.LOG_SOFTMAX
                        ? backwardToGrad(r, n, in.get(0).inputs.get(0), in.get(1), List.of(in.get(0))) : null;
                case SOFTMAX_BACKWARD -> {
                    Node y = in.get(0);
                    Node dy = in.get(1);
                    yield y.kind == OpKind.SOFTMAX && dy.kind == OpKind.BINARY && dy.attr == BinaryOp.DIV
                            && dy.inputs.get(1) == y
                            ? backwardToGrad(r, n, y.inputs.get(0), dy.inputs.get(0), List.of(y, dy)) : null;
                }
                default -> null;
            };
            if (fused != null) {
                r.replace(n, fused);
            } else {
                r.keep(n);
            }
        }
        return r.finish();
    }

    private static Node nllToCrossEntropy(Rewriter r, Node nll, List<Node> in) {
        Node logp = in.get(0);
        Node labels = in.get(1);
        List<Node> absorbed = new ArrayList<>();
        Node x;
        if (logp.kind == OpKind.LOG_SOFTMAX) {
            absorbed.add(logp);
            x = logp.inputs.get(0);
        } else if (logp.kind == OpKind.UNARY && logp.attr == UnaryOp.LOG && logp.inputs.get(0).kind == OpKind.SOFTMAX) {
            absorbed.add(logp.inputs.get(0));
            absorbed.add(logp);
            x = logp.inputs.get(0).inputs.get(0);
        } else {
            return null;
        }
        absorbed.add(nll);
        return r.make(OpKind.CROSS_ENTROPY, null, List.of(x, labels), nll.shape, nll.site, opsOf(absorbed),
                Costs.sum(absorbed), nll.gradient);
    }

    /**
     * A softmax/log-softmax backward whose upstream is {@code s·nll_grad(L)} (s a one-element node, or absent): it
     * equals {@code s·cross_entropy_grad(x, L)}.
     */
    private static Node backwardToGrad(Rewriter r, Node backward, Node x, Node upstream, List<Node> alsoAbsorbed) {
        Node scale = null;
        Node nllGrad = upstream;
        if (upstream.kind == OpKind.BINARY && upstream.attr == BinaryOp.MUL) {
            Node a = upstream.inputs.get(0);
            Node b = upstream.inputs.get(1);
            if (a.kind == OpKind.NLL_GRAD && b.shape.size() == 1) {
                nllGrad = a;
                scale = b;
            } else if (b.kind == OpKind.NLL_GRAD && a.shape.size() == 1) {
                nllGrad = b;
                scale = a;
            }
        }
        if (nllGrad.kind != OpKind.NLL_GRAD || !nllGrad.shape.equals(x.shape)) {
            return null;
        }
        List<Node> absorbed = new ArrayList<>();
        absorbed.add(nllGrad);
        for (Node n : alsoAbsorbed) {
            if (n.kind.name().endsWith("BACKWARD") || n.kind == OpKind.BINARY) {
                absorbed.add(n);
            }
        }
        absorbed.add(backward);
        Node grad = r.make(OpKind.CROSS_ENTROPY_GRAD, null, List.of(x, nllGrad.inputs.get(0)), x.shape, backward.site,
                opsOf(absorbed), Costs.sum(absorbed), true);
        r.place(grad);
        if (scale == null) {
            return grad;
        }
        return r.make(OpKind.BINARY, BinaryOp.MUL, List.of(grad, scale), x.shape, upstream.site, List.of("mul"),
                upstream.cost, true);
    }

    // ------------------------------------------------------------------------------- loss + gradient → one kernel

    private static OpKind gradKindOf(OpKind loss) {
        return switch (loss) {
            case CROSS_ENTROPY -> OpKind.CROSS_ENTROPY_GRAD;
            case CROSS_ENTROPY_SOFT -> OpKind.CROSS_ENTROPY_SOFT_GRAD;
            case MSE_LOSS -> OpKind.MSE_GRAD;
            default -> null;
        };
    }

    static Graph pairLossesWithGradients(Graph g) {
        // gradient nodes by (kind, inputs)
        record Key(OpKind kind, List<Node> inputs) {
        }
        Map<Key, Node> grads = new HashMap<>();
        for (Node n : g.nodes) {
            if (n.kind == OpKind.CROSS_ENTROPY_GRAD || n.kind == OpKind.CROSS_ENTROPY_SOFT_GRAD
                    || n.kind == OpKind.MSE_GRAD) {
                grads.putIfAbsent(new Key(n.kind, n.inputs), n);
            }
        }
        if (grads.isEmpty()) {
            return g;
        }
        Map<Node, Node> gradReplacement = new HashMap<>();
        Rewriter r = new Rewriter(g);
        for (Node n : g.nodes) {
            OpKind gk = gradKindOf(n.kind);
            Node grad = gk == null ? null : grads.get(new Key(gk, n.inputs));
            if (grad != null && !gradReplacement.containsKey(grad)) {
                List<Node> in = r.inputsOf(n);
                List<String> ops = new ArrayList<>(n.ops);
                ops.addAll(grad.ops);
                Node fused = r.make(OpKind.LOSS_WITH_GRAD, new Attr.LossWithGrad(n.kind), in, grad.shape, n.site, ops,
                        n.cost.plus(grad.cost), false);
                r.place(fused);
                Node loss = r.make(OpKind.LOSS_OF, null, List.of(fused), n.shape, n.site, List.of(), Cost.ZERO,
                        n.gradient);
                r.replace(n, loss);
                gradReplacement.put(grad, fused);
            } else if (gradReplacement.containsKey(n)) {
                r.replace(n, gradReplacement.get(n));
            } else {
                r.keep(n);
            }
        }
        return r.finish();
    }

    private static List<String> opsOf(List<Node> nodes) {
        List<String> ops = new ArrayList<>();
        for (Node n : nodes) {
            ops.addAll(n.ops);
        }
        return ops;
    }
}
