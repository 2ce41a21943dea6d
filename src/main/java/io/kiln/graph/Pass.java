package io.kiln.graph;

/**
 * A named graph-to-graph rewrite. Passes are pure: they return a new graph (sharing unchanged nodes and every leaf)
 * and leave their argument alone, so each can be run and tested by itself and switched off by name with
 * {@link CompileOptions#disable}.
 */
public interface Pass {
    String name();

    Graph apply(Graph graph, PassContext context);
}
