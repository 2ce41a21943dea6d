package io.kiln.backend.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row kernels: softmax, log-softmax, their backward passes and the fused softmax + cross-entropy losses, one row at a
 * time (rows are split across threads by the caller).
 *
 * <p>Softmax is online (Milakov and Gimelshein, "Online normalizer calculation for softmax", 2018), by blocks of
 * {@value #BLOCK} floats: pass 1 reads each block twice from L1 (its maximum, then {@code e^(x − m)} with the running
 * maximum m, written straight to y and summed), rescaling the running sum when m grows; pass 2 multiplies each block
 * of y by {@code e^(m_block − m)/sum}. Memory sees x read once and y written once; one exp per element. Log-softmax:
 * pass 1 the same without storing, pass 2 {@code y = (x − m) − log(sum)}. Sums accumulate in float64 lanes.
 *
 * <p>Error: softmax ≤ 4 ulp per element (exp ≤ 2 ulp, the scale ≤ 1 ulp, one rounding); log-softmax ≤ 1 ulp of
 * |x − m| plus 1 ulp of log(sum) (absolute). Cross-entropy: the row's loss {@code log(sum) − (x_label − m)} to
 * ≤ 2 ulp of its terms; gradient as softmax, with the label entry computed in float64.
 */
final class RowKernels {
    private static final VectorSpecies<Float> S = Lanes.S;
    private static final int L = Lanes.L;
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, S.vectorShape());
    /** Floats per online block: 8 KiB, read twice from L1. */
    static final int BLOCK = 2048;

    private RowKernels() {
    }

    // float -> double lane conversions are written out as convert(F2D, part) at each use, not in a helper: a helper
    // of ours called after VectorMath.exp can be refused by C2's inlining node budget and box its vectors (see
    // ActivationKernels)

    /** {@code y[i] = e^(x[i] − m)} (when y is not null) and returns Σ e^(x[i] − m) in float64. */
    static double expShift(float[] x, int xo, float[] y, int yo, int n, float m) {
        FloatVector mv = FloatVector.broadcast(S, m);
        DoubleVector acc0 = DoubleVector.zero(D);
        DoubleVector acc1 = DoubleVector.zero(D);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, xo + i).sub(mv));
            if (y != null) {
                e.intoArray(y, yo + i);
            }
            acc0 = acc0.add(((DoubleVector) e.convert(VectorOperators.F2D, 0)));
            acc1 = acc1.add(((DoubleVector) e.convert(VectorOperators.F2D, 1)));
        }
        if (i < n) {
            VectorMask<Float> mask = S.indexInRange(i, n);
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, xo + i, mask).sub(mv)).blend(0f, mask.not());
            if (y != null) {
                e.intoArray(y, yo + i, mask);
            }
            acc0 = acc0.add(((DoubleVector) e.convert(VectorOperators.F2D, 0)));
            acc1 = acc1.add(((DoubleVector) e.convert(VectorOperators.F2D, 1)));
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Online pass over one row: returns the row maximum in {@code stats[0]} and writes Σ e^(x − max) to
     * {@code sum[0]}; when {@code y} is not null it also stores {@code e^(x − m_b)} per block and the block's m_b in
     * {@code blockMax}. A NaN anywhere makes max NaN; an all −Inf row gives max −Inf and sum 0.
     */
    private static float online(float[] x, int off, int cols, float[] y, float[] blockMax, double[] sum) {
        float m = Float.NEGATIVE_INFINITY;
        double s = 0;
        int b = 0;
        for (int start = 0; start < cols; start += BLOCK, b++) {
            int len = Math.min(BLOCK, cols - start);
            float bm = Sums.max(x, off + start, len);
            if (Float.isNaN(bm)) {
                m = Float.NaN;
                s = Double.NaN;
                break;
            }
            if (bm > m) {
                if (s != 0) {
                    s *= Math.exp((double) m - bm);
                }
                m = bm;
            }
            if (y != null) {
                blockMax[b] = m;
            }
            if (m != Float.NEGATIVE_INFINITY) {
                s += expShift(x, off + start, y, off + start, len, m);
            }
        }
        sum[0] = s;
        return m;
    }

    /** Softmax or log-softmax of rows [r0, r1). {@code y} may be {@code x}. */
    static void softmax(float[] x, float[] y, int cols, int r0, int r1, boolean log) {
        double[] sum = new double[1];
        float[] blockMax = log ? null : Scratch.floats(1, (cols + BLOCK - 1) / BLOCK + 1);
        for (int r = r0; r < r1; r++) {
            int off = r * cols;
            float m = online(x, off, cols, log ? null : y, blockMax, sum);
            double s = sum[0];
            if (Float.isNaN(m) || m == Float.NEGATIVE_INFINITY || Double.isInfinite(s)) {
                // NaN row, all −Inf row (x − m is NaN), or +Inf entries (Inf − Inf): every output is NaN, as the
                // float64 formula gives
                fillNaNRowLike(x, y, off, cols, m);
                continue;
            }
            if (log) {
                float logSum = (float) Math.log(s);
                FloatVector mv = FloatVector.broadcast(S, m);
                FloatVector lv = FloatVector.broadcast(S, logSum);
                int i = 0;
                for (int up = S.loopBound(cols); i < up; i += L) {
                    FloatVector.fromArray(S, x, off + i).sub(mv).sub(lv).intoArray(y, off + i);
                }
                if (i < cols) {
                    VectorMask<Float> mask = S.indexInRange(i, cols);
                    FloatVector.fromArray(S, x, off + i, mask).sub(mv).sub(lv).intoArray(y, off + i, mask);
                }
            } else {
                int b = 0;
                for (int start = 0; start < cols; start += BLOCK, b++) {
                    int len = Math.min(BLOCK, cols - start);
                    float scale = (float) (Math.exp((double) blockMax[b] - m) / s);
                    scaleInPlace(y, off + start, len, scale);
                }
            }
        }
    }

    /** The row's outputs when max is NaN, −Inf, or the sum overflowed because of +Inf logits. */
    private static void fillNaNRowLike(float[] x, float[] y, int off, int cols, float m) {
        // float64 semantics: exp(x - m) with m = +Inf gives NaN for x = +Inf and 0 otherwise, but the sum is NaN,
        // so every entry is NaN; m = NaN or −Inf: x − m is NaN.
        java.util.Arrays.fill(y, off, off + cols, Float.NaN);
    }

    static void scaleInPlace(float[] y, int off, int n, float scale) {
        FloatVector sv = FloatVector.broadcast(S, scale);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, y, off + i).mul(sv).intoArray(y, off + i);
        }
        if (i < n) {
            VectorMask<Float> mask = S.indexInRange(i, n);
            FloatVector.fromArray(S, y, off + i, mask).mul(sv).intoArray(y, off + i, mask);
        }
    }

    /** Backward of softmax ({@code dx = y·(dy − Σ dy·y)}) or log-softmax ({@code dx = dy − e^y·Σ dy}). */
    static void softmaxBackward(float[] y, float[] dy, float[] dx, int cols, int r0, int r1, boolean log) {
        for (int r = r0; r < r1; r++) {
            int off = r * cols;
            if (log) {
                FloatVector sv = FloatVector.broadcast(S, (float) Sums.sum(dy, off, cols));
                int i = 0;
                for (int up = S.loopBound(cols); i < up; i += L) {
                    FloatVector e = VectorMath.exp(FloatVector.fromArray(S, y, off + i));
                    e.neg().fma(sv, FloatVector.fromArray(S, dy, off + i)).intoArray(dx, off + i);
                }
                if (i < cols) {
                    VectorMask<Float> mask = S.indexInRange(i, cols);
                    FloatVector e = VectorMath.exp(FloatVector.fromArray(S, y, off + i, mask));
                    e.neg().fma(sv, FloatVector.fromArray(S, dy, off + i, mask)).intoArray(dx, off + i, mask);
                }
            } else {
                FloatVector sv = FloatVector.broadcast(S, (float) Sums.dot(dy, off, y, off, cols));
                int i = 0;
                for (int up = S.loopBound(cols); i < up; i += L) {
                    FloatVector yv = FloatVector.fromArray(S, y, off + i);
                    FloatVector.fromArray(S, dy, off + i).sub(sv).mul(yv).intoArray(dx, off + i);
                }
                if (i < cols) {
                    VectorMask<Float> mask = S.indexInRange(i, cols);
                    FloatVector yv = FloatVector.fromArray(S, y, off + i, mask);
                    FloatVector.fromArray(S, dy, off + i, mask).sub(sv).mul(yv).intoArray(dx, off + i, mask);
                }
            }
        }
    }

    /**
     * Fused softmax + cross-entropy over rows [r0, r1) with integer labels: returns Σ over those rows of
     * {@code logsumexp(x) − x[label]}; when {@code g} is not null writes {@code g = (softmax(x) − onehot)/n}. Each
     * row: one online pass (max and sum), one pass writing the gradient.
     */
    static double crossEntropy(float[] x, int[] labels, float[] g, int cols, int r0, int r1, int n) {
        double[] sum = new double[1];
        double total = 0;
        for (int r = r0; r < r1; r++) {
            int off = r * cols;
            float m = online(x, off, cols, null, null, sum);
            double s = sum[0];
            double xl = x[off + labels[r]];
            double logSum = Math.log(s);
            total += logSum - (xl - m);
            if (g != null) {
                if (Float.isNaN(m) || m == Float.NEGATIVE_INFINITY || Double.isInfinite(s)) {
                    java.util.Arrays.fill(g, off, off + cols, Float.NaN);
                    continue;
                }
                float scale = (float) (1.0 / (s * n));
                FloatVector mv = FloatVector.broadcast(S, m);
                FloatVector sv = FloatVector.broadcast(S, scale);
                int i = 0;
                for (int up = S.loopBound(cols); i < up; i += L) {
                    VectorMath.exp(FloatVector.fromArray(S, x, off + i).sub(mv)).mul(sv).intoArray(g, off + i);
                }
                if (i < cols) {
                    VectorMask<Float> mask = S.indexInRange(i, cols);
                    VectorMath.exp(FloatVector.fromArray(S, x, off + i, mask).sub(mv)).mul(sv)
                            .intoArray(g, off + i, mask);
                }
                g[off + labels[r]] = (float) ((Math.exp(xl - m) / s - 1.0) / n);
            }
        }
        return total;
    }

    /**
     * Cross-entropy against soft targets over rows [r0, r1): returns Σ rows of {@code Σ_j t_j·(lse − x_j)}, written
     * as {@code log(sum)·Σt − Σ t·(x − m)} so that no large terms cancel; gradient {@code (softmax·Σt − t)/n}. Each
     * row: max, then sums (exp, t, t·(x − m)) in one pass, then the gradient pass.
     */
    static double crossEntropySoft(float[] x, float[] t, float[] g, int cols, int r0, int r1, int n) {
        double total = 0;
        for (int r = r0; r < r1; r++) {
            int off = r * cols;
            float m = Sums.max(x, off, cols);
            FloatVector mv = FloatVector.broadcast(S, m);
            DoubleVector se0 = DoubleVector.zero(D);
            DoubleVector se1 = DoubleVector.zero(D);
            DoubleVector st0 = DoubleVector.zero(D);
            DoubleVector st1 = DoubleVector.zero(D);
            DoubleVector stx0 = DoubleVector.zero(D);
            DoubleVector stx1 = DoubleVector.zero(D);
            int i = 0;
            for (int up = S.loopBound(cols); i < up; i += L) {
                FloatVector xm = FloatVector.fromArray(S, x, off + i).sub(mv);
                FloatVector tv = FloatVector.fromArray(S, t, off + i);
                FloatVector e = VectorMath.exp(xm);
                se0 = se0.add(((DoubleVector) e.convert(VectorOperators.F2D, 0)));
                se1 = se1.add(((DoubleVector) e.convert(VectorOperators.F2D, 1)));
                DoubleVector tl = ((DoubleVector) tv.convert(VectorOperators.F2D, 0));
                DoubleVector th = ((DoubleVector) tv.convert(VectorOperators.F2D, 1));
                st0 = st0.add(tl);
                st1 = st1.add(th);
                stx0 = tl.fma(((DoubleVector) xm.convert(VectorOperators.F2D, 0)), stx0);
                stx1 = th.fma(((DoubleVector) xm.convert(VectorOperators.F2D, 1)), stx1);
            }
            if (i < cols) {
                VectorMask<Float> mask = S.indexInRange(i, cols);
                FloatVector xm = FloatVector.fromArray(S, x, off + i, mask).sub(mv).blend(0f, mask.not());
                FloatVector tv = FloatVector.fromArray(S, t, off + i, mask);
                FloatVector e = VectorMath.exp(xm).blend(0f, mask.not());
                se0 = se0.add(((DoubleVector) e.convert(VectorOperators.F2D, 0)));
                se1 = se1.add(((DoubleVector) e.convert(VectorOperators.F2D, 1)));
                DoubleVector tl = ((DoubleVector) tv.convert(VectorOperators.F2D, 0));
                DoubleVector th = ((DoubleVector) tv.convert(VectorOperators.F2D, 1));
                st0 = st0.add(tl);
                st1 = st1.add(th);
                stx0 = tl.fma(((DoubleVector) xm.convert(VectorOperators.F2D, 0)), stx0);
                stx1 = th.fma(((DoubleVector) xm.convert(VectorOperators.F2D, 1)), stx1);
            }
            double s = se0.add(se1).reduceLanes(VectorOperators.ADD);
            double st = st0.add(st1).reduceLanes(VectorOperators.ADD);
            double stx = stx0.add(stx1).reduceLanes(VectorOperators.ADD);
            total += Math.log(s) * st - stx;
            if (g != null) {
                FloatVector a = FloatVector.broadcast(S, (float) (st / (s * n)));
                FloatVector invN = FloatVector.broadcast(S, (float) (1.0 / n));
                int j = 0;
                for (int up = S.loopBound(cols); j < up; j += L) {
                    FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, off + j).sub(mv));
                    FloatVector tv = FloatVector.fromArray(S, t, off + j);
                    e.mul(a).sub(tv.mul(invN)).intoArray(g, off + j);
                }
                if (j < cols) {
                    VectorMask<Float> mask = S.indexInRange(j, cols);
                    FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, off + j, mask).sub(mv));
                    FloatVector tv = FloatVector.fromArray(S, t, off + j, mask);
                    e.mul(a).sub(tv.mul(invN)).intoArray(g, off + j, mask);
                }
            }
        }
        return total;
    }
}
