package io.kiln.backend.simd;

import io.kiln.core.BinaryOp;
import io.kiln.core.Broadcast;
import io.kiln.core.Shape;
import io.kiln.core.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Elementwise primitives: unary ops, binary ops with NumPy broadcasting, scale, axpy, clamp; the per-op loops are in
 * {@link ElementwiseLoops}. Exact (one rounding) except exp, log, tanh, erf, whose
 * bounds are in {@link VectorMath}; sqrt and division are IEEE correctly rounded.
 */
final class ElementwiseKernels {
    private static final jdk.incubator.vector.VectorSpecies<Float> S = Lanes.S;
    private static final int L = Lanes.L;

    private ElementwiseKernels() {
    }

    // ---------------------------------------------------------------------------------------------------- unary

    static void unary(UnaryOp op, float[] x, float[] y, int lo, int hi) {
        int n = hi - lo;
        switch (op) {
            case NEG -> ElementwiseLoops.neg(x, lo, y, lo, n);
            case ABS -> ElementwiseLoops.abs(x, lo, y, lo, n);
            case EXP -> ElementwiseLoops.exp(x, lo, y, lo, n);
            case LOG -> ElementwiseLoops.log(x, lo, y, lo, n);
            case TANH -> ElementwiseLoops.tanh(x, lo, y, lo, n);
            case ERF -> ElementwiseLoops.erf(x, lo, y, lo, n);
            case SQRT -> ElementwiseLoops.sqrt(x, lo, y, lo, n);
            case RECIPROCAL -> ElementwiseLoops.reciprocal(x, lo, y, lo, n);
            case SQUARE -> ElementwiseLoops.square(x, lo, y, lo, n);
        }
    }

    // --------------------------------------------------------------------------------------------------- binary

    /** Both operands contiguous. */
    static void binaryVV(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        switch (op) {
            case ADD -> ElementwiseLoops.addVV(a, ao, b, bo, o, oo, n);
            case SUB -> ElementwiseLoops.subVV(a, ao, b, bo, o, oo, n);
            case MUL -> ElementwiseLoops.mulVV(a, ao, b, bo, o, oo, n);
            case DIV -> ElementwiseLoops.divVV(a, ao, b, bo, o, oo, n);
            case MAX -> ElementwiseLoops.maxVV(a, ao, b, bo, o, oo, n);
            case MIN -> ElementwiseLoops.minVV(a, ao, b, bo, o, oo, n);
        }
    }

    /** a contiguous, b one broadcast value. */
    static void binaryVS(BinaryOp op, float[] a, int ao, float b, float[] o, int oo, int n) {
        switch (op) {
            case ADD -> ElementwiseLoops.addVS(a, ao, b, o, oo, n);
            case SUB -> ElementwiseLoops.subVS(a, ao, b, o, oo, n);
            case MUL -> ElementwiseLoops.mulVS(a, ao, b, o, oo, n);
            case DIV -> ElementwiseLoops.divVS(a, ao, b, o, oo, n);
            case MAX -> ElementwiseLoops.maxVS(a, ao, b, o, oo, n);
            case MIN -> ElementwiseLoops.minVS(a, ao, b, o, oo, n);
        }
    }

    /** a one broadcast value, b contiguous. */
    static void binarySV(BinaryOp op, float a, float[] b, int bo, float[] o, int oo, int n) {
        switch (op) {
            case ADD -> ElementwiseLoops.addSV(a, b, bo, o, oo, n);
            case SUB -> ElementwiseLoops.subSV(a, b, bo, o, oo, n);
            case MUL -> ElementwiseLoops.mulSV(a, b, bo, o, oo, n);
            case DIV -> ElementwiseLoops.divSV(a, b, bo, o, oo, n);
            case MAX -> ElementwiseLoops.maxSV(a, b, bo, o, oo, n);
            case MIN -> ElementwiseLoops.minSV(a, b, bo, o, oo, n);
        }
    }

    /**
     * A broadcast binary op laid out as {@code outer} rows of {@code inner} contiguous output elements. Adjacent
     * dimensions that both operands traverse the same way are merged first, so the inner loop is as long as possible.
     */
    static final class BroadcastPlan {
        final int[] dims;     // collapsed output dims, outermost first
        final int[] strideA;  // element strides of a (0 where broadcast)
        final int[] strideB;
        final int inner;
        final int outer;

