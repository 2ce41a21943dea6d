package io.kiln.graph;

import io.kiln.core.BinaryOp;
import io.kiln.core.Cost;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code constant_folding}: evaluates at compile time every op whose inputs are all constants, on the backend being
 * compiled for (so folded values are bit for bit what the kernels would compute), and drops multiplications and
 * divisions by the scalar constant 1 (exact). Dropout (a fresh mask each run) and ops reading labels never fold;
 * broadcasts are folded only when small, so a scalar stays a scalar for the fusion pass.
 */
public final class ConstantFolding implements Pass {
    public static final String NAME = "constant_folding";
    /** Largest folded result, in elements. */
    static final int MAX_FOLDED = 1 << 16;
    static final int MAX_FOLDED_BROADCAST = 64;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Graph apply(Graph g, PassContext context) {
        Rewriter r = new Rewriter(g);
        for (Node n : g.nodes) {
            List<Node> in = r.inputsOf(n);
            if (foldable(n, in)) {
                float[] values = evaluate(n, in, context);
                Node c = r.make(OpKind.CONSTANT, new Attr.Constant(values), List.of(), n.shape, n.site,
                        List.of("constant"), Cost.ZERO, n.gradient);
                r.replace(n, c);
                continue;
            }
            Node same = identityOperand(n, in);
            if (same != null) {
                r.replace(n, same);
                continue;
            }
            r.keep(n);
        }
        return r.finish();
    }

    private static boolean foldable(Node n, List<Node> in) {
        if (n.kind.isLeaf() || n.kind.isEffect() || in.isEmpty()) {
            return false;
        }
        switch (n.kind) {
            case DROPOUT, DROPOUT_BACKWARD, LOSS_OF, LOSS_WITH_GRAD -> {
                return false;
            }
            case BROADCAST_TO -> {
                if (n.shape.size() > MAX_FOLDED_BROADCAST) {
                    return false;
                }
            }
            default -> {
            }
        }
        for (Node i : in) {
            if (i.kind != OpKind.CONSTANT) {
                return false;
            }
        }
        return n.shape.size() <= MAX_FOLDED;
    }

    /** x·1, 1·x and x/1 (scalar 1, result of x's shape) are x. */
    private static Node identityOperand(Node n, List<Node> in) {
        if (n.kind != OpKind.BINARY) {
            return null;
        }
        BinaryOp op = (BinaryOp) n.attr;
        if (op == BinaryOp.MUL || op == BinaryOp.DIV) {
            if (isOne(in.get(1)) && in.get(0).shape.equals(n.shape)) {
                return in.get(0);
            }
            if (op == BinaryOp.MUL && isOne(in.get(0)) && in.get(1).shape.equals(n.shape)) {
                return in.get(1);
            }
        }
        return null;
    }

    private static boolean isOne(Node n) {
        return n.kind == OpKind.CONSTANT && n.attr instanceof Attr.Constant c && c.isScalar() && c.scalar() == 1f;
    }

    /** Runs the one op on the backend, through a graph of its constant inputs compiled with no passes. */
    private static float[] evaluate(Node n, List<Node> in, PassContext context) {
        Graph mini = new Graph("fold");
        List<Node> consts = new ArrayList<>();
        for (Node c : in) {
            consts.add(mini.append(OpKind.CONSTANT, c.attr, List.of(), c.shape, c.site, false));
        }
        Node v = mini.append(n.kind, n.attr, consts, n.shape, n.site, false);
        mini.output("value", v);
        try (Executable exe = mini.compile(context.backend(), CompileOptions.none())) {
            exe.run(java.util.Map.of());
            return exe.output("value");
        }
    }
}
