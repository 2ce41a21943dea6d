package io.kiln.graph;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * {@code dce}: removes every node no output or optimizer update depends on. Inputs and parameters stay (they are the
 * graph's interface, fed or bound by name even when unused).
 */
public final class DeadCodeElimination implements Pass {
    public static final String NAME = "dce";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Graph apply(Graph g, PassContext context) {
        Set<Node> live = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> work = new ArrayDeque<>();
        work.addAll(g.outputs.values());
        work.addAll(g.effects);
        while (!work.isEmpty()) {
            Node n = work.pop();
            if (live.add(n)) {
                work.addAll(n.inputs);
            }
        }
        Rewriter r = new Rewriter(g);
        for (Node n : g.nodes) {
            if (live.contains(n) || n instanceof Input || n instanceof Parameter) {
                r.keep(n);
            }
        }
        return r.finish();
    }
}
