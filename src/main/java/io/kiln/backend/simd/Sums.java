package io.kiln.backend.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums for reductions, norms and losses, accumulated in float64 lanes: each float vector is widened to two double
 * vectors (two {@code vcvtps2pd}) and added there, so the error is that of a float64 sum (≤ n·2^-53 relative to
 * Σ|x|, far below the one rounding to float at the end) and no intermediate overflows. The widening costs a few
 * instructions per 16 floats; these loops are memory-bound, so it is free in practice.
 */
final class Sums {
    private static final VectorSpecies<Float> S = Lanes.S;
    private static final int L = Lanes.L;

    private Sums() {
    }

    private static DoubleVector lo(FloatVector v) {
        return (DoubleVector) v.convert(VectorOperators.F2D, 0);
    }

    private static DoubleVector hi(FloatVector v) {
        return (DoubleVector) v.convert(VectorOperators.F2D, 1);
    }

    /** Doubles in a vector of the same bit size as {@link #S}: one float vector widens into two of these. */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, S.vectorShape());

    private static DoubleVector zero() {
        return DoubleVector.zero(D);
    }

    /** Σ a[off..off+n). */
    static double sum(float[] a, int off, int n) {
        DoubleVector acc0 = zero();
        DoubleVector acc1 = zero();
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector v = FloatVector.fromArray(S, a, off + i);
            acc0 = acc0.add(lo(v));
            acc1 = acc1.add(hi(v));
        }
        if (i < n) {
            FloatVector v = FloatVector.fromArray(S, a, off + i, S.indexInRange(i, n));
            acc0 = acc0.add(lo(v));
            acc1 = acc1.add(hi(v));
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /** Σ a². */
    static double sumSquares(float[] a, int off, int n) {
        DoubleVector acc0 = zero();
        DoubleVector acc1 = zero();
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector v = FloatVector.fromArray(S, a, off + i);
            DoubleVector l = lo(v);
            DoubleVector h = hi(v);
            acc0 = l.fma(l, acc0);
            acc1 = h.fma(h, acc1);
        }
        if (i < n) {
            FloatVector v = FloatVector.fromArray(S, a, off + i, S.indexInRange(i, n));
            DoubleVector l = lo(v);
            DoubleVector h = hi(v);
            acc0 = l.fma(l, acc0);
            acc1 = h.fma(h, acc1);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /** Σ a·b. */
    static double dot(float[] a, int ao, float[] b, int bo, int n) {
        DoubleVector acc0 = zero();
        DoubleVector acc1 = zero();
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector va = FloatVector.fromArray(S, a, ao + i);
            FloatVector vb = FloatVector.fromArray(S, b, bo + i);
            acc0 = lo(va).fma(lo(vb), acc0);
            acc1 = hi(va).fma(hi(vb), acc1);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector va = FloatVector.fromArray(S, a, ao + i, m);
            FloatVector vb = FloatVector.fromArray(S, b, bo + i, m);
            acc0 = lo(va).fma(lo(vb), acc0);
            acc1 = hi(va).fma(hi(vb), acc1);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /** Σ (a − b)², the difference taken in float64 (exact). */
    static double sumSquaredDiff(float[] a, float[] b, int off, int n) {
        DoubleVector acc0 = zero();
        DoubleVector acc1 = zero();
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector va = FloatVector.fromArray(S, a, off + i);
            FloatVector vb = FloatVector.fromArray(S, b, off + i);
            DoubleVector d0 = lo(va).sub(lo(vb));
            DoubleVector d1 = hi(va).sub(hi(vb));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector va = FloatVector.fromArray(S, a, off + i, m);
            FloatVector vb = FloatVector.fromArray(S, b, off + i, m);
            DoubleVector d0 = lo(va).sub(lo(vb));
            DoubleVector d1 = hi(va).sub(hi(vb));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /** Largest element (NaN if any is NaN, −Inf when n == 0), as {@link Math#max} folds. */
    static float max(float[] a, int off, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            acc = acc.max(FloatVector.fromArray(S, a, off + i));
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            acc = acc.blend(acc.max(FloatVector.fromArray(S, a, off + i, m)), m);
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }
}
