package io.kiln.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The loop skeletons every elementwise kernel of the SIMD backend runs on: full vectors in the loop body, one masked
 * vector for the tail, no mask in the hot loop. The lane function is a constant lambda per kernel; C2 inlines the
 * skeleton into each kernel and the lambda into the skeleton, so vectors stay in registers (checked by the JMH
 * {@code ElementwiseBench}: a boxed vector would show up as a 10x slowdown).
 */
final class Lanes {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private Lanes() {
    }

    @FunctionalInterface
    interface Unary {
        FloatVector apply(FloatVector x);
    }

    @FunctionalInterface
    interface Binary {
        FloatVector apply(FloatVector a, FloatVector b);
    }

    @FunctionalInterface
    interface Ternary {
        FloatVector apply(FloatVector a, FloatVector b, FloatVector c);
    }

    /** {@code y[yo + i] = f(x[xo + i])} for i in [0, n). */
    static void map(Unary f, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            f.apply(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            f.apply(FloatVector.fromArray(S, x, xo + i, m)).intoArray(y, yo + i, m);
        }
    }

    /** {@code o[oo + i] = f(a[ao + i], b[bo + i])}. */
    static void map(Binary f, float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            f.apply(FloatVector.fromArray(S, a, ao + i), FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            f.apply(FloatVector.fromArray(S, a, ao + i, m), FloatVector.fromArray(S, b, bo + i, m))
                    .intoArray(o, oo + i, m);
        }
    }

    /** {@code o[oo + i] = f(a[ao + i], bv)} with one broadcast right operand. */
    static void mapScalarRight(Binary f, float[] a, int ao, float bs, float[] o, int oo, int n) {
        FloatVector bv = FloatVector.broadcast(S, bs);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            f.apply(FloatVector.fromArray(S, a, ao + i), bv).intoArray(o, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            f.apply(FloatVector.fromArray(S, a, ao + i, m), bv).intoArray(o, oo + i, m);
        }
    }

    /** {@code o[oo + i] = f(av, b[bo + i])} with one broadcast left operand. */
    static void mapScalarLeft(Binary f, float as, float[] b, int bo, float[] o, int oo, int n) {
        FloatVector av = FloatVector.broadcast(S, as);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            f.apply(av, FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            f.apply(av, FloatVector.fromArray(S, b, bo + i, m)).intoArray(o, oo + i, m);
        }
    }

    /** {@code o[oo + i] = f(a[ao + i], b[bo + i], c[co + i])}. */
    static void map(Ternary f, float[] a, int ao, float[] b, int bo, float[] c, int co, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            f.apply(FloatVector.fromArray(S, a, ao + i), FloatVector.fromArray(S, b, bo + i),
                    FloatVector.fromArray(S, c, co + i)).intoArray(o, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            f.apply(FloatVector.fromArray(S, a, ao + i, m), FloatVector.fromArray(S, b, bo + i, m),
                    FloatVector.fromArray(S, c, co + i, m)).intoArray(o, oo + i, m);
        }
    }
}
