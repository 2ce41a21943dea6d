package io.kiln.graph;

import io.kiln.core.Cost;
import io.kiln.core.Shape;
import java.util.List;

/**
 * A value fed at each run: floats ({@link Graph#input}) or integer class labels ({@link Graph#labels}). Fed with
 * {@code float[]}, a bound {@link io.kiln.core.Tensor} (used in place, no copy) or, for labels, {@code int[]}.
 */
public final class Input extends Node {
    private final String name;

    Input(Graph graph, int id, OpKind kind, String name, Shape shape, String site) {
        super(graph, id, kind, List.of(), null, shape, site, List.of(kind.opName()), Cost.ZERO, false);
        this.name = name;
    }

    public String name() {
        return name;
    }

    public boolean isLabels() {
        return kind == OpKind.LABELS;
    }

    @Override
    public String toString() {
        return "%" + id + " " + kind.opName() + " \"" + name + "\" " + shape;
    }
}
