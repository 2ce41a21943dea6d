package io.kiln.graph.codegen;

/** The loop of a generated fused kernel: evaluates {@code rows × cols} output elements (row-major). */
public interface FusedLoop {
    /**
     * @param in   the input arrays, in the expression's input order
     * @param out  the output array
     * @param rows rows of the output (1 when no input is broadcast per row or per column)
     * @param cols columns of the output (all elements when rows is 1)
     */
    void run(float[][] in, float[] out, int rows, int cols);
}
