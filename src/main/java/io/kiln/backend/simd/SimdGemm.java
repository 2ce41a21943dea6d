package io.kiln.backend.simd;

import io.kiln.core.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * BLIS-shaped single-precision GEMM on the Vector API: {@code C = act(alpha·op(A)·op(B) + beta·C + bias)}.
 *
 * <p>Loop nest per thread (BLIS's five loops): jc over n by {@code nc}; pc over k by {@code kc}: pack the
 * {@code kc × nc} panel of op(B) into {@code nr}-wide micro-panels; ic over m by {@code mc}: pack the
 * {@code mc × kc} block of op(A) into {@code mr}-tall micro-panels; jr by {@code nr}, ir by {@code mr}: one
 * micro-kernel call ({@link GemmMicroKernels}). Transposes are absorbed by the packing (vector gathers for the
 * strided side). Edges are padded in the packed panels, so the micro-kernel always runs full; a partial tile is
 * computed into a per-thread scratch tile
 * and copied out with masked vector stores (no scalar edge loop). Packing buffers are per thread and reused
 * ({@link Scratch}). beta is applied on the first kc pass only ({@code beta == 0} never reads C); the epilogue (bias
 * per column, then the activation) on the last kc pass, to each finished mc × nc block of C while it is in L2 (per
 * micro-tile it was in L1, but two kernel calls per 32 floats cost as much as the GELU they applied).
 *
 * <p>Threads: C is split into chunks (multiples of nr or mr) along n when 2m &lt; n, else along m (the side whose
 * repeated packing is cheaper), taken dynamically by the backend's pool; each chunk runs the loop nest above on its
 * own. Products under
 * {@link GemmBlocking#parallelMinFlops()} stay on the caller's thread; products under
 * {@link GemmBlocking#directMaxWork()}, and narrow ones (n at most one vector), skip packing and run a
 * register-blocked loop over the operands in place (split over rows when large).
 *
 * <p>Error: each C element is a float dot product of length k evaluated with FMAs in kc-sized partial sums, so
 * {@code |C − C_exact| ≤ (k + 2)·2^-24·Σ_p |A_ip·B_pj|·|alpha| + 2^-24·|beta·C|} (the classical bound; typical
 * errors are √k smaller).
 */
final class SimdGemm {
    private static final VectorSpecies<Float> S = Lanes.S;
    private static final int L = Lanes.L;
    private static final int SLOT_A = 0;
    private static final int SLOT_B = 2;
    private static final int SLOT_TILE = 3;

    private final GemmBlocking blk;
    private final SimdThreads threads;

    SimdGemm(GemmBlocking blocking, SimdThreads threads) {
        this.blk = blocking;
        this.threads = threads;
    }

    GemmBlocking blocking() {
        return blk;
    }

    /** One product as given to the backend, with the matrices' offsets in their arrays. */
    record Problem(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, float[] b,
                   int bOff, float beta, float[] c, int cOff, float[] bias, Activation act) {
    }

    /** Runs one product, in parallel when large enough (and not already on a pool worker). */
    void gemm(Problem p) {
        gemm(p, threads.threads());
    }

    void gemm(Problem p, int maxThreads) {
        int m = p.m();
        int n = p.n();
        int k = p.k();
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || p.alpha() == 0f) {
            scaleOnly(p);
            return;
        }
        long work = (long) m * n * k;
        double flops = 2.0 * work;
        int t = flops < blk.parallelMinFlops() ? 1 : maxThreads;
        // Unpacked: tiny products, and narrow ones (n within one vector: a packed nr-wide tile would compute mostly
        // padding columns). Split over rows when large enough. (Sending k < 16 here too was measured 4x slower for
        // 128x512x10 in MlpGemmBench: the packed path keeps it.)
        boolean narrow = n <= L;
        if ((work <= blk.directMaxWork() || narrow) && !(p.transA() && p.transB())) {
            if (t <= 1 || m < 2 || SimdThreads.onWorker()) {
                Direct.run(p, 0, m);
            } else {
                int chunks = Math.min(m, 4 * t);
                int per = (m + chunks - 1) / chunks;
                threads.forEach((m + per - 1) / per, t,
                        task -> Direct.run(p, task * per, Math.min(m, (task + 1) * per)));
            }
            return;
        }
        if (t <= 1 || SimdThreads.onWorker()) {
            blocked(p, 0, m, 0, n);
            return;
        }
        // Split C into chunks taken dynamically by the pool (and the caller). Each chunk packs the whole of the
        // operand it does not split, so split the side whose redundant packing is cheaper: splitting n repeats the
        // packing of A (m·k, gathers, ~2x the cost per element of B's contiguous copies), splitting m repeats B's.
        boolean splitN = 2L * m < n || m < 2 * blk.mr();
        int unit = splitN ? blk.nr() : blk.mr();
        int dim = splitN ? n : m;
        int units = (dim + unit - 1) / unit;
        int chunks = Math.min(units, t * (dim >= 4 * (splitN ? blk.nc() : blk.mc()) * t ? 4 : 1));
        int perChunk = (units + chunks - 1) / chunks * unit;
        int count = (dim + perChunk - 1) / perChunk;
        threads.forEach(count, t, task -> {
            int lo = task * perChunk;
            int hi = Math.min(dim, lo + perChunk);
            if (splitN) {
                blocked(p, 0, m, lo, hi);
            } else {
                blocked(p, lo, hi, 0, n);
            }
        });
    }

    /** k == 0 or alpha == 0: C = beta·C (0 without reading C when beta == 0), then the epilogue. */
    private static void scaleOnly(Problem p) {
        int m = p.m();
        int n = p.n();
        float[] c = p.c();
        for (int i = 0; i < m; i++) {
            int off = p.cOff() + i * n;
            if (p.beta() == 0f) {
                ElementwiseKernels.fill(c, 0f, off, off + n);
            } else {
                ElementwiseKernels.scale(p.beta(), c, c, off, off + n);
            }
            epilogueRow(p, c, off, 0, n);
        }
    }

    /** Adds the bias (columns j0..j0+w of it) to C[off..off+w) and applies the activation, in place. */
    static void epilogueRow(Problem p, float[] c, int off, int j0, int w) {
        float[] bias = p.bias();
        if (bias != null) {
            ElementwiseKernels.binaryVV(io.kiln.core.BinaryOp.ADD, c, off, bias, j0, c, off, w);
        }
        if (p.act() != Activation.IDENTITY) {
            ActivationKernels.forward(p.act(), c, off, c, off, w);
        }
    }

    // ------------------------------------------------------------------------------------- blocked, packed

    /** The five-loop nest over C[i0..i1) × [j0..j1), on the current thread. */
    void blocked(Problem p, int i0, int i1, int j0, int j1) {
        final int mr = blk.mr();
        final int nr = blk.nr();
        final int nv = nr / L;
        final int k = p.k();
        final int n = p.n();
        final int kcMax = Math.min(blk.kc(), k);
        final int ncMax = Math.min(blk.nc(), roundUp(j1 - j0, nr));
        final int mcMax = Math.min(blk.mc(), roundUp(i1 - i0, mr));
        float[] bp = Scratch.floats(SLOT_B, kcMax * ncMax);
        float[] ap = Scratch.floats(SLOT_A, kcMax * mcMax + L); // + L: packA stores whole vectors
        float[] tile = Scratch.floats(SLOT_TILE, mr * nr);
        float[] c = p.c();
        boolean hasEpilogue = p.bias() != null || p.act() != Activation.IDENTITY;
        for (int jc = j0; jc < j1; jc += blk.nc()) {
            int nc = Math.min(blk.nc(), j1 - jc);
            for (int pc = 0; pc < k; pc += blk.kc()) {
                int kc = Math.min(blk.kc(), k - pc);
                boolean first = pc == 0;
                boolean last = pc + kc == k;
                float beta = first ? p.beta() : 1f;
                packB(p, pc, kc, jc, nc, bp);
                for (int ic = i0; ic < i1; ic += blk.mc()) {
                    int mc = Math.min(blk.mc(), i1 - ic);
                    packA(p, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += nr) {
                        int w = Math.min(nr, nc - jr);
                        int bo = jr * kc;
                        for (int ir = 0; ir < mc; ir += mr) {
                            int h = Math.min(mr, mc - ir);
                            int ao = ir * kc;
                            int co = p.cOff() + (ic + ir) * n + jc + jr;
                            if (h == mr && w == nr) {
                                GemmMicroKernels.run(mr, nv, kc, ap, ao, bp, bo, c, co, n, p.alpha(), beta);
                            } else {
                                GemmMicroKernels.run(mr, nv, kc, ap, ao, bp, bo, tile, 0, nr, 1f, 0f);
                                storeEdge(tile, nr, c, co, n, h, w, p.alpha(), beta);
                            }
                        }
                    }
                    if (last && hasEpilogue) {
                        // over the finished mc × nc block while it is in L2: rows of nc, not of one micro-tile's
                        // nr (a call per 32 floats cost as much as the GELU itself)
                        for (int r = 0; r < mc; r++) {
                            epilogueRow(p, c, p.cOff() + (ic + r) * n + jc, jc, nc);
                        }
                    }
                }
            }
        }
    }

    private static int roundUp(int v, int unit) {
        return (v + unit - 1) / unit * unit;
    }

    /** C[h × w] = alpha·tile + beta·C (C not read when beta == 0), masked vectors on the last partial vector. */
    private static void storeEdge(float[] tile, int ldt, float[] c, int co, int ldc, int h, int w, float alpha,
                                  float beta) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        FloatVector bv = FloatVector.broadcast(S, beta);
        for (int r = 0; r < h; r++) {
            for (int j = 0; j < w; j += L) {
                VectorMask<Float> m = S.indexInRange(j, w);
                // the same arithmetic as the micro-kernel's own store: alpha·t + (beta·C)
                FloatVector t = FloatVector.fromArray(S, tile, r * ldt + j);
                int o = co + r * ldc + j;
                t = beta == 0f ? t.mul(av) : t.fma(av, FloatVector.fromArray(S, c, o, m).mul(bv));
                t.intoArray(c, o, m);
            }
        }
    }

    /**
     * Packs op(B)[pc..pc+kc) × [jc..jc+nc) into nr-wide micro-panels: panel q holds, for each p, the nr values
     * op(B)[pc+p][jc+q·nr .. +nr); columns past n hold zeros or other finite values (never stored).
     */
    private void packB(Problem p, int pc, int kc, int jc, int nc, float[] bp) {
        int nr = blk.nr();
        float[] b = p.b();
        int n = p.n();
        int k = p.k();
        for (int jr = 0; jr < nc; jr += nr) {
            int w = Math.min(nr, nc - jr);
            int base = jr * kc;
            if (!p.transB()) {
                // B is k × n: each packed row is a contiguous run of B. Full vectors for a full panel (a mask built
                // per load costs ~6x here); the edge panel is copied and zero-padded.
                if (w == nr) {
                    for (int q = 0; q < kc; q++) {
                        int src = p.bOff() + (pc + q) * n + jc + jr;
                        int dst = base + q * nr;
                        for (int j = 0; j < nr; j += L) {
                            FloatVector.fromArray(S, b, src + j).intoArray(bp, dst + j);
                        }
                    }
                } else {
                    for (int q = 0; q < kc; q++) {
                        int dst = base + q * nr;
                        System.arraycopy(b, p.bOff() + (pc + q) * n + jc + jr, bp, dst, w);
                        java.util.Arrays.fill(bp, dst + w, dst + nr, 0f);
                    }
                }
            } else {
                // B is n × k: column j of op(B) is row j of B. One gather per p and vector of columns reads
                // B[(j0 + l)·k + p] for the lanes l (vgatherdps), instead of nr scalar strided copies.
                for (int j = 0; j < nr; j += L) {
                    int cols = Math.min(L, w - j);
                    if (cols <= 0) {
                        for (int q = 0; q < kc; q++) {
                            FloatVector.zero(S).intoArray(bp, base + q * nr + j);
                        }
                        continue;
                    }
                    // lanes past the last column gather row 0 again: those columns of C are never stored
                    int src = p.bOff() + (jc + jr + j) * k + pc;
                    int[] rowStarts = gatherIndex(k, cols);
                    for (int q = 0; q < kc; q++) {
                        FloatVector.fromArray(S, b, src + q, rowStarts, 0).intoArray(bp, base + q * nr + j);
                    }
                }
            }
        }
    }

    /**
     * {@code [0, stride, 2·stride, ..., (count − 1)·stride, 0, ...]}: the gather index of {@code count} rows of a
     * row-major matrix, per thread. Lanes past {@code count} point at row 0: even a masked gather range-checks every
     * lane's index on JDK 25.
     */
    private static int[] gatherIndex(int stride, int count) {
        int[] idx = GATHER.get();
        if (idx[L] != stride || idx[L + 1] != count) {
            for (int l = 0; l < L; l++) {
                idx[l] = l < count ? l * stride : 0;
            }
            idx[L] = stride;
            idx[L + 1] = count;
        }
        return idx;
    }

    private static final ThreadLocal<int[]> GATHER = ThreadLocal.withInitial(() -> new int[L + 2]);

    /**
     * Packs op(A)[ic..ic+mc) × [pc..pc+kc) into mr-tall micro-panels: panel r holds, for each p, the mr values
     * op(A)[ic+r·mr .. +mr][pc+p]; rows past m hold arbitrary finite values (their rows of C are never stored).
     */
    private void packA(Problem p, int ic, int mc, int pc, int kc, float[] ap) {
        int mr = blk.mr();
        float[] a = p.a();
        int m = p.m();
        int k = p.k();
        for (int ir = 0; ir < mc; ir += mr) {
            int h = Math.min(mr, mc - ir);
            int base = ir * kc;
            if (mr <= L) {
                // One whole vector per p, stored at base + q·mr: its lanes past mr spill into the slot of q + 1,
                // which the next store overwrites (the last one lands in the next panel, packed after it, or in the
                // buffer's slack). Lanes of rows past h (edge panels) hold values of row 0 or zeros: the
                // micro-kernel computes rows of C that are never stored, so they need not be zero.
                if (!p.transA()) {
                    // A is m × k: gather A[(i0 + r)·k + p] for the rows r of the panel
                    int src = p.aOff() + (ic + ir) * k + pc;
                    int[] rowStarts = gatherIndex(k, h);
                    for (int q = 0; q < kc; q++) {
                        FloatVector.fromArray(S, a, src + q, rowStarts, 0).intoArray(ap, base + q * mr);
                    }
                } else {
                    // A is k × m: the values for one p are contiguous
                    int src = p.aOff() + pc * m + ic + ir;
                    int q = 0;
                    int room = a.length - L - src; // whole-vector loads must stay inside a
                    int safe = room < 0 ? 0 : Math.min(kc, room / m + 1);
                    for (; q < safe; q++) {
                        FloatVector.fromArray(S, a, src + q * m).intoArray(ap, base + q * mr);
                    }
                    VectorMask<Float> load = S.indexInRange(0, h);
                    for (; q < kc; q++) {
                        FloatVector.fromArray(S, a, src + q * m, load).intoArray(ap, base + q * mr);
                    }
                }
                continue;
            }
            if (!p.transA()) {
                for (int r = 0; r < h; r++) {
                    int src = p.aOff() + (ic + ir + r) * k + pc;
                    for (int q = 0; q < kc; q++) {
                        ap[base + r + q * mr] = a[src + q];
                    }
                }
            } else {
                for (int q = 0; q < kc; q++) {
                    System.arraycopy(a, p.aOff() + (pc + q) * m + ic + ir, ap, base + q * mr, h);
                }
            }
            if (h < mr) { // scalar path (mr > L): zero the missing rows
                for (int q = 0; q < kc; q++) {
                    for (int r = h; r < mr; r++) {
                        ap[base + q * mr + r] = 0f;
                    }
                }
            }
        }
    }

    // --------------------------------------------------------------------------------------- direct, unpacked

    /**
     * Small products without packing: for NN and TN, each row of C is built from up to four vectors of columns at a
     * time, broadcasting op(A)[i][p] against row p of B (contiguous); for NT, each C element is a vector dot product
     * of two contiguous rows. Masked vectors on the column tail.
     */
    static final class Direct {
        private Direct() {
        }

        /** Rows [i0, i1) of C. */
        static void run(Problem p, int i0, int i1) {
            if (p.transB()) {
                dotRows(p, i0, i1);
            } else {
                rowsTimesB(p, i0, i1);
            }
        }

        private static void rowsTimesB(Problem p, int i0, int i1) {
            int n = p.n();
            float[] c = p.c();
            int full = n / (2 * L) * (2 * L);
            for (int i = i0; i < i1; i++) {
                int co = p.cOff() + i * n;
                for (int j = 0; j < full; j += 2 * L) {
                    twoVectors(p, i, j);
                }
                for (int j = full; j < n; j += L) {
                    maskedVector(p, i, j);
                }
                epilogueRow(p, c, co, 0, n);
            }
        }

        /** C[i][j..j+2L) from full vectors: no masks in the k loop. */
        private static void twoVectors(Problem p, int i, int j) {
            int m = p.m();
            int n = p.n();
            int k = p.k();
            float[] a = p.a();
            float[] b = p.b();
            float[] c = p.c();
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            int aBase = p.transA() ? p.aOff() + i : p.aOff() + i * k;
            int aStep = p.transA() ? m : 1;
            for (int q = 0; q < k; q++) {
                FloatVector x = FloatVector.broadcast(S, a[aBase + q * aStep]);
                int bo = p.bOff() + q * n + j;
                acc0 = FloatVector.fromArray(S, b, bo).fma(x, acc0);
                acc1 = FloatVector.fromArray(S, b, bo + L).fma(x, acc1);
            }
            int co = p.cOff() + i * n + j;
            FloatVector av = FloatVector.broadcast(S, p.alpha());
            if (p.beta() != 0f) {
                FloatVector bv = FloatVector.broadcast(S, p.beta());
                acc0.fma(av, FloatVector.fromArray(S, c, co).mul(bv)).intoArray(c, co);
                acc1.fma(av, FloatVector.fromArray(S, c, co + L).mul(bv)).intoArray(c, co + L);
            } else {
                acc0.mul(av).intoArray(c, co);
                acc1.mul(av).intoArray(c, co + L);
            }
        }

        /** The column tail: one vector with a mask built once, outside the k loop. */
        private static void maskedVector(Problem p, int i, int j) {
            int m = p.m();
            int n = p.n();
            int k = p.k();
            float[] a = p.a();
            float[] b = p.b();
            float[] c = p.c();
            VectorMask<Float> mask = S.indexInRange(j, n);
            FloatVector acc = FloatVector.zero(S);
            int aBase = p.transA() ? p.aOff() + i : p.aOff() + i * k;
            int aStep = p.transA() ? m : 1;
            for (int q = 0; q < k; q++) {
                FloatVector x = FloatVector.broadcast(S, a[aBase + q * aStep]);
                acc = FloatVector.fromArray(S, b, p.bOff() + q * n + j, mask).fma(x, acc);
            }
            int co = p.cOff() + i * n + j;
            acc = acc.mul(p.alpha());
            if (p.beta() != 0f) {
                acc = FloatVector.fromArray(S, c, co, mask).mul(p.beta()).add(acc);
            }
            acc.intoArray(c, co, mask);
        }

        /** NT: C[i][j] = Σ_p A[i][p]·B[j][p], both rows contiguous. */
        private static void dotRows(Problem p, int i0, int i1) {
            int m = p.m();
            int n = p.n();
            int k = p.k();
            float[] a = p.a();
            float[] b = p.b();
            float[] c = p.c();
            for (int i = i0; i < i1; i++) {
                int co = p.cOff() + i * n;
                for (int j = 0; j < n; j++) {
                    float s;
                    if (p.transA()) {
                        // TT is never sent here; kept total for safety
                        double t = 0;
                        for (int q = 0; q < k; q++) {
                            t += a[p.aOff() + q * m + i] * b[p.bOff() + j * k + q];
                        }
                        s = (float) t;
                    } else {
                        s = dot(a, p.aOff() + i * k, b, p.bOff() + j * k, k);
                    }
                    float v = p.alpha() * s;
                    if (p.beta() != 0f) {
                        v = Math.fma(p.beta(), c[co + j], v);
                    }
                    c[co + j] = v;
                }
                epilogueRow(p, c, co, 0, n);
            }
        }

        private static float dot(float[] a, int ao, float[] b, int bo, int k) {
            FloatVector acc = FloatVector.zero(S);
            int q = 0;
            for (int up = S.loopBound(k); q < up; q += L) {
                acc = FloatVector.fromArray(S, a, ao + q).fma(FloatVector.fromArray(S, b, bo + q), acc);
            }
            if (q < k) {
                VectorMask<Float> m = S.indexInRange(q, k);
                acc = FloatVector.fromArray(S, a, ao + q, m).fma(FloatVector.fromArray(S, b, bo + q, m), acc);
            }
            return acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        }
    }
}
