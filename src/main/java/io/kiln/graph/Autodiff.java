package io.kiln.graph;

import io.kiln.core.Activation;
import io.kiln.core.BinaryOp;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.Reduction;
import io.kiln.core.Shape;
import io.kiln.core.ShapeException;
import io.kiln.core.UnaryOp;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode autodiff on the graph: walks the nodes from the loss back to the parameters and appends, for each op,
 * the nodes of its backward rule (a vector-Jacobian product), summing the contributions of a value used several
 * times. The backward nodes are ordinary graph nodes, so the compiler's passes fuse them like the forward.
 *
 * <p>Rules: activations use their catalog backward ({@code act'(x)·dy}); softmax and log-softmax their backward
 * kernels; {@code C = op(A)·op(B)} gives two matmuls with transposes; a broadcast operand gets the gradient summed
 * over its broadcast dimensions; dropout's backward redraws the forward's mask from the same (seed, offset); each
 * loss's gradient is its own kernel ({@code mse_loss_grad}, {@code cross_entropy_grad} = dlogits), which the
 * {@code fuse_softmax_cross_entropy} pass merges with the loss into one call. Backward nodes carry the site of the
 * forward node they differentiate.
 */
final class Autodiff {
    private final Graph g;
    private Node seed;

    private Autodiff(Graph g) {
        this.g = g;
    }

    static Map<Parameter, Node> grad(Graph g, Node loss, List<Parameter> params) {
        if (loss == null || loss.graph != g) {
            throw new InvalidArgumentException("grad: loss " + loss + " is not a node of graph '" + g.name() + "'");
        }
        if (loss.shape.size() != 1) {
            throw new ShapeException("grad: the loss must hold one value, got shape " + loss.shape + " (" + loss
                    + ", made at " + loss.site + ")");
        }
        Set<Node> seen = new HashSet<>();
        for (Parameter p : params) {
            if (p == null || p.graph != g) {
                throw new InvalidArgumentException("grad: parameter " + p + " is not in graph '" + g.name() + "'");
            }
            if (!seen.add(p)) {
                throw new InvalidArgumentException("grad: parameter " + p.name() + " listed twice");
            }
        }
        return new Autodiff(g).run(loss, params);
    }

    private Map<Parameter, Node> run(Node loss, List<Parameter> params) {
        int end = g.nodes.indexOf(loss);
        List<Node> forward = List.copyOf(g.nodes.subList(0, end + 1));
        // nodes that depend on a parameter: only they need gradients
        Set<Node> wanted = new HashSet<>(params);
        for (Node n : forward) {
            for (Node in : n.inputs) {
                if (wanted.contains(in)) {
                    wanted.add(n);
                    break;
                }
            }
        }
        Map<Node, Node> adj = new HashMap<>();
        seed = g.append(OpKind.CONSTANT, new Attr.Constant(new float[] {1f}), List.of(), loss.shape, loss.site, true);
        adj.put(loss, seed);
        for (int i = forward.size() - 1; i >= 0; i--) {
            Node n = forward.get(i);
            Node dy = adj.get(n);
            if (dy == null || n.kind.isLeaf() || !wanted.contains(n)) {
                continue;
            }
            for (int k = 0; k < n.inputs.size(); k++) {
                Node in = n.inputs.get(k);
                if (!wanted.contains(in)) {
                    continue;
                }
                Node contribution = vjp(n, k, dy);
                Node prev = adj.get(in);
                adj.put(in, prev == null ? contribution : binary(BinaryOp.ADD, prev, contribution, in.site));
            }
        }
        Map<Parameter, Node> out = new LinkedHashMap<>();
        for (Parameter p : params) {
            Node d = adj.get(p);
            if (d == null) {
                Node zero = constant(0f, p.site);
                d = withShape(OpKind.BROADCAST_TO, null, p.shape, p.site, zero);
            }
            out.put(p, d);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ the rules

    /** The gradient reaching input {@code k} of {@code n}, given the gradient {@code dy} of n's value. */
    private Node vjp(Node n, int k, Node dy) {
        String site = n.site;
        List<Node> in = n.inputs;
        Node x = in.get(0);
        return switch (n.kind) {
            case MATMUL -> matmulGrad((Attr.Matmul) n.attr, x, in.get(1), dy, k, site);
            case BINARY -> binaryGrad((BinaryOp) n.attr, x, in.get(1), dy, k, site);
            case UNARY -> unaryGrad((UnaryOp) n.attr, x, n, dy, site);
            case ACTIVATION -> n.attr == Activation.IDENTITY ? dy
                    : op(OpKind.ACTIVATION_BACKWARD, n.attr, site, x, dy);
            case BIAS_ADD -> k == 0 ? dy : sumRowsTo(dy, in.get(1).shape, site);
            case CLAMP -> {
                Attr.Clamp c = (Attr.Clamp) n.attr;
                Node belowHi = op(OpKind.ACTIVATION_BACKWARD, Activation.RELU, site,
                        binary(BinaryOp.SUB, constant(c.hi(), site), x, site), dy);
                yield op(OpKind.ACTIVATION_BACKWARD, Activation.RELU, site,
                        binary(BinaryOp.SUB, x, constant(c.lo(), site), site), belowHi);
            }
            case SOFTMAX -> op(OpKind.SOFTMAX_BACKWARD, null, site, n, dy);
            case LOG_SOFTMAX -> op(OpKind.LOG_SOFTMAX_BACKWARD, null, site, n, dy);
            case REDUCE -> reduceGrad((Attr.Reduce) n.attr, x, dy, site);
            case RESHAPE -> withShape(OpKind.RESHAPE, null, x.shape, site, dy);
            case BROADCAST_TO -> reduceTo(dy, x.shape, site);
            case DROPOUT -> op(OpKind.DROPOUT_BACKWARD, n.attr, site, dy);
            case MSE_LOSS -> {
                Node d = scaled(op(OpKind.MSE_GRAD, null, site, x, in.get(1)), dy, site);
                yield k == 0 ? d : unary(UnaryOp.NEG, d, site);
            }
            case CROSS_ENTROPY -> scaled(op(OpKind.CROSS_ENTROPY_GRAD, null, site, x, in.get(1)), dy, site);
            case CROSS_ENTROPY_SOFT -> k == 0
                    ? scaled(op(OpKind.CROSS_ENTROPY_SOFT_GRAD, null, site, x, in.get(1)), dy, site)
                    : scaled(binary(BinaryOp.MUL, op(OpKind.LOG_SOFTMAX, null, site, x),
                    constant(-1f / x.shape.dim(0), site), site), dy, site);
            case NLL_LOSS -> scaled(withShape(OpKind.NLL_GRAD, null, x.shape, site, in.get(1)), dy, site);
            default -> throw new InvalidArgumentException("grad: no gradient rule for " + n.opName() + " (" + n
                    + ", made at " + site + "); second derivatives and fused nodes are not differentiable");
        };
    }

    private Node matmulGrad(Attr.Matmul m, Node a, Node b, Node dc, int k, String site) {
        boolean ta = m.transA();
        boolean tb = m.transB();
        if (k == 0) {
            // d op(A) = dC·op(B)ᵀ; when A is stored transposed, dA = (dC·op(B)ᵀ)ᵀ = op(B)·dCᵀ
            return !ta ? matmul(dc, b, false, !tb, site) : matmul(b, dc, tb, true, site);
        }
        // d op(B) = op(A)ᵀ·dC; when B is stored transposed, dB = dCᵀ·op(A)
        return !tb ? matmul(a, dc, !ta, false, site) : matmul(dc, a, true, ta, site);
    }

    private Node binaryGrad(BinaryOp op, Node a, Node b, Node dy, int k, String site) {
        Node target = k == 0 ? a : b;
        Node d = switch (op) {
            case ADD -> dy;
            case SUB -> k == 0 ? dy : unary(UnaryOp.NEG, dy, site);
            case MUL -> binary(BinaryOp.MUL, dy, k == 0 ? b : a, site);
            case DIV -> k == 0 ? binary(BinaryOp.DIV, dy, b, site)
                    : unary(UnaryOp.NEG, binary(BinaryOp.DIV, binary(BinaryOp.MUL, dy, a, site),
                    unary(UnaryOp.SQUARE, b, site), site), site);
            case MAX, MIN -> {
                // the gradient goes to a where a wins (a > b for max), else to b
                Node margin = op == BinaryOp.MAX ? binary(BinaryOp.SUB, a, b, site) : binary(BinaryOp.SUB, b, a, site);
                Node toA = op(OpKind.ACTIVATION_BACKWARD, Activation.RELU, site, margin, dy);
                yield k == 0 ? toA : binary(BinaryOp.SUB, dy, toA, site);
            }
        };
        return reduceTo(d, target.shape, site);
    }

    private Node unaryGrad(UnaryOp op, Node x, Node y, Node dy, String site) {
        return switch (op) {
            case NEG -> unary(UnaryOp.NEG, dy, site);
            case ABS -> binary(BinaryOp.SUB, op(OpKind.ACTIVATION_BACKWARD, Activation.RELU, site, x, dy),
                    op(OpKind.ACTIVATION_BACKWARD, Activation.RELU, site, unary(UnaryOp.NEG, x, site), dy), site);
            case EXP -> binary(BinaryOp.MUL, dy, y, site);
            case LOG -> binary(BinaryOp.DIV, dy, x, site);
            case TANH -> binary(BinaryOp.MUL, dy, binary(BinaryOp.SUB, constant(1f, site),
                    unary(UnaryOp.SQUARE, y, site), site), site);
            case ERF -> binary(BinaryOp.MUL, dy, binary(BinaryOp.MUL, constant((float) (2 / Math.sqrt(Math.PI)), site),
                    unary(UnaryOp.EXP, unary(UnaryOp.NEG, unary(UnaryOp.SQUARE, x, site), site), site), site), site);
            case SQRT -> binary(BinaryOp.DIV, binary(BinaryOp.MUL, dy, constant(0.5f, site), site), y, site);
            case RECIPROCAL -> unary(UnaryOp.NEG, binary(BinaryOp.MUL, dy, unary(UnaryOp.SQUARE, y, site), site),
                    site);
            case SQUARE -> binary(BinaryOp.MUL, dy, binary(BinaryOp.MUL, x, constant(2f, site), site), site);
        };
    }

    private Node reduceGrad(Attr.Reduce r, Node x, Node dy, String site) {
        if (r.reduction() == Reduction.MAX) {
            throw new InvalidArgumentException("grad: reduce_max is not differentiable here (made at " + site + ")");
        }
        Node spread;
        long count;
        if (r.all() || x.shape.rank() == 1) {
            spread = withShape(OpKind.BROADCAST_TO, null, x.shape, site, dy);
            count = x.shape.size();
        } else {
            int ax = r.axis() < 0 ? 2 + r.axis() : r.axis();
            Node shaped = ax == 1 ? withShape(OpKind.RESHAPE, null, Shape.of(x.shape.dim(0), 1), site, dy) : dy;
            spread = withShape(OpKind.BROADCAST_TO, null, x.shape, site, shaped);
            count = x.shape.dim(ax);
        }
        return r.reduction() == Reduction.MEAN ? binary(BinaryOp.MUL, spread, constant(1f / count, site), site)
                : spread;
    }

    /** Sums {@code d} (of the broadcast result's shape) over the dimensions {@code target} was broadcast along. */
    private Node reduceTo(Node d, Shape target, String site) {
        Shape s = d.shape;
        if (s.equals(target)) {
            return d;
        }
        if (s.size() == target.size()) {
            return withShape(OpKind.RESHAPE, null, target, site, d);
        }
        int rank = s.rank();
        int[] dims = s.dims();
        int[] t = new int[rank];
        Arrays.fill(t, 1);
        for (int i = 0; i < target.rank(); i++) {
            t[rank - target.rank() + i] = target.dim(i);
        }
        int firstReduced = -1;
        int lastReduced = -1;
        int firstKept = -1;
        int lastKept = -1;
        for (int i = 0; i < rank; i++) {
            if (dims[i] == 1) {
                continue;
            }
            if (t[i] == 1) {
                firstReduced = firstReduced < 0 ? i : firstReduced;
                lastReduced = i;
            } else {
                firstKept = firstKept < 0 ? i : firstKept;
                lastKept = i;
            }
        }
        Node reduced;
        if (firstKept < 0) {
            reduced = reduce(d, Attr.Reduce.ALL, site);
        } else if (lastReduced < firstKept) {
            reduced = reduce(as2d(d, lastReduced + 1, site), 0, site); // broadcast over leading dimensions
        } else if (lastKept < firstReduced) {
            reduced = reduce(as2d(d, lastKept + 1, site), 1, site); // broadcast over trailing dimensions
        } else {
            throw new ShapeException("grad: cannot sum a gradient of shape " + s + " back to the broadcast operand "
                    + target + ": broadcasting must be over leading or trailing dimensions only (made at " + site
                    + ")");
        }
        return reduced.shape.equals(target) ? reduced : withShape(OpKind.RESHAPE, null, target, site, reduced);
    }

    /** {@code d} viewed as [prod(dims before split), prod(dims from split)]. */
    private Node as2d(Node d, int split, String site) {
        int[] dims = d.shape.dims();
        int p = 1;
        int q = 1;
        for (int i = 0; i < dims.length; i++) {
            if (i < split) {
                p *= dims[i];
            } else {
                q *= dims[i];
            }
        }
        Shape two = Shape.of(p, q);
        return two.equals(d.shape) ? d : withShape(OpKind.RESHAPE, null, two, site, d);
    }

    /** Sums the rows of {@code dy} into a bias of shape {@code biasShape}. */
    private Node sumRowsTo(Node dy, Shape biasShape, String site) {
        Node r = reduce(as2d(dy, dy.shape.rank() - 1, site), 0, site);
        return r.shape.equals(biasShape) ? r : withShape(OpKind.RESHAPE, null, biasShape, site, r);
    }

    // ------------------------------------------------------------------------------------------------- builders

    private Node scaled(Node grad, Node dy, String site) {
        return dy == seed ? grad : binary(BinaryOp.MUL, grad, dy, site);
    }

    private Node matmul(Node a, Node b, boolean ta, boolean tb, String site) {
        return op(OpKind.MATMUL, new Attr.Matmul(ta, tb), site, a, b);
    }

    private Node binary(BinaryOp op, Node a, Node b, String site) {
        return op(OpKind.BINARY, op, site, a, b);
    }

    private Node unary(UnaryOp op, Node x, String site) {
        return op(OpKind.UNARY, op, site, x);
    }

    private Node reduce(Node x, int axis, String site) {
        return op(OpKind.REDUCE, new Attr.Reduce(Reduction.SUM, axis), site, x);
    }

    private Node constant(float v, String site) {
        return g.append(OpKind.CONSTANT, new Attr.Constant(new float[] {v}), List.of(), Shape.scalar(), site, true);
    }

    private Node op(OpKind kind, Object attr, String site, Node... in) {
        List<Node> inputs = List.of(in);
        Shape shape = Shapes.infer(kind, attr, inputs, Shapes.opName(kind, attr));
        return g.append(kind, attr, inputs, shape, site, true);
    }

    private Node withShape(OpKind kind, Object attr, Shape shape, String site, Node... in) {
        return g.append(kind, attr, List.of(in), shape, site, true);
    }
}
