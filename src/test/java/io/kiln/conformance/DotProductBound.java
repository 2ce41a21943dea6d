package io.kiln.conformance;

import io.kiln.core.Activation;

/**
 * Error bounds for results that are float dot products or sums (GEMM, batched GEMM, SUM/MEAN reductions), per
 * element, from the magnitudes of the terms: a float sum of terms t_i accumulated in any order errs by at most
 * ~len·2^-24·Σ|t_i|, whatever the cancellation, so the bound is {@code RTOL·Σ|t_i|} rather than a tolerance relative
 * to the (possibly cancelled) result.
 */
public final class DotProductBound {
    private DotProductBound() {
    }

    /**
     * A float dot product of length k accumulated in any order errs by at most ~k·2^-24·Σ|a·b|; blocked kernels
     * accumulate in partial sums of length KC and then add them, so the practical bound is far smaller.
     * 1e-5·Σ|a·b| (≈ 168 ulp of the magnitude sum) holds for k up to ~800 at the worst case and for every realistic
     * rounding pattern beyond.
     */
    public static final double RTOL = 1e-5;

    public static final String REASON = "GEMM/sum bound 1e-5·Σ|terms|: a float dot product of length k errs by "
            + "at most ~k·2^-24·Σ|a·b| in any summation order; 1e-5 covers k up to ~800 at the worst case";

    /**
     * Largest |f'(x)| of every {@link Activation} (GELU-erf's 1.129 is the largest; SiLU's 1.100), rounded up: an
     * error e before the GEMM epilogue's activation is at most this·e after it.
     */
    public static final double ACTIVATION_LIPSCHITZ = 1.2;

    /**
     * Per-element bounds for {@code C = alpha·op(A)·op(B) + beta·C0 + bias} before any activation:
     * {@code RTOL·(|alpha|·Σ_p |op(A)[i,p]·op(B)[p,j]| + |beta·C0[i,j]| + |bias[j]|)}. When {@code beta == 0}, C0 is
     * not read (it may hold NaN). {@code bias} may be null.
     */
    public static double[] gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
                                float[] b, float beta, float[] c0, float[] bias) {
        double[] bound = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double absSum = 0;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? a[p * m + i] : a[i * k + p];
                    double bpj = transB ? b[j * k + p] : b[p * n + j];
                    absSum += Math.abs(aip * bpj);
                }
                double c = beta == 0 ? 0 : Math.abs((double) beta * c0[i * n + j]);
                double bi = bias == null ? 0 : Math.abs(bias[j]);
                bound[i * n + j] = RTOL * (Math.abs(alpha) * absSum + c + bi) + 1e-30;
            }
        }
        return bound;
    }

    /**
     * The bound after the epilogue's activation: the pre-activation bound times {@link #ACTIVATION_LIPSCHITZ}, plus
     * the activation's own float error ({@link Tolerance#ELEMENTWISE} of the result).
     */
    public static double[] afterActivation(Activation act, double[] preBound, float[] expected) {
        if (act == Activation.IDENTITY) {
            return preBound;
        }
        double[] out = new double[preBound.length];
        Tolerance t = Tolerance.ELEMENTWISE;
        for (int i = 0; i < out.length; i++) {
            out[i] = ACTIVATION_LIPSCHITZ * preBound[i] + t.atol() + t.rtol() * Math.abs(expected[i]);
        }
        return out;
    }

    /** Bound on a float sum of the given terms: {@code RTOL·Σ|terms|} (plus a hair for an all-zero sum). */
    public static double sum(double absSum) {
        return RTOL * absSum + 1e-30;
    }
}
