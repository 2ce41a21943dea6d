package io.kiln.graph;

import io.kiln.core.Activation;
import io.kiln.core.BinaryOp;
import io.kiln.core.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code fuse_matmul_epilogue}: {@code matmul → bias add → activation} (either step optional, in that order) becomes
 * one {@code Backend.gemm(..., Epilogue(bias, act))} that adds the bias and applies the activation as each tile of C
 * is written. A step is absorbed only when the value before it has no other reader: in training the pre-activation
 * is read again by the activation's backward, so there the kernel is {@code matmul+bias} and the activation stays
 * (and joins an elementwise group). The bias is a {@code bias_add}, or an {@code add} whose other operand holds one
 * value per column ({@code [n]} or {@code [1, n]}).
 */
public final class MatmulEpilogueFusion implements Pass {
    public static final String NAME = "fuse_matmul_epilogue";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Graph apply(Graph g, PassContext context) {
        Uses uses = new Uses(g);
        Map<Node, Node> absorbedInto = new IdentityHashMap<>(); // last node of a chain → its matmul
        Map<Node, List<Node>> chains = new IdentityHashMap<>();
        Set<Node> absorbed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node m : g.nodes) {
            if (m.kind != OpKind.MATMUL) {
                continue;
            }
            List<Node> chain = new ArrayList<>(List.of(m));
            Node last = m;
            Node bias = null;
            Node c = uses.soleConsumer(last);
            if (c != null && (bias = biasOperand(c, last)) != null) {
                chain.add(c);
                last = c;
                c = uses.soleConsumer(last);
            }
            if (c != null && c.kind == OpKind.ACTIVATION) {
                chain.add(c);
                last = c;
            }
            if (chain.size() > 1) {
                chains.put(last, chain);
                absorbedInto.put(last, bias);
                absorbed.addAll(chain.subList(0, chain.size() - 1));
            }
        }
        if (chains.isEmpty()) {
            return g;
        }
        Rewriter r = new Rewriter(g);
        for (Node n : g.nodes) {
            if (absorbed.contains(n)) {
                continue;
            }
            List<Node> chain = chains.get(n);
            if (chain == null) {
                r.keep(n);
                continue;
            }
            Node m = chain.get(0);
            Node bias = absorbedInto.get(n);
            Attr.Matmul mm = (Attr.Matmul) m.attr;
            Activation act = chain.get(chain.size() - 1).kind == OpKind.ACTIVATION
                    ? (Activation) chain.get(chain.size() - 1).attr : Activation.IDENTITY;
            List<Node> in = new ArrayList<>(r.inputsOf(m));
            List<String> ops = new ArrayList<>();
            ops.add("matmul");
            if (bias != null) {
                in.add(r.get(bias));
                ops.add("bias");
            }
            if (act != Activation.IDENTITY || chain.get(chain.size() - 1).kind == OpKind.ACTIVATION) {
                ops.add(act.opName());
            }
            Node fused = r.make(OpKind.GEMM_EPILOGUE, new Attr.Epilogue(mm.transA(), mm.transB(), bias != null, act),
                    in, n.shape, m.site, ops, Costs.sum(chain), m.gradient);
            r.replace(n, fused);
        }
        return r.finish();
    }

    /** The bias operand when {@code c} adds a per-column vector to {@code x} (keeping x's shape), else null. */
    private static Node biasOperand(Node c, Node x) {
        int cols = x.shape.cols();
        if (c.kind == OpKind.BIAS_ADD && c.inputs.get(0) == x) {
            return c.inputs.get(1);
        }
        if (c.kind == OpKind.BINARY && c.attr == BinaryOp.ADD && c.shape.equals(x.shape)) {
            Node other = c.inputs.get(0) == x ? c.inputs.get(1) : c.inputs.get(1) == x ? c.inputs.get(0) : null;
            if (other != null && other != x && isRowVector(other.shape, cols)) {
                return other;
            }
        }
        return null;
    }

    private static boolean isRowVector(Shape s, int cols) {
        return (s.rank() == 1 && s.dim(0) == cols) || (s.rank() == 2 && s.dim(0) == 1 && s.dim(1) == cols);
    }
}