        BroadcastPlan(Shape a, Shape b, Shape out) {
            int[] sa = Broadcast.strides(a, out);
            int[] sb = Broadcast.strides(b, out);
            int rank = out.rank();
            int[] d = new int[Math.max(1, rank)];
            int[] xa = new int[d.length];
            int[] xb = new int[d.length];
            int k = 0;
            for (int i = 0; i < rank; i++) {
                int di = out.dim(i);
                if (di == 1) {
                    continue; // a size-1 output dim changes nothing
                }
                if (k > 0 && xa[k - 1] == sa[i] * di && xb[k - 1] == sb[i] * di) {
                    d[k - 1] *= di;
                    xa[k - 1] = sa[i];
                    xb[k - 1] = sb[i];
                } else {
                    d[k] = di;
                    xa[k] = sa[i];
                    xb[k] = sb[i];
                    k++;
                }
            }
            if (k == 0) {
                d[0] = 1;
                xa[0] = 0;
                xb[0] = 0;
                k = 1;
            }
            dims = java.util.Arrays.copyOf(d, k);
            strideA = java.util.Arrays.copyOf(xa, k);
            strideB = java.util.Arrays.copyOf(xb, k);
            inner = dims[k - 1];
            outer = out.size() / Math.max(1, inner);
        }

        /** Output rows [r0, r1) of the plan. */
        void run(BinaryOp op, float[] a, float[] b, float[] o, int r0, int r1) {
            int k = dims.length;
            int ia = strideA[k - 1];
            int ib = strideB[k - 1];
            for (int r = r0; r < r1; r++) {
                // offsets of row r: decompose r over the outer dims
                int rem = r;
                int ao = 0;
                int bo = 0;
                for (int dim = k - 2; dim >= 0; dim--) {
                    int idx = rem % dims[dim];
                    rem /= dims[dim];
                    ao += idx * strideA[dim];
                    bo += idx * strideB[dim];
                }
                int oo = r * inner;
                if (ia != 0 && ib != 0) {
                    binaryVV(op, a, ao, b, bo, o, oo, inner);
                } else if (ia != 0) {
                    binaryVS(op, a, ao, b[bo], o, oo, inner);
                } else if (ib != 0) {
                    binarySV(op, a[ao], b, bo, o, oo, inner);
                } else {
                    java.util.Arrays.fill(o, oo, oo + inner, op.apply(a[ao], b[bo]));
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------ scale, axpy, clamp

    static void scale(float alpha, float[] x, float[] y, int lo, int hi) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        int i = lo;
        for (int up = lo + S.loopBound(hi - lo); i < up; i += L) {
            FloatVector.fromArray(S, x, i).mul(av).intoArray(y, i);
        }
        if (i < hi) {
            VectorMask<Float> m = S.indexInRange(i, hi);
            FloatVector.fromArray(S, x, i, m).mul(av).intoArray(y, i, m);
        }
    }

    static void axpy(float alpha, float[] x, float[] y, int lo, int hi) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        int i = lo;
        for (int up = lo + S.loopBound(hi - lo); i < up; i += L) {
            FloatVector.fromArray(S, x, i).fma(av, FloatVector.fromArray(S, y, i)).intoArray(y, i);
        }
        if (i < hi) {
            VectorMask<Float> m = S.indexInRange(i, hi);
            FloatVector.fromArray(S, x, i, m).fma(av, FloatVector.fromArray(S, y, i, m)).intoArray(y, i, m);
        }
    }

    /** {@code min(max(x, lo), hi)} with NaN kept (Java's max/min propagate NaN). */
    static void clamp(float[] x, float lo, float hi, float[] y, int from, int to) {
        FloatVector lv = FloatVector.broadcast(S, lo);
        FloatVector hv = FloatVector.broadcast(S, hi);
        int i = from;
        for (int up = from + S.loopBound(to - from); i < up; i += L) {
            FloatVector.fromArray(S, x, i).max(lv).min(hv).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            FloatVector.fromArray(S, x, i, m).max(lv).min(hv).intoArray(y, i, m);
        }
    }

    static void fill(float[] y, float value, int lo, int hi) {
        FloatVector v = FloatVector.broadcast(S, value);
        int i = lo;
        for (int up = lo + S.loopBound(hi - lo); i < up; i += L) {
            v.intoArray(y, i);
        }
        if (i < hi) {
            v.intoArray(y, i, S.indexInRange(i, hi));
        }
    }
}
