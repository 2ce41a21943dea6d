package io.kiln.graph;

import io.kiln.core.Activation;
import io.kiln.core.BinaryOp;
import io.kiln.core.FusedExpression;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code fuse_elementwise}: every connected group of elementwise ops (a chain, tree or DAG; broadcast operands such as
 * a bias or a scalar included) becomes one {@link OpKind#FUSED_ELEMENTWISE} node holding a {@link FusedExpression}:
 * one kernel that reads each external input once and writes its result once.
 *
 * <p>Grouping walks the graph from the outputs back: an elementwise node joins the group of its consumers when all of
 * them are in one group and it is not a graph output; otherwise it is the root (the one materialized value) of a new
 * group. So a value read by two different kernels is materialized once rather than recomputed. Groups are convex
 * (nothing outside a group lies between two of its members). Scalar constants become constants of the expression.
 * A group of one op stays a plain node unless {@link CompileOptions#singleOpsAsFused} is set.
 */
public final class ElementwiseFusion implements Pass {
    public static final String NAME = "fuse_elementwise";

    @Override
    public String name() {
        return NAME;
    }

    static boolean fusible(Node n) {
        return n.kind.isElementwise();
    }

    @Override
    public Graph apply(Graph g, PassContext context) {
        boolean singles = context != null && context.options() != null && context.options().singleOpsAsFused();
        Uses uses = new Uses(g);
        Map<Node, Node> groupOf = new IdentityHashMap<>(); // member → root
        Map<Node, List<Node>> members = new IdentityHashMap<>(); // root → members in reverse order
        for (int i = g.nodes.size() - 1; i >= 0; i--) {
            Node n = g.nodes.get(i);
            if (!fusible(n)) {
                continue;
            }
            Node root = null;
            boolean join = !uses.isOutput(n) && !uses.consumers(n).isEmpty();
            for (Node c : uses.consumers(n)) {
                Node r = groupOf.get(c);
                if (r == null || (root != null && r != root)) {
                    join = false;
                    break;
                }
                root = r;
            }
            if (!join) {
                root = n;
            }
            groupOf.put(n, root);
            members.computeIfAbsent(root, k -> new ArrayList<>()).add(n);
        }
        Rewriter r = new Rewriter(g);
        for (Node n : g.nodes) {
            Node root = groupOf.get(n);
            if (root == null) {
                r.keep(n);
                continue;
            }
            if (root != n) {
                continue; // placed with its root
            }
            List<Node> group = new ArrayList<>(members.get(root));
            java.util.Collections.reverse(group); // topological order
            if (group.size() == 1 && !singles) {
                r.keep(n);
                continue;
            }
            r.replace(n, fuse(r, group));
        }
        return r.finish();
    }

    /** Every elementwise node becomes a one-op fused node (used when fusion is off but single ops run fused). */
    static Graph wrapSingles(Graph g) {
        Rewriter r = new Rewriter(g);
        for (Node n : g.nodes) {
            if (fusible(n)) {
                r.replace(n, fuse(r, List.of(n)));
            } else {
                r.keep(n);
            }
        }
        return r.finish();
    }

    /** The fused node computing {@code group} (topologically ordered, root last). */
    static Node fuse(Rewriter r, List<Node> group) {
        Node root = group.get(group.size() - 1);
        Map<Node, Integer> step = new IdentityHashMap<>();
        List<Node> externals = new ArrayList<>();
        Map<Node, Integer> externalIndex = new IdentityHashMap<>();
        java.util.Set<Node> inGroup = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        inGroup.addAll(group);
        // count external inputs first: the builder needs the number of inputs
        for (Node m : group) {
            for (Node in : m.inputs) {
                if (!inGroup.contains(in) && !isScalarConstant(in) && !externalIndex.containsKey(in)) {
                    externalIndex.put(in, externals.size());
                    externals.add(in);
                }
            }
        }
        FusedExpression.Builder b = FusedExpression.builder(externals.size());
        Map<Node, Integer> inputStep = new IdentityHashMap<>();
        List<String> ops = new ArrayList<>();
        for (Node m : group) {
            int[] a = new int[m.inputs.size()];
            for (int k = 0; k < a.length; k++) {
                Node in = m.inputs.get(k);
                Integer s = step.get(in);
                if (s == null) {
                    if (isScalarConstant(in)) {
                        s = b.constant(((Attr.Constant) in.attr).scalar());
                        step.put(in, s);
                    } else {
                        s = inputStep.get(in);
                        if (s == null) {
                            s = b.input(externalIndex.get(in));
                            inputStep.put(in, s);
                        }
                    }
                }
                a[k] = s;
            }
            int s = switch (m.kind) {
                case BINARY -> b.binary((BinaryOp) m.attr, a[0], a[1]);
                case UNARY -> b.unary((io.kiln.core.UnaryOp) m.attr, a[0]);
                case ACTIVATION -> m.attr == Activation.IDENTITY ? a[0] : b.activation((Activation) m.attr, a[0]);
                case ACTIVATION_BACKWARD -> b.activationBackward((Activation) m.attr, a[0], a[1]);
                case BIAS_ADD -> b.binary(BinaryOp.ADD, a[0], a[1]);
                case CLAMP -> {
                    Attr.Clamp c = (Attr.Clamp) m.attr;
                    int lo = b.constant(c.lo());
                    int hi = b.constant(c.hi());
                    yield b.binary(BinaryOp.MIN, b.binary(BinaryOp.MAX, a[0], lo), hi);
                }
                case BROADCAST_TO -> a[0];
                default -> throw new IllegalStateException("not elementwise: " + m);
            };
            step.put(m, s);
            ops.addAll(m.ops);
        }
        FusedExpression expr = b.build();
        if (expr.result() != step.get(root)) {
            // the root is an earlier step (e.g. broadcast_to of an input): copy it to the end with a neutral op
            expr = rootLast(expr, step.get(root));
        }
        List<Node> in = new ArrayList<>();
        for (Node e : externals) {
            in.add(r.get(e));
        }
        boolean gradient = group.stream().allMatch(m -> m.gradient);
        return r.make(OpKind.FUSED_ELEMENTWISE, new Attr.Fused(expr), in, root.shape, root.site, ops,
                Costs.sum(group), gradient);
    }

    static boolean isScalarConstant(Node n) {
        return n.kind == OpKind.CONSTANT && ((Attr.Constant) n.attr).isScalar();
    }

    /** An expression equal to {@code e} but whose last step is step {@code result} (x·1 is exact). */
    private static FusedExpression rootLast(FusedExpression e, int result) {
        FusedExpression.Builder b = FusedExpression.builder(e.inputCount());
        for (FusedExpression.Step s : e.steps()) {
            switch (s.kind()) {
                case INPUT -> b.input(s.input());
                case CONSTANT -> b.constant(s.constant());
                case UNARY -> b.unary(s.unary(), s.a());
                case BINARY -> b.binary(s.binary(), s.a(), s.b());
                case ACTIVATION -> b.activation(s.activation(), s.a());
                case ACTIVATION_BACKWARD -> b.activationBackward(s.activation(), s.a(), s.b());
            }
        }
        b.activation(Activation.IDENTITY, result);
        return b.build();
    }
}
