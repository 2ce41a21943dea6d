package io.kiln.graph.codegen;

import io.kiln.core.Shape;

/**
 * How a fused kernel reads one input, given the input's and the output's shapes (NumPy broadcasting). The output
 * is seen as {@code rows × cols} ({@code cols} = its last dimension).
 */
enum Access {
    /** Same shape as the output: element i. */
    FULL,
    /** One value for every element. */
    SCALAR,
    /** One value per column, the same for every row ({@code [cols]}, {@code [1, cols]}, ...): element i % cols. */
    ROW,
    /** One value per row ({@code [..., rows..., 1]}): element i / cols. */
    COL,
    /** Any other broadcast: gathered with strides. */
    GENERAL;

    static Access of(Shape in, Shape out) {
        if (in.equals(out)) {
            return FULL;
        }
        if (in.size() == 1) {
            return SCALAR;
        }
        int rank = out.rank();
        if (rank == 0 || in.rank() > rank) {
            return GENERAL;
        }
        int[] padded = new int[rank];
        java.util.Arrays.fill(padded, 1);
        for (int i = 0; i < in.rank(); i++) {
            padded[rank - in.rank() + i] = in.dim(i);
        }
        boolean row = padded[rank - 1] == out.dim(rank - 1);
        boolean col = padded[rank - 1] == 1;
        for (int i = 0; i < rank - 1; i++) {
            row &= padded[i] == 1;
            col &= padded[i] == out.dim(i);
        }
        return row ? ROW : col ? COL : GENERAL;
    }
}
