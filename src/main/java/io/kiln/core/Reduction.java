package io.kiln.core;

/** Reductions over one axis of a rank-1 or rank-2 tensor. MAX propagates NaN as {@link Math#max} does. */
public enum Reduction {
    SUM("sum"), MEAN("mean"), MAX("max");

    private final String opName;

    Reduction(String opName) {
        this.opName = opName;
    }

    public String opName() {
        return opName;
    }
}
