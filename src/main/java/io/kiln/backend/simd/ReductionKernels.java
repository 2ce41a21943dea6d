package io.kiln.backend.simd;

import io.kiln.core.Reduction;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sum, mean, max and argmax over one axis of a matrix. Row reductions (axis 1) run along contiguous memory with
 * {@link Sums} (float64 lanes). Column reductions (axis 0) sweep the matrix row by row, vectorized over columns, in
 * strips of 64 rows accumulated in float and flushed into float64 totals: error ≤ (64·2^-24 + rows·2^-53) relative to
 * Σ|x| per column. Max and argmax are exact; NaN wins (first NaN for argmax), ties go to the first index.
 */
final class ReductionKernels {
    private static final VectorSpecies<Float> S = Lanes.S;
    private static final int L = Lanes.L;
    private static final int STRIP = 64;

    private ReductionKernels() {
    }

    /** One value per row r in [r0, r1) over its {@code cols} contiguous elements. */
    static void rows(Reduction red, float[] x, int cols, float[] out, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int off = r * cols;
            out[r] = switch (red) {
                case SUM -> (float) Sums.sum(x, off, cols);
                case MEAN -> (float) (Sums.sum(x, off, cols) / cols);
                case MAX -> Sums.max(x, off, cols);
            };
        }
    }

    /** One value per column j in [c0, c1) over {@code rows} rows: full vector strips, then one masked strip. */
    static void columns(Reduction red, float[] x, int rows, int cols, float[] out, int c0, int c1) {
        double[] total = new double[L];
        float[] part = new float[L];
        int full = c0 + (c1 - c0) / L * L;
        for (int j = c0; j < full; j += L) {
            columnStrip(red, x, rows, cols, out, j, total, part);
        }
        if (full < c1) {
            columnStripMasked(red, x, rows, cols, out, full, c1, total, part);
        }
    }

    private static void columnStrip(Reduction red, float[] x, int rows, int cols, float[] out, int j, double[] total,
                                    float[] part) {
        if (red == Reduction.MAX) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int i = 0; i < rows; i++) {
                acc = acc.max(FloatVector.fromArray(S, x, i * cols + j));
            }
            acc.intoArray(out, j);
            return;
        }
        java.util.Arrays.fill(total, 0);
        for (int i0 = 0; i0 < rows; i0 += STRIP) {
            int i1 = Math.min(rows, i0 + STRIP);
            FloatVector acc = FloatVector.zero(S);
            for (int i = i0; i < i1; i++) {
                acc = acc.add(FloatVector.fromArray(S, x, i * cols + j));
            }
            acc.intoArray(part, 0);
            for (int l = 0; l < L; l++) {
                total[l] += part[l];
            }
        }
        for (int l = 0; l < L; l++) {
            out[j + l] = (float) (red == Reduction.MEAN ? total[l] / rows : total[l]);
        }
    }

    private static void columnStripMasked(Reduction red, float[] x, int rows, int cols, float[] out, int j, int c1,
                                          double[] total, float[] part) {
        VectorMask<Float> m = S.indexInRange(j, c1);
        if (red == Reduction.MAX) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int i = 0; i < rows; i++) {
                acc = acc.max(FloatVector.fromArray(S, x, i * cols + j, m));
            }
            acc.intoArray(out, j, m);
            return;
        }
        java.util.Arrays.fill(total, 0);
        for (int i0 = 0; i0 < rows; i0 += STRIP) {
            int i1 = Math.min(rows, i0 + STRIP);
            FloatVector acc = FloatVector.zero(S);
            for (int i = i0; i < i1; i++) {
                acc = acc.add(FloatVector.fromArray(S, x, i * cols + j, m));
            }
            acc.intoArray(part, 0);
            for (int l = 0; l < L; l++) {
                total[l] += part[l];
            }
        }
        for (int l = 0; l < c1 - j; l++) {
            out[j + l] = (float) (red == Reduction.MEAN ? total[l] / rows : total[l]);
        }
    }

    /** argmax of each row r in [r0, r1): first index of the maximum, or of the first NaN. */
    static void argmaxRows(float[] x, int cols, int[] out, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int off = r * cols;
            // vector scan for a NaN and the maximum, then the first index equal to it
            float max = Sums.max(x, off, cols);
            int idx = 0;
            if (Float.isNaN(max)) {
                while (!Float.isNaN(x[off + idx])) {
                    idx++;
                }
            } else {
                FloatVector mv = FloatVector.broadcast(S, max);
                int i = 0;
                idx = -1;
                for (int up = S.loopBound(cols); i < up && idx < 0; i += L) {
                    VectorMask<Float> eq = FloatVector.fromArray(S, x, off + i).compare(VectorOperators.EQ, mv);
                    if (eq.anyTrue()) {
                        idx = i + eq.firstTrue();
                    }
                }
                for (; i < cols && idx < 0; i++) {
                    if (x[off + i] == max) {
                        idx = i;
                    }
                }
            }
            out[r] = idx;
        }
    }

    /** argmax of each column over the rows, row-major sweep. */
    static void argmaxColumns(float[] x, int rows, int cols, int[] out) {
        float[] best = new float[cols];
        System.arraycopy(x, 0, best, 0, cols);
        java.util.Arrays.fill(out, 0);
        for (int i = 1; i < rows; i++) {
            int off = i * cols;
            for (int j = 0; j < cols; j++) {
                float v = x[off + j];
                float b = best[j];
                if (!Float.isNaN(b) && (v > b || Float.isNaN(v))) {
                    best[j] = v;
                    out[j] = i;
                }
            }
        }
    }
}
