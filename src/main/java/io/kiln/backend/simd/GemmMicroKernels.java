package io.kiln.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked GEMM micro-kernels: {@code C[MR×NR] = alpha·Ap·Bp (+ beta·C)} over one packed A micro-panel
 * (kc steps of MR floats) and one packed B micro-panel (kc steps of NR floats), NR = NV vectors of the preferred
 * species. The MR·NV accumulators are named locals so C2 keeps them in registers (an array of vectors would not be);
 * every variant has the same shape, unrolled by hand: per k step, NV vector loads of B, MR broadcasts of A, MR·NV
 * FMAs. {@code beta == 0} never reads C. Which variant runs is {@link GemmBlocking#mr()} × {@link GemmBlocking#nr()};
 * {@link #supports} lists them. FMA is used for every multiply-add (one rounding per step).
 */
final class GemmMicroKernels {
    private static final VectorSpecies<Float> S = Lanes.S;
    private static final int L = Lanes.L;

    private GemmMicroKernels() {
    }

    /** Shapes (MR, NR in vectors) that have a kernel. */
    static final int[][] SHAPES = {{4, 3}, {6, 2}, {8, 2}, {12, 2}, {14, 1}, {8, 3}, {6, 3}, {16, 1}};

    static boolean supports(int mr, int nrVectors) {
        for (int[] s : SHAPES) {
            if (s[0] == mr && s[1] == nrVectors) {
                return true;
            }
        }
        return false;
    }

    /** Runs the (mr × nv vectors) kernel. */
    static void run(int mr, int nv, int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
                    float alpha, float beta) {
        switch (mr * 16 + nv) {
            case 67 -> k4x3(kc, a, ao, b, bo, c, co, ldc, alpha, beta);
            case 98 -> k6x2(kc, a, ao, b, bo, c, co, ldc, alpha, beta);
            case 130 -> k8x2(kc, a, ao, b, bo, c, co, ldc, alpha, beta);
            case 194 -> k12x2(kc, a, ao, b, bo, c, co, ldc, alpha, beta);
            case 225 -> k14x1(kc, a, ao, b, bo, c, co, ldc, alpha, beta);
            case 131 -> k8x3(kc, a, ao, b, bo, c, co, ldc, alpha, beta);
            case 99 -> k6x3(kc, a, ao, b, bo, c, co, ldc, alpha, beta);
            case 257 -> k16x1(kc, a, ao, b, bo, c, co, ldc, alpha, beta);
            default -> throw new IllegalStateException("no micro-kernel " + mr + "x" + nv);
        }
    }

    static void k4x3(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, float alpha,
                     float beta) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = FloatVector.zero(S);
        FloatVector c0_2 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S);
        FloatVector c1_1 = FloatVector.zero(S);
        FloatVector c1_2 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S);
        FloatVector c2_1 = FloatVector.zero(S);
        FloatVector c2_2 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S);
        FloatVector c3_1 = FloatVector.zero(S);
        FloatVector c3_2 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * 4;
            FloatVector b0 = FloatVector.fromArray(S, b, bo + (p * 3 + 0) * L);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + (p * 3 + 1) * L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + (p * 3 + 2) * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai + 0]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            c0_2 = b2.fma(a0, c0_2);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            c1_2 = b2.fma(a1, c1_2);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            c2_2 = b2.fma(a2, c2_2);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
            c3_2 = b2.fma(a3, c3_2);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            c0_0.mul(av).intoArray(c, co + 0 * ldc + 0 * L);
            c0_1.mul(av).intoArray(c, co + 0 * ldc + 1 * L);
            c0_2.mul(av).intoArray(c, co + 0 * ldc + 2 * L);
            c1_0.mul(av).intoArray(c, co + 1 * ldc + 0 * L);
            c1_1.mul(av).intoArray(c, co + 1 * ldc + 1 * L);
            c1_2.mul(av).intoArray(c, co + 1 * ldc + 2 * L);
            c2_0.mul(av).intoArray(c, co + 2 * ldc + 0 * L);
            c2_1.mul(av).intoArray(c, co + 2 * ldc + 1 * L);
            c2_2.mul(av).intoArray(c, co + 2 * ldc + 2 * L);
            c3_0.mul(av).intoArray(c, co + 3 * ldc + 0 * L);
            c3_1.mul(av).intoArray(c, co + 3 * ldc + 1 * L);
            c3_2.mul(av).intoArray(c, co + 3 * ldc + 2 * L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            int o0_0 = co + 0 * ldc + 0 * L;
            c0_0.fma(av, FloatVector.fromArray(S, c, o0_0).mul(bv)).intoArray(c, o0_0);
            int o0_1 = co + 0 * ldc + 1 * L;
            c0_1.fma(av, FloatVector.fromArray(S, c, o0_1).mul(bv)).intoArray(c, o0_1);
            int o0_2 = co + 0 * ldc + 2 * L;
            c0_2.fma(av, FloatVector.fromArray(S, c, o0_2).mul(bv)).intoArray(c, o0_2);
            int o1_0 = co + 1 * ldc + 0 * L;
            c1_0.fma(av, FloatVector.fromArray(S, c, o1_0).mul(bv)).intoArray(c, o1_0);
            int o1_1 = co + 1 * ldc + 1 * L;
            c1_1.fma(av, FloatVector.fromArray(S, c, o1_1).mul(bv)).intoArray(c, o1_1);
            int o1_2 = co + 1 * ldc + 2 * L;
            c1_2.fma(av, FloatVector.fromArray(S, c, o1_2).mul(bv)).intoArray(c, o1_2);
            int o2_0 = co + 2 * ldc + 0 * L;
            c2_0.fma(av, FloatVector.fromArray(S, c, o2_0).mul(bv)).intoArray(c, o2_0);
            int o2_1 = co + 2 * ldc + 1 * L;
            c2_1.fma(av, FloatVector.fromArray(S, c, o2_1).mul(bv)).intoArray(c, o2_1);
            int o2_2 = co + 2 * ldc + 2 * L;
            c2_2.fma(av, FloatVector.fromArray(S, c, o2_2).mul(bv)).intoArray(c, o2_2);
            int o3_0 = co + 3 * ldc + 0 * L;
            c3_0.fma(av, FloatVector.fromArray(S, c, o3_0).mul(bv)).intoArray(c, o3_0);
            int o3_1 = co + 3 * ldc + 1 * L;
            c3_1.fma(av, FloatVector.fromArray(S, c, o3_1).mul(bv)).intoArray(c, o3_1);
            int o3_2 = co + 3 * ldc + 2 * L;
            c3_2.fma(av, FloatVector.fromArray(S, c, o3_2).mul(bv)).intoArray(c, o3_2);
        }
    }

    static void k6x2(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, float alpha,
                     float beta) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S);
        FloatVector c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S);
        FloatVector c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S);
        FloatVector c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S);
        FloatVector c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S);
        FloatVector c5_1 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * 6;
            FloatVector b0 = FloatVector.fromArray(S, b, bo + (p * 2 + 0) * L);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + (p * 2 + 1) * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai + 0]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c4_0 = b0.fma(a4, c4_0);
            c4_1 = b1.fma(a4, c4_1);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c5_0 = b0.fma(a5, c5_0);
            c5_1 = b1.fma(a5, c5_1);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            c0_0.mul(av).intoArray(c, co + 0 * ldc + 0 * L);
            c0_1.mul(av).intoArray(c, co + 0 * ldc + 1 * L);
            c1_0.mul(av).intoArray(c, co + 1 * ldc + 0 * L);
            c1_1.mul(av).intoArray(c, co + 1 * ldc + 1 * L);
            c2_0.mul(av).intoArray(c, co + 2 * ldc + 0 * L);
            c2_1.mul(av).intoArray(c, co + 2 * ldc + 1 * L);
            c3_0.mul(av).intoArray(c, co + 3 * ldc + 0 * L);
            c3_1.mul(av).intoArray(c, co + 3 * ldc + 1 * L);
            c4_0.mul(av).intoArray(c, co + 4 * ldc + 0 * L);
            c4_1.mul(av).intoArray(c, co + 4 * ldc + 1 * L);
            c5_0.mul(av).intoArray(c, co + 5 * ldc + 0 * L);
            c5_1.mul(av).intoArray(c, co + 5 * ldc + 1 * L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            int o0_0 = co + 0 * ldc + 0 * L;
            c0_0.fma(av, FloatVector.fromArray(S, c, o0_0).mul(bv)).intoArray(c, o0_0);
            int o0_1 = co + 0 * ldc + 1 * L;
            c0_1.fma(av, FloatVector.fromArray(S, c, o0_1).mul(bv)).intoArray(c, o0_1);
            int o1_0 = co + 1 * ldc + 0 * L;
            c1_0.fma(av, FloatVector.fromArray(S, c, o1_0).mul(bv)).intoArray(c, o1_0);
            int o1_1 = co + 1 * ldc + 1 * L;
            c1_1.fma(av, FloatVector.fromArray(S, c, o1_1).mul(bv)).intoArray(c, o1_1);
            int o2_0 = co + 2 * ldc + 0 * L;
            c2_0.fma(av, FloatVector.fromArray(S, c, o2_0).mul(bv)).intoArray(c, o2_0);
            int o2_1 = co + 2 * ldc + 1 * L;
            c2_1.fma(av, FloatVector.fromArray(S, c, o2_1).mul(bv)).intoArray(c, o2_1);
            int o3_0 = co + 3 * ldc + 0 * L;
            c3_0.fma(av, FloatVector.fromArray(S, c, o3_0).mul(bv)).intoArray(c, o3_0);
            int o3_1 = co + 3 * ldc + 1 * L;
            c3_1.fma(av, FloatVector.fromArray(S, c, o3_1).mul(bv)).intoArray(c, o3_1);
            int o4_0 = co + 4 * ldc + 0 * L;
            c4_0.fma(av, FloatVector.fromArray(S, c, o4_0).mul(bv)).intoArray(c, o4_0);
            int o4_1 = co + 4 * ldc + 1 * L;
            c4_1.fma(av, FloatVector.fromArray(S, c, o4_1).mul(bv)).intoArray(c, o4_1);
            int o5_0 = co + 5 * ldc + 0 * L;
            c5_0.fma(av, FloatVector.fromArray(S, c, o5_0).mul(bv)).intoArray(c, o5_0);
            int o5_1 = co + 5 * ldc + 1 * L;
            c5_1.fma(av, FloatVector.fromArray(S, c, o5_1).mul(bv)).intoArray(c, o5_1);
        }
    }

    static void k8x2(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, float alpha,
                     float beta) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S);
        FloatVector c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S);
        FloatVector c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S);
        FloatVector c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S);
        FloatVector c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S);
        FloatVector c5_1 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S);
        FloatVector c6_1 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S);
        FloatVector c7_1 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * 8;
            FloatVector b0 = FloatVector.fromArray(S, b, bo + (p * 2 + 0) * L);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + (p * 2 + 1) * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai + 0]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c4_0 = b0.fma(a4, c4_0);
            c4_1 = b1.fma(a4, c4_1);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c5_0 = b0.fma(a5, c5_0);
            c5_1 = b1.fma(a5, c5_1);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]);
            c6_0 = b0.fma(a6, c6_0);
            c6_1 = b1.fma(a6, c6_1);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + 7]);
            c7_0 = b0.fma(a7, c7_0);
            c7_1 = b1.fma(a7, c7_1);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            c0_0.mul(av).intoArray(c, co + 0 * ldc + 0 * L);
            c0_1.mul(av).intoArray(c, co + 0 * ldc + 1 * L);
            c1_0.mul(av).intoArray(c, co + 1 * ldc + 0 * L);
            c1_1.mul(av).intoArray(c, co + 1 * ldc + 1 * L);
            c2_0.mul(av).intoArray(c, co + 2 * ldc + 0 * L);
            c2_1.mul(av).intoArray(c, co + 2 * ldc + 1 * L);
            c3_0.mul(av).intoArray(c, co + 3 * ldc + 0 * L);
            c3_1.mul(av).intoArray(c, co + 3 * ldc + 1 * L);
            c4_0.mul(av).intoArray(c, co + 4 * ldc + 0 * L);
            c4_1.mul(av).intoArray(c, co + 4 * ldc + 1 * L);
            c5_0.mul(av).intoArray(c, co + 5 * ldc + 0 * L);
            c5_1.mul(av).intoArray(c, co + 5 * ldc + 1 * L);
            c6_0.mul(av).intoArray(c, co + 6 * ldc + 0 * L);
            c6_1.mul(av).intoArray(c, co + 6 * ldc + 1 * L);
            c7_0.mul(av).intoArray(c, co + 7 * ldc + 0 * L);
            c7_1.mul(av).intoArray(c, co + 7 * ldc + 1 * L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            int o0_0 = co + 0 * ldc + 0 * L;
            c0_0.fma(av, FloatVector.fromArray(S, c, o0_0).mul(bv)).intoArray(c, o0_0);
            int o0_1 = co + 0 * ldc + 1 * L;
            c0_1.fma(av, FloatVector.fromArray(S, c, o0_1).mul(bv)).intoArray(c, o0_1);
            int o1_0 = co + 1 * ldc + 0 * L;
            c1_0.fma(av, FloatVector.fromArray(S, c, o1_0).mul(bv)).intoArray(c, o1_0);
            int o1_1 = co + 1 * ldc + 1 * L;
            c1_1.fma(av, FloatVector.fromArray(S, c, o1_1).mul(bv)).intoArray(c, o1_1);
            int o2_0 = co + 2 * ldc + 0 * L;
            c2_0.fma(av, FloatVector.fromArray(S, c, o2_0).mul(bv)).intoArray(c, o2_0);
            int o2_1 = co + 2 * ldc + 1 * L;
            c2_1.fma(av, FloatVector.fromArray(S, c, o2_1).mul(bv)).intoArray(c, o2_1);
            int o3_0 = co + 3 * ldc + 0 * L;
            c3_0.fma(av, FloatVector.fromArray(S, c, o3_0).mul(bv)).intoArray(c, o3_0);
            int o3_1 = co + 3 * ldc + 1 * L;
            c3_1.fma(av, FloatVector.fromArray(S, c, o3_1).mul(bv)).intoArray(c, o3_1);
            int o4_0 = co + 4 * ldc + 0 * L;
            c4_0.fma(av, FloatVector.fromArray(S, c, o4_0).mul(bv)).intoArray(c, o4_0);
            int o4_1 = co + 4 * ldc + 1 * L;
            c4_1.fma(av, FloatVector.fromArray(S, c, o4_1).mul(bv)).intoArray(c, o4_1);
            int o5_0 = co + 5 * ldc + 0 * L;
            c5_0.fma(av, FloatVector.fromArray(S, c, o5_0).mul(bv)).intoArray(c, o5_0);
            int o5_1 = co + 5 * ldc + 1 * L;
            c5_1.fma(av, FloatVector.fromArray(S, c, o5_1).mul(bv)).intoArray(c, o5_1);
            int o6_0 = co + 6 * ldc + 0 * L;
            c6_0.fma(av, FloatVector.fromArray(S, c, o6_0).mul(bv)).intoArray(c, o6_0);
            int o6_1 = co + 6 * ldc + 1 * L;
            c6_1.fma(av, FloatVector.fromArray(S, c, o6_1).mul(bv)).intoArray(c, o6_1);
            int o7_0 = co + 7 * ldc + 0 * L;
            c7_0.fma(av, FloatVector.fromArray(S, c, o7_0).mul(bv)).intoArray(c, o7_0);
            int o7_1 = co + 7 * ldc + 1 * L;
            c7_1.fma(av, FloatVector.fromArray(S, c, o7_1).mul(bv)).intoArray(c, o7_1);
        }
    }

    static void k12x2(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, float alpha,
                     float beta) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S);
        FloatVector c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S);
        FloatVector c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S);
        FloatVector c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S);
        FloatVector c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S);
        FloatVector c5_1 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S);
        FloatVector c6_1 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S);
        FloatVector c7_1 = FloatVector.zero(S);
        FloatVector c8_0 = FloatVector.zero(S);
        FloatVector c8_1 = FloatVector.zero(S);
        FloatVector c9_0 = FloatVector.zero(S);
        FloatVector c9_1 = FloatVector.zero(S);
        FloatVector c10_0 = FloatVector.zero(S);
        FloatVector c10_1 = FloatVector.zero(S);
        FloatVector c11_0 = FloatVector.zero(S);
        FloatVector c11_1 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * 12;
            FloatVector b0 = FloatVector.fromArray(S, b, bo + (p * 2 + 0) * L);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + (p * 2 + 1) * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai + 0]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c4_0 = b0.fma(a4, c4_0);
            c4_1 = b1.fma(a4, c4_1);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c5_0 = b0.fma(a5, c5_0);
            c5_1 = b1.fma(a5, c5_1);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]);
            c6_0 = b0.fma(a6, c6_0);
            c6_1 = b1.fma(a6, c6_1);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + 7]);
            c7_0 = b0.fma(a7, c7_0);
            c7_1 = b1.fma(a7, c7_1);
            FloatVector a8 = FloatVector.broadcast(S, a[ai + 8]);
            c8_0 = b0.fma(a8, c8_0);
            c8_1 = b1.fma(a8, c8_1);
            FloatVector a9 = FloatVector.broadcast(S, a[ai + 9]);
            c9_0 = b0.fma(a9, c9_0);
            c9_1 = b1.fma(a9, c9_1);
            FloatVector a10 = FloatVector.broadcast(S, a[ai + 10]);
            c10_0 = b0.fma(a10, c10_0);
            c10_1 = b1.fma(a10, c10_1);
            FloatVector a11 = FloatVector.broadcast(S, a[ai + 11]);
            c11_0 = b0.fma(a11, c11_0);
            c11_1 = b1.fma(a11, c11_1);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            c0_0.mul(av).intoArray(c, co + 0 * ldc + 0 * L);
            c0_1.mul(av).intoArray(c, co + 0 * ldc + 1 * L);
            c1_0.mul(av).intoArray(c, co + 1 * ldc + 0 * L);
            c1_1.mul(av).intoArray(c, co + 1 * ldc + 1 * L);
            c2_0.mul(av).intoArray(c, co + 2 * ldc + 0 * L);
            c2_1.mul(av).intoArray(c, co + 2 * ldc + 1 * L);
            c3_0.mul(av).intoArray(c, co + 3 * ldc + 0 * L);
            c3_1.mul(av).intoArray(c, co + 3 * ldc + 1 * L);
            c4_0.mul(av).intoArray(c, co + 4 * ldc + 0 * L);
            c4_1.mul(av).intoArray(c, co + 4 * ldc + 1 * L);
            c5_0.mul(av).intoArray(c, co + 5 * ldc + 0 * L);
            c5_1.mul(av).intoArray(c, co + 5 * ldc + 1 * L);
            c6_0.mul(av).intoArray(c, co + 6 * ldc + 0 * L);
            c6_1.mul(av).intoArray(c, co + 6 * ldc + 1 * L);
            c7_0.mul(av).intoArray(c, co + 7 * ldc + 0 * L);
            c7_1.mul(av).intoArray(c, co + 7 * ldc + 1 * L);
            c8_0.mul(av).intoArray(c, co + 8 * ldc + 0 * L);
            c8_1.mul(av).intoArray(c, co + 8 * ldc + 1 * L);
            c9_0.mul(av).intoArray(c, co + 9 * ldc + 0 * L);
            c9_1.mul(av).intoArray(c, co + 9 * ldc + 1 * L);
            c10_0.mul(av).intoArray(c, co + 10 * ldc + 0 * L);
            c10_1.mul(av).intoArray(c, co + 10 * ldc + 1 * L);
            c11_0.mul(av).intoArray(c, co + 11 * ldc + 0 * L);
            c11_1.mul(av).intoArray(c, co + 11 * ldc + 1 * L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            int o0_0 = co + 0 * ldc + 0 * L;
            c0_0.fma(av, FloatVector.fromArray(S, c, o0_0).mul(bv)).intoArray(c, o0_0);
            int o0_1 = co + 0 * ldc + 1 * L;
            c0_1.fma(av, FloatVector.fromArray(S, c, o0_1).mul(bv)).intoArray(c, o0_1);
            int o1_0 = co + 1 * ldc + 0 * L;
            c1_0.fma(av, FloatVector.fromArray(S, c, o1_0).mul(bv)).intoArray(c, o1_0);
            int o1_1 = co + 1 * ldc + 1 * L;
            c1_1.fma(av, FloatVector.fromArray(S, c, o1_1).mul(bv)).intoArray(c, o1_1);
            int o2_0 = co + 2 * ldc + 0 * L;
            c2_0.fma(av, FloatVector.fromArray(S, c, o2_0).mul(bv)).intoArray(c, o2_0);
            int o2_1 = co + 2 * ldc + 1 * L;
            c2_1.fma(av, FloatVector.fromArray(S, c, o2_1).mul(bv)).intoArray(c, o2_1);
            int o3_0 = co + 3 * ldc + 0 * L;
            c3_0.fma(av, FloatVector.fromArray(S, c, o3_0).mul(bv)).intoArray(c, o3_0);
            int o3_1 = co + 3 * ldc + 1 * L;
            c3_1.fma(av, FloatVector.fromArray(S, c, o3_1).mul(bv)).intoArray(c, o3_1);
            int o4_0 = co + 4 * ldc + 0 * L;
            c4_0.fma(av, FloatVector.fromArray(S, c, o4_0).mul(bv)).intoArray(c, o4_0);
            int o4_1 = co + 4 * ldc + 1 * L;
            c4_1.fma(av, FloatVector.fromArray(S, c, o4_1).mul(bv)).intoArray(c, o4_1);
            int o5_0 = co + 5 * ldc + 0 * L;
            c5_0.fma(av, FloatVector.fromArray(S, c, o5_0).mul(bv)).intoArray(c, o5_0);
            int o5_1 = co + 5 * ldc + 1 * L;
            c5_1.fma(av, FloatVector.fromArray(S, c, o5_1).mul(bv)).intoArray(c, o5_1);
            int o6_0 = co + 6 * ldc + 0 * L;
            c6_0.fma(av, FloatVector.fromArray(S, c, o6_0).mul(bv)).intoArray(c, o6_0);
            int o6_1 = co + 6 * ldc + 1 * L;
            c6_1.fma(av, FloatVector.fromArray(S, c, o6_1).mul(bv)).intoArray(c, o6_1);
            int o7_0 = co + 7 * ldc + 0 * L;
            c7_0.fma(av, FloatVector.fromArray(S, c, o7_0).mul(bv)).intoArray(c, o7_0);
            int o7_1 = co + 7 * ldc + 1 * L;
            c7_1.fma(av, FloatVector.fromArray(S, c, o7_1).mul(bv)).intoArray(c, o7_1);
            int o8_0 = co + 8 * ldc + 0 * L;
            c8_0.fma(av, FloatVector.fromArray(S, c, o8_0).mul(bv)).intoArray(c, o8_0);
            int o8_1 = co + 8 * ldc + 1 * L;
            c8_1.fma(av, FloatVector.fromArray(S, c, o8_1).mul(bv)).intoArray(c, o8_1);
            int o9_0 = co + 9 * ldc + 0 * L;
            c9_0.fma(av, FloatVector.fromArray(S, c, o9_0).mul(bv)).intoArray(c, o9_0);
            int o9_1 = co + 9 * ldc + 1 * L;
            c9_1.fma(av, FloatVector.fromArray(S, c, o9_1).mul(bv)).intoArray(c, o9_1);
            int o10_0 = co + 10 * ldc + 0 * L;
            c10_0.fma(av, FloatVector.fromArray(S, c, o10_0).mul(bv)).intoArray(c, o10_0);
            int o10_1 = co + 10 * ldc + 1 * L;
            c10_1.fma(av, FloatVector.fromArray(S, c, o10_1).mul(bv)).intoArray(c, o10_1);
            int o11_0 = co + 11 * ldc + 0 * L;
            c11_0.fma(av, FloatVector.fromArray(S, c, o11_0).mul(bv)).intoArray(c, o11_0);
            int o11_1 = co + 11 * ldc + 1 * L;
            c11_1.fma(av, FloatVector.fromArray(S, c, o11_1).mul(bv)).intoArray(c, o11_1);
        }
    }

    static void k14x1(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, float alpha,
                     float beta) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S);
        FloatVector c8_0 = FloatVector.zero(S);
        FloatVector c9_0 = FloatVector.zero(S);
        FloatVector c10_0 = FloatVector.zero(S);
        FloatVector c11_0 = FloatVector.zero(S);
        FloatVector c12_0 = FloatVector.zero(S);
        FloatVector c13_0 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * 14;
            FloatVector b0 = FloatVector.fromArray(S, b, bo + (p * 1 + 0) * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai + 0]);
            c0_0 = b0.fma(a0, c0_0);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c1_0 = b0.fma(a1, c1_0);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c2_0 = b0.fma(a2, c2_0);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c3_0 = b0.fma(a3, c3_0);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c4_0 = b0.fma(a4, c4_0);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c5_0 = b0.fma(a5, c5_0);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]);
            c6_0 = b0.fma(a6, c6_0);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + 7]);
            c7_0 = b0.fma(a7, c7_0);
            FloatVector a8 = FloatVector.broadcast(S, a[ai + 8]);
            c8_0 = b0.fma(a8, c8_0);
            FloatVector a9 = FloatVector.broadcast(S, a[ai + 9]);
            c9_0 = b0.fma(a9, c9_0);
            FloatVector a10 = FloatVector.broadcast(S, a[ai + 10]);
            c10_0 = b0.fma(a10, c10_0);
            FloatVector a11 = FloatVector.broadcast(S, a[ai + 11]);
            c11_0 = b0.fma(a11, c11_0);
            FloatVector a12 = FloatVector.broadcast(S, a[ai + 12]);
            c12_0 = b0.fma(a12, c12_0);
            FloatVector a13 = FloatVector.broadcast(S, a[ai + 13]);
            c13_0 = b0.fma(a13, c13_0);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            c0_0.mul(av).intoArray(c, co + 0 * ldc + 0 * L);
            c1_0.mul(av).intoArray(c, co + 1 * ldc + 0 * L);
            c2_0.mul(av).intoArray(c, co + 2 * ldc + 0 * L);
            c3_0.mul(av).intoArray(c, co + 3 * ldc + 0 * L);
            c4_0.mul(av).intoArray(c, co + 4 * ldc + 0 * L);
            c5_0.mul(av).intoArray(c, co + 5 * ldc + 0 * L);
            c6_0.mul(av).intoArray(c, co + 6 * ldc + 0 * L);
            c7_0.mul(av).intoArray(c, co + 7 * ldc + 0 * L);
            c8_0.mul(av).intoArray(c, co + 8 * ldc + 0 * L);
            c9_0.mul(av).intoArray(c, co + 9 * ldc + 0 * L);
            c10_0.mul(av).intoArray(c, co + 10 * ldc + 0 * L);
            c11_0.mul(av).intoArray(c, co + 11 * ldc + 0 * L);
            c12_0.mul(av).intoArray(c, co + 12 * ldc + 0 * L);
            c13_0.mul(av).intoArray(c, co + 13 * ldc + 0 * L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            int o0_0 = co + 0 * ldc + 0 * L;
            c0_0.fma(av, FloatVector.fromArray(S, c, o0_0).mul(bv)).intoArray(c, o0_0);
            int o1_0 = co + 1 * ldc + 0 * L;
            c1_0.fma(av, FloatVector.fromArray(S, c, o1_0).mul(bv)).intoArray(c, o1_0);
            int o2_0 = co + 2 * ldc + 0 * L;
            c2_0.fma(av, FloatVector.fromArray(S, c, o2_0).mul(bv)).intoArray(c, o2_0);
            int o3_0 = co + 3 * ldc + 0 * L;
            c3_0.fma(av, FloatVector.fromArray(S, c, o3_0).mul(bv)).intoArray(c, o3_0);
            int o4_0 = co + 4 * ldc + 0 * L;
            c4_0.fma(av, FloatVector.fromArray(S, c, o4_0).mul(bv)).intoArray(c, o4_0);
            int o5_0 = co + 5 * ldc + 0 * L;
            c5_0.fma(av, FloatVector.fromArray(S, c, o5_0).mul(bv)).intoArray(c, o5_0);
            int o6_0 = co + 6 * ldc + 0 * L;
            c6_0.fma(av, FloatVector.fromArray(S, c, o6_0).mul(bv)).intoArray(c, o6_0);
            int o7_0 = co + 7 * ldc + 0 * L;
            c7_0.fma(av, FloatVector.fromArray(S, c, o7_0).mul(bv)).intoArray(c, o7_0);
            int o8_0 = co + 8 * ldc + 0 * L;
            c8_0.fma(av, FloatVector.fromArray(S, c, o8_0).mul(bv)).intoArray(c, o8_0);
            int o9_0 = co + 9 * ldc + 0 * L;
            c9_0.fma(av, FloatVector.fromArray(S, c, o9_0).mul(bv)).intoArray(c, o9_0);
            int o10_0 = co + 10 * ldc + 0 * L;
            c10_0.fma(av, FloatVector.fromArray(S, c, o10_0).mul(bv)).intoArray(c, o10_0);
            int o11_0 = co + 11 * ldc + 0 * L;
            c11_0.fma(av, FloatVector.fromArray(S, c, o11_0).mul(bv)).intoArray(c, o11_0);
            int o12_0 = co + 12 * ldc + 0 * L;
            c12_0.fma(av, FloatVector.fromArray(S, c, o12_0).mul(bv)).intoArray(c, o12_0);
            int o13_0 = co + 13 * ldc + 0 * L;
            c13_0.fma(av, FloatVector.fromArray(S, c, o13_0).mul(bv)).intoArray(c, o13_0);
        }
    }

    static void k8x3(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, float alpha,
                     float beta) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = FloatVector.zero(S);
        FloatVector c0_2 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S);
        FloatVector c1_1 = FloatVector.zero(S);
        FloatVector c1_2 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S);
        FloatVector c2_1 = FloatVector.zero(S);
        FloatVector c2_2 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S);
        FloatVector c3_1 = FloatVector.zero(S);
        FloatVector c3_2 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S);
        FloatVector c4_1 = FloatVector.zero(S);
        FloatVector c4_2 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S);
        FloatVector c5_1 = FloatVector.zero(S);
        FloatVector c5_2 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S);
        FloatVector c6_1 = FloatVector.zero(S);
        FloatVector c6_2 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S);
        FloatVector c7_1 = FloatVector.zero(S);
        FloatVector c7_2 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * 8;
            FloatVector b0 = FloatVector.fromArray(S, b, bo + (p * 3 + 0) * L);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + (p * 3 + 1) * L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + (p * 3 + 2) * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai + 0]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            c0_2 = b2.fma(a0, c0_2);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            c1_2 = b2.fma(a1, c1_2);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            c2_2 = b2.fma(a2, c2_2);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
            c3_2 = b2.fma(a3, c3_2);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c4_0 = b0.fma(a4, c4_0);
            c4_1 = b1.fma(a4, c4_1);
            c4_2 = b2.fma(a4, c4_2);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c5_0 = b0.fma(a5, c5_0);
            c5_1 = b1.fma(a5, c5_1);
            c5_2 = b2.fma(a5, c5_2);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]);
            c6_0 = b0.fma(a6, c6_0);
            c6_1 = b1.fma(a6, c6_1);
            c6_2 = b2.fma(a6, c6_2);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + 7]);
            c7_0 = b0.fma(a7, c7_0);
            c7_1 = b1.fma(a7, c7_1);
            c7_2 = b2.fma(a7, c7_2);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            c0_0.mul(av).intoArray(c, co + 0 * ldc + 0 * L);
            c0_1.mul(av).intoArray(c, co + 0 * ldc + 1 * L);
            c0_2.mul(av).intoArray(c, co + 0 * ldc + 2 * L);
            c1_0.mul(av).intoArray(c, co + 1 * ldc + 0 * L);
            c1_1.mul(av).intoArray(c, co + 1 * ldc + 1 * L);
            c1_2.mul(av).intoArray(c, co + 1 * ldc + 2 * L);
            c2_0.mul(av).intoArray(c, co + 2 * ldc + 0 * L);
            c2_1.mul(av).intoArray(c, co + 2 * ldc + 1 * L);
            c2_2.mul(av).intoArray(c, co + 2 * ldc + 2 * L);
            c3_0.mul(av).intoArray(c, co + 3 * ldc + 0 * L);
            c3_1.mul(av).intoArray(c, co + 3 * ldc + 1 * L);
            c3_2.mul(av).intoArray(c, co + 3 * ldc + 2 * L);
            c4_0.mul(av).intoArray(c, co + 4 * ldc + 0 * L);
            c4_1.mul(av).intoArray(c, co + 4 * ldc + 1 * L);
            c4_2.mul(av).intoArray(c, co + 4 * ldc + 2 * L);
            c5_0.mul(av).intoArray(c, co + 5 * ldc + 0 * L);
            c5_1.mul(av).intoArray(c, co + 5 * ldc + 1 * L);
            c5_2.mul(av).intoArray(c, co + 5 * ldc + 2 * L);
            c6_0.mul(av).intoArray(c, co + 6 * ldc + 0 * L);
            c6_1.mul(av).intoArray(c, co + 6 * ldc + 1 * L);
            c6_2.mul(av).intoArray(c, co + 6 * ldc + 2 * L);
            c7_0.mul(av).intoArray(c, co + 7 * ldc + 0 * L);
            c7_1.mul(av).intoArray(c, co + 7 * ldc + 1 * L);
            c7_2.mul(av).intoArray(c, co + 7 * ldc + 2 * L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            int o0_0 = co + 0 * ldc + 0 * L;
            c0_0.fma(av, FloatVector.fromArray(S, c, o0_0).mul(bv)).intoArray(c, o0_0);
            int o0_1 = co + 0 * ldc + 1 * L;
            c0_1.fma(av, FloatVector.fromArray(S, c, o0_1).mul(bv)).intoArray(c, o0_1);
            int o0_2 = co + 0 * ldc + 2 * L;
            c0_2.fma(av, FloatVector.fromArray(S, c, o0_2).mul(bv)).intoArray(c, o0_2);
            int o1_0 = co + 1 * ldc + 0 * L;
            c1_0.fma(av, FloatVector.fromArray(S, c, o1_0).mul(bv)).intoArray(c, o1_0);
            int o1_1 = co + 1 * ldc + 1 * L;
            c1_1.fma(av, FloatVector.fromArray(S, c, o1_1).mul(bv)).intoArray(c, o1_1);
            int o1_2 = co + 1 * ldc + 2 * L;
            c1_2.fma(av, FloatVector.fromArray(S, c, o1_2).mul(bv)).intoArray(c, o1_2);
            int o2_0 = co + 2 * ldc + 0 * L;
            c2_0.fma(av, FloatVector.fromArray(S, c, o2_0).mul(bv)).intoArray(c, o2_0);
            int o2_1 = co + 2 * ldc + 1 * L;
            c2_1.fma(av, FloatVector.fromArray(S, c, o2_1).mul(bv)).intoArray(c, o2_1);
            int o2_2 = co + 2 * ldc + 2 * L;
            c2_2.fma(av, FloatVector.fromArray(S, c, o2_2).mul(bv)).intoArray(c, o2_2);
            int o3_0 = co + 3 * ldc + 0 * L;
            c3_0.fma(av, FloatVector.fromArray(S, c, o3_0).mul(bv)).intoArray(c, o3_0);
            int o3_1 = co + 3 * ldc + 1 * L;
            c3_1.fma(av, FloatVector.fromArray(S, c, o3_1).mul(bv)).intoArray(c, o3_1);
            int o3_2 = co + 3 * ldc + 2 * L;
            c3_2.fma(av, FloatVector.fromArray(S, c, o3_2).mul(bv)).intoArray(c, o3_2);
            int o4_0 = co + 4 * ldc + 0 * L;
            c4_0.fma(av, FloatVector.fromArray(S, c, o4_0).mul(bv)).intoArray(c, o4_0);
            int o4_1 = co + 4 * ldc + 1 * L;
            c4_1.fma(av, FloatVector.fromArray(S, c, o4_1).mul(bv)).intoArray(c, o4_1);
            int o4_2 = co + 4 * ldc + 2 * L;
            c4_2.fma(av, FloatVector.fromArray(S, c, o4_2).mul(bv)).intoArray(c, o4_2);
            int o5_0 = co + 5 * ldc + 0 * L;
            c5_0.fma(av, FloatVector.fromArray(S, c, o5_0).mul(bv)).intoArray(c, o5_0);
            int o5_1 = co + 5 * ldc + 1 * L;
            c5_1.fma(av, FloatVector.fromArray(S, c, o5_1).mul(bv)).intoArray(c, o5_1);
            int o5_2 = co + 5 * ldc + 2 * L;
            c5_2.fma(av, FloatVector.fromArray(S, c, o5_2).mul(bv)).intoArray(c, o5_2);
            int o6_0 = co + 6 * ldc + 0 * L;
            c6_0.fma(av, FloatVector.fromArray(S, c, o6_0).mul(bv)).intoArray(c, o6_0);
            int o6_1 = co + 6 * ldc + 1 * L;
            c6_1.fma(av, FloatVector.fromArray(S, c, o6_1).mul(bv)).intoArray(c, o6_1);
            int o6_2 = co + 6 * ldc + 2 * L;
            c6_2.fma(av, FloatVector.fromArray(S, c, o6_2).mul(bv)).intoArray(c, o6_2);
            int o7_0 = co + 7 * ldc + 0 * L;
            c7_0.fma(av, FloatVector.fromArray(S, c, o7_0).mul(bv)).intoArray(c, o7_0);
            int o7_1 = co + 7 * ldc + 1 * L;
            c7_1.fma(av, FloatVector.fromArray(S, c, o7_1).mul(bv)).intoArray(c, o7_1);
            int o7_2 = co + 7 * ldc + 2 * L;
            c7_2.fma(av, FloatVector.fromArray(S, c, o7_2).mul(bv)).intoArray(c, o7_2);
        }
    }

    static void k6x3(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, float alpha,
                     float beta) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = FloatVector.zero(S);
        FloatVector c0_2 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S);
        FloatVector c1_1 = FloatVector.zero(S);
        FloatVector c1_2 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S);
        FloatVector c2_1 = FloatVector.zero(S);
        FloatVector c2_2 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S);
        FloatVector c3_1 = FloatVector.zero(S);
        FloatVector c3_2 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S);
        FloatVector c4_1 = FloatVector.zero(S);
        FloatVector c4_2 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S);
        FloatVector c5_1 = FloatVector.zero(S);
        FloatVector c5_2 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * 6;
            FloatVector b0 = FloatVector.fromArray(S, b, bo + (p * 3 + 0) * L);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + (p * 3 + 1) * L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + (p * 3 + 2) * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai + 0]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            c0_2 = b2.fma(a0, c0_2);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            c1_2 = b2.fma(a1, c1_2);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            c2_2 = b2.fma(a2, c2_2);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
            c3_2 = b2.fma(a3, c3_2);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c4_0 = b0.fma(a4, c4_0);
            c4_1 = b1.fma(a4, c4_1);
            c4_2 = b2.fma(a4, c4_2);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c5_0 = b0.fma(a5, c5_0);
            c5_1 = b1.fma(a5, c5_1);
            c5_2 = b2.fma(a5, c5_2);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            c0_0.mul(av).intoArray(c, co + 0 * ldc + 0 * L);
            c0_1.mul(av).intoArray(c, co + 0 * ldc + 1 * L);
            c0_2.mul(av).intoArray(c, co + 0 * ldc + 2 * L);
            c1_0.mul(av).intoArray(c, co + 1 * ldc + 0 * L);
            c1_1.mul(av).intoArray(c, co + 1 * ldc + 1 * L);
            c1_2.mul(av).intoArray(c, co + 1 * ldc + 2 * L);
            c2_0.mul(av).intoArray(c, co + 2 * ldc + 0 * L);
            c2_1.mul(av).intoArray(c, co + 2 * ldc + 1 * L);
            c2_2.mul(av).intoArray(c, co + 2 * ldc + 2 * L);
            c3_0.mul(av).intoArray(c, co + 3 * ldc + 0 * L);
            c3_1.mul(av).intoArray(c, co + 3 * ldc + 1 * L);
            c3_2.mul(av).intoArray(c, co + 3 * ldc + 2 * L);
            c4_0.mul(av).intoArray(c, co + 4 * ldc + 0 * L);
            c4_1.mul(av).intoArray(c, co + 4 * ldc + 1 * L);
            c4_2.mul(av).intoArray(c, co + 4 * ldc + 2 * L);
            c5_0.mul(av).intoArray(c, co + 5 * ldc + 0 * L);
            c5_1.mul(av).intoArray(c, co + 5 * ldc + 1 * L);
            c5_2.mul(av).intoArray(c, co + 5 * ldc + 2 * L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            int o0_0 = co + 0 * ldc + 0 * L;
            c0_0.fma(av, FloatVector.fromArray(S, c, o0_0).mul(bv)).intoArray(c, o0_0);
            int o0_1 = co + 0 * ldc + 1 * L;
            c0_1.fma(av, FloatVector.fromArray(S, c, o0_1).mul(bv)).intoArray(c, o0_1);
            int o0_2 = co + 0 * ldc + 2 * L;
            c0_2.fma(av, FloatVector.fromArray(S, c, o0_2).mul(bv)).intoArray(c, o0_2);
            int o1_0 = co + 1 * ldc + 0 * L;
            c1_0.fma(av, FloatVector.fromArray(S, c, o1_0).mul(bv)).intoArray(c, o1_0);
            int o1_1 = co + 1 * ldc + 1 * L;
            c1_1.fma(av, FloatVector.fromArray(S, c, o1_1).mul(bv)).intoArray(c, o1_1);
            int o1_2 = co + 1 * ldc + 2 * L;
            c1_2.fma(av, FloatVector.fromArray(S, c, o1_2).mul(bv)).intoArray(c, o1_2);
            int o2_0 = co + 2 * ldc + 0 * L;
            c2_0.fma(av, FloatVector.fromArray(S, c, o2_0).mul(bv)).intoArray(c, o2_0);
            int o2_1 = co + 2 * ldc + 1 * L;
            c2_1.fma(av, FloatVector.fromArray(S, c, o2_1).mul(bv)).intoArray(c, o2_1);
            int o2_2 = co + 2 * ldc + 2 * L;
            c2_2.fma(av, FloatVector.fromArray(S, c, o2_2).mul(bv)).intoArray(c, o2_2);
            int o3_0 = co + 3 * ldc + 0 * L;
            c3_0.fma(av, FloatVector.fromArray(S, c, o3_0).mul(bv)).intoArray(c, o3_0);
            int o3_1 = co + 3 * ldc + 1 * L;
            c3_1.fma(av, FloatVector.fromArray(S, c, o3_1).mul(bv)).intoArray(c, o3_1);
            int o3_2 = co + 3 * ldc + 2 * L;
            c3_2.fma(av, FloatVector.fromArray(S, c, o3_2).mul(bv)).intoArray(c, o3_2);
            int o4_0 = co + 4 * ldc + 0 * L;
            c4_0.fma(av, FloatVector.fromArray(S, c, o4_0).mul(bv)).intoArray(c, o4_0);
            int o4_1 = co + 4 * ldc + 1 * L;
            c4_1.fma(av, FloatVector.fromArray(S, c, o4_1).mul(bv)).intoArray(c, o4_1);
            int o4_2 = co + 4 * ldc + 2 * L;
            c4_2.fma(av, FloatVector.fromArray(S, c, o4_2).mul(bv)).intoArray(c, o4_2);
            int o5_0 = co + 5 * ldc + 0 * L;
            c5_0.fma(av, FloatVector.fromArray(S, c, o5_0).mul(bv)).intoArray(c, o5_0);
            int o5_1 = co + 5 * ldc + 1 * L;
            c5_1.fma(av, FloatVector.fromArray(S, c, o5_1).mul(bv)).intoArray(c, o5_1);
            int o5_2 = co + 5 * ldc + 2 * L;
            c5_2.fma(av, FloatVector.fromArray(S, c, o5_2).mul(bv)).intoArray(c, o5_2);
        }
    }

    static void k16x1(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, float alpha,
                     float beta) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S);
        FloatVector c8_0 = FloatVector.zero(S);
        FloatVector c9_0 = FloatVector.zero(S);
        FloatVector c10_0 = FloatVector.zero(S);
        FloatVector c11_0 = FloatVector.zero(S);
        FloatVector c12_0 = FloatVector.zero(S);
        FloatVector c13_0 = FloatVector.zero(S);
        FloatVector c14_0 = FloatVector.zero(S);
        FloatVector c15_0 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * 16;
            FloatVector b0 = FloatVector.fromArray(S, b, bo + (p * 1 + 0) * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai + 0]);
            c0_0 = b0.fma(a0, c0_0);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c1_0 = b0.fma(a1, c1_0);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c2_0 = b0.fma(a2, c2_0);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c3_0 = b0.fma(a3, c3_0);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c4_0 = b0.fma(a4, c4_0);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c5_0 = b0.fma(a5, c5_0);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]);
            c6_0 = b0.fma(a6, c6_0);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + 7]);
            c7_0 = b0.fma(a7, c7_0);
            FloatVector a8 = FloatVector.broadcast(S, a[ai + 8]);
            c8_0 = b0.fma(a8, c8_0);
            FloatVector a9 = FloatVector.broadcast(S, a[ai + 9]);
            c9_0 = b0.fma(a9, c9_0);
            FloatVector a10 = FloatVector.broadcast(S, a[ai + 10]);
            c10_0 = b0.fma(a10, c10_0);
            FloatVector a11 = FloatVector.broadcast(S, a[ai + 11]);
            c11_0 = b0.fma(a11, c11_0);
            FloatVector a12 = FloatVector.broadcast(S, a[ai + 12]);
            c12_0 = b0.fma(a12, c12_0);
            FloatVector a13 = FloatVector.broadcast(S, a[ai + 13]);
            c13_0 = b0.fma(a13, c13_0);
            FloatVector a14 = FloatVector.broadcast(S, a[ai + 14]);
            c14_0 = b0.fma(a14, c14_0);
            FloatVector a15 = FloatVector.broadcast(S, a[ai + 15]);
            c15_0 = b0.fma(a15, c15_0);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            c0_0.mul(av).intoArray(c, co + 0 * ldc + 0 * L);
            c1_0.mul(av).intoArray(c, co + 1 * ldc + 0 * L);
            c2_0.mul(av).intoArray(c, co + 2 * ldc + 0 * L);
            c3_0.mul(av).intoArray(c, co + 3 * ldc + 0 * L);
            c4_0.mul(av).intoArray(c, co + 4 * ldc + 0 * L);
            c5_0.mul(av).intoArray(c, co + 5 * ldc + 0 * L);
            c6_0.mul(av).intoArray(c, co + 6 * ldc + 0 * L);
            c7_0.mul(av).intoArray(c, co + 7 * ldc + 0 * L);
            c8_0.mul(av).intoArray(c, co + 8 * ldc + 0 * L);
            c9_0.mul(av).intoArray(c, co + 9 * ldc + 0 * L);
            c10_0.mul(av).intoArray(c, co + 10 * ldc + 0 * L);
            c11_0.mul(av).intoArray(c, co + 11 * ldc + 0 * L);
            c12_0.mul(av).intoArray(c, co + 12 * ldc + 0 * L);
            c13_0.mul(av).intoArray(c, co + 13 * ldc + 0 * L);
            c14_0.mul(av).intoArray(c, co + 14 * ldc + 0 * L);
            c15_0.mul(av).intoArray(c, co + 15 * ldc + 0 * L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            int o0_0 = co + 0 * ldc + 0 * L;
            c0_0.fma(av, FloatVector.fromArray(S, c, o0_0).mul(bv)).intoArray(c, o0_0);
            int o1_0 = co + 1 * ldc + 0 * L;
            c1_0.fma(av, FloatVector.fromArray(S, c, o1_0).mul(bv)).intoArray(c, o1_0);
            int o2_0 = co + 2 * ldc + 0 * L;
            c2_0.fma(av, FloatVector.fromArray(S, c, o2_0).mul(bv)).intoArray(c, o2_0);
            int o3_0 = co + 3 * ldc + 0 * L;
            c3_0.fma(av, FloatVector.fromArray(S, c, o3_0).mul(bv)).intoArray(c, o3_0);
            int o4_0 = co + 4 * ldc + 0 * L;
            c4_0.fma(av, FloatVector.fromArray(S, c, o4_0).mul(bv)).intoArray(c, o4_0);
            int o5_0 = co + 5 * ldc + 0 * L;
            c5_0.fma(av, FloatVector.fromArray(S, c, o5_0).mul(bv)).intoArray(c, o5_0);
            int o6_0 = co + 6 * ldc + 0 * L;
            c6_0.fma(av, FloatVector.fromArray(S, c, o6_0).mul(bv)).intoArray(c, o6_0);
            int o7_0 = co + 7 * ldc + 0 * L;
            c7_0.fma(av, FloatVector.fromArray(S, c, o7_0).mul(bv)).intoArray(c, o7_0);
            int o8_0 = co + 8 * ldc + 0 * L;
            c8_0.fma(av, FloatVector.fromArray(S, c, o8_0).mul(bv)).intoArray(c, o8_0);
            int o9_0 = co + 9 * ldc + 0 * L;
            c9_0.fma(av, FloatVector.fromArray(S, c, o9_0).mul(bv)).intoArray(c, o9_0);
            int o10_0 = co + 10 * ldc + 0 * L;
            c10_0.fma(av, FloatVector.fromArray(S, c, o10_0).mul(bv)).intoArray(c, o10_0);
            int o11_0 = co + 11 * ldc + 0 * L;
            c11_0.fma(av, FloatVector.fromArray(S, c, o11_0).mul(bv)).intoArray(c, o11_0);
            int o12_0 = co + 12 * ldc + 0 * L;
            c12_0.fma(av, FloatVector.fromArray(S, c, o12_0).mul(bv)).intoArray(c, o12_0);
            int o13_0 = co + 13 * ldc + 0 * L;
            c13_0.fma(av, FloatVector.fromArray(S, c, o13_0).mul(bv)).intoArray(c, o13_0);
            int o14_0 = co + 14 * ldc + 0 * L;
            c14_0.fma(av, FloatVector.fromArray(S, c, o14_0).mul(bv)).intoArray(c, o14_0);
            int o15_0 = co + 15 * ldc + 0 * L;
            c15_0.fma(av, FloatVector.fromArray(S, c, o15_0).mul(bv)).intoArray(c, o15_0);
        }
    }
}
