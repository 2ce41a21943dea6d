package io.kiln.graph;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the result of a pass: walks the source graph in order, mapping each old node to its replacement. A node
 * whose inputs are unchanged is kept as the same object; one whose inputs were replaced is copied with the new
 * inputs (same kind, attribute, site, ops and cost).
 */
final class Rewriter {
    private final Graph source;
    private final Map<Node, Node> map = new IdentityHashMap<>();
    private final List<Node> out = new ArrayList<>();
    private final java.util.Set<Node> placed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    Rewriter(Graph source) {
        this.source = source;
    }

    /** The current replacement of {@code old} (itself when none). */
    Node get(Node old) {
        Node n = map.get(old);
        return n == null ? old : n;
    }

    List<Node> inputsOf(Node old) {
        List<Node> in = new ArrayList<>(old.inputs.size());
        for (Node i : old.inputs) {
            in.add(get(i));
        }
        return in;
    }

    /** Keeps {@code old}, copied if any input was replaced. */
    Node keep(Node old) {
        List<Node> in = inputsOf(old);
        Node n = in.equals(old.inputs) ? old
                : source.make(old.kind, old.attr, in, old.shape, old.site, old.ops, old.cost, old.gradient);
        return replace(old, n);
    }

    /** Maps {@code old} to {@code replacement}, placing the replacement in the output (once) if not yet there. */
    Node replace(Node old, Node replacement) {
        map.put(old, replacement);
        place(replacement);
        return replacement;
    }

    /** Appends {@code n} to the output unless already there. Its inputs must already be placed. */
    void place(Node n) {
        if (placed.add(n)) {
            out.add(n);
        }
    }

    Node make(OpKind kind, Object attr, List<Node> inputs, io.kiln.core.Shape shape, String site, List<String> ops,
              io.kiln.core.Cost cost, boolean gradient) {
        return source.make(kind, attr, inputs, shape, site, ops, cost, gradient);
    }

    Graph finish() {
        Map<String, Node> outs = new LinkedHashMap<>();
        source.outputs.forEach((k, v) -> outs.put(k, get(v)));
        List<Node> effects = new ArrayList<>();
        for (Node e : source.effects) {
            effects.add(get(e));
        }
        return source.derive(out, outs, effects);
    }
}
