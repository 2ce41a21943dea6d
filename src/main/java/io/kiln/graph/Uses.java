package io.kiln.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Who reads each node of a graph: its consumer nodes, and whether it is a graph output. */
final class Uses {
    private final Map<Node, List<Node>> consumers = new IdentityHashMap<>();
    private final Set<Node> outputs = Collections.newSetFromMap(new IdentityHashMap<>());

    Uses(Graph g) {
        for (Node n : g.nodes) {
            for (Node in : n.inputs) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        outputs.addAll(g.outputs.values());
    }

    /** Consumer nodes, once per operand use (x·x lists the mul twice). */
    List<Node> consumers(Node n) {
        return consumers.getOrDefault(n, List.of());
    }

    boolean isOutput(Node n) {
        return outputs.contains(n);
    }

    /** The only consumer of {@code n} when it has exactly one use and is not an output; else null. */
    Node soleConsumer(Node n) {
        List<Node> c = consumers(n);
        return c.size() == 1 && !isOutput(n) ? c.get(0) : null;
    }
}
