package io.kiln.graph;

import io.kiln.core.Cost;
import io.kiln.core.Shape;
import java.util.List;

/**
 * A trainable tensor: bound to a backend tensor ({@link Executable#bind}) that stays in place across runs, so
 * optimizer kernels (in the graph, {@link Graph#adam}, or called by the trainer) update it between runs.
 */
public final class Parameter extends Node {
    private final String name;

    Parameter(Graph graph, int id, String name, Shape shape, String site) {
        super(graph, id, OpKind.PARAMETER, List.of(), null, shape, site, List.of("parameter"), Cost.ZERO, false);
        this.name = name;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "%" + id + " parameter \"" + name + "\" " + shape;
    }
}
