package io.kiln.graph.codegen;

/**
 * The loop of a generated fused kernel: evaluates rows {@code [rowFrom, rowTo)} of {@code cols} output elements each,
 * row r starting at element {@code offset + r·cols} (row-major).
 */
public interface FusedLoop {
    /**
     * @param in      the input arrays, in the expression's input order
     * @param out     the output array
     * @param rowFrom first row
     * @param rowTo   end of the rows (exclusive)
     * @param cols    columns of the output (a chunk of elements when no input is broadcast per row or column)
     * @param offset  element index of row 0 (0 for rows of the output; a chunk's start in flat mode)
     */
    void run(float[][] in, float[] out, int rowFrom, int rowTo, int cols, int offset);
}
