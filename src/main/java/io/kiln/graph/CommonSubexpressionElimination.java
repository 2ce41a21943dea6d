package io.kiln.graph;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cse}: merges nodes that compute the same thing: same kind, attribute, (already merged) inputs and shape.
 * Constants merge by value. Inputs, parameters and optimizer updates never merge; dropout nodes only when they are
 * the same draw (same seed and offset), which happens for a forward mask and the backward that redraws it.
 */
public final class CommonSubexpressionElimination implements Pass {
    public static final String NAME = "cse";
    /** Constants larger than this are not hashed by value. */
    static final int MAX_CONSTANT_KEY = 4096;

    @Override
    public String name() {
        return NAME;
    }

    private record Key(OpKind kind, Object attr, List<Node> inputs, io.kiln.core.Shape shape) {
    }

    @Override
    public Graph apply(Graph g, PassContext context) {
        Rewriter r = new Rewriter(g);
        Map<Key, Node> seen = new HashMap<>();
        for (Node n : g.nodes) {
            boolean mergeable = !(n instanceof Input) && !(n instanceof Parameter) && !n.kind.isEffect()
                    && !(n.kind == OpKind.CONSTANT && ((Attr.Constant) n.attr).values().length > MAX_CONSTANT_KEY);
            if (!mergeable) {
                r.keep(n);
                continue;
            }
            Key key = new Key(n.kind, n.attr, r.inputsOf(n), n.shape);
            Node prior = seen.get(key);
            if (prior != null) {
                r.replace(n, prior);
            } else {
                seen.put(key, r.keep(n));
            }
        }
        return r.finish();
    }
}
