/*
 * GEMM: C = act(alpha*op(A)*op(B) + beta*C + bias), single and batched, every transpose pair.
 *
 * Two paths, chosen per call by io.kiln.backend.opencl.OpenClGemm:
 *  - gemm_direct: one work-item per element of C, reading A and B through (row, column) strides, so any transpose
 *    pair and any m, n, k work unpadded. For small problems, where packing would cost more than it saves.
 *  - gemm_pack + gemm_tiled: A and B are first packed (transposed as needed, zero-padded to whole tiles) into
 *    panels, then gemm_tiled runs a register-blocked tile kernel with no bounds checks on its inner loop; only
 *    the stores of the epilogue are guarded. Packed layout (BLIS-style panels):
 *        Ap[batch][m / TILE_M][Kp][TILE_M]     Bp[batch][n / TILE_N][Kp][TILE_N]
 *    so the TILE_K x TILE_M slab a work-group needs at step k0 is one contiguous run of floats.
 *
 * Tile parameters (io.kiln.backend.opencl.GemmParams, CLBlast-style; set as macros at build time):
 *   TILE_M, TILE_N   the work-group's tile of C
 *   TILE_K           the K step staged through local memory (USE_LOCAL) or unrolled (otherwise)
 *   THREAD_M, THREAD_N  each work-item's register tile (THREAD_N = NV vectors of VW floats)
 *   VW               vector width of B loads, accumulators and C stores
 *   USE_LOCAL        1: the work-group stages A and B slabs in local memory (GPUs); work-items own rows/columns
 *                    strided by the work-group size, so neighbouring work-items touch neighbouring addresses.
 *                    0: each work-item reads its panels straight from global memory (CPUs, where local memory is
 *                    ordinary cache-resident memory); work-items own contiguous row/column blocks.
 *
 * Error: each element is one float dot product accumulated with fma in k order (the tiled kernel and the direct
 * kernel alike): |error| <= k*2^-24*sum |a*b| in the worst case, ~sqrtk*2^-24*sum |a*b| typically; then alpha, beta*C, the
 * bias and the activation add a few roundings (see common.cl for the activations).
 */

#ifndef TILE_M
#define TILE_M 8
#define TILE_N 32
#define TILE_K 8
#define THREAD_M 8
#define THREAD_N 32
#define USE_LOCAL 0
#endif

#define WGM (TILE_M / THREAD_M)
#define WGN (TILE_N / THREAD_N)
#define NV (THREAD_N / VW)

/* alpha*acc + beta*C + bias for one element; C is read only when beta != 0. */
inline float gemm_linear(float acc, __global const float* cp, float alpha, float beta, __global const float* bias,
                         int j, int has_bias) {
    float v = alpha * acc;
    if (beta != 0.0f) v = fma(beta, *cp, v);
    if (has_bias) v += bias[j];
    return v;
}

/* Rows and columns of C owned by work-item (tx, ty) of group (gx, gy): strided across the work-group with local
 * memory (neighbouring work-items, neighbouring addresses), blocked without it (each item one contiguous block). */
#if USE_LOCAL
#define ROW_OF(r) (gy * TILE_M + (r) * WGM + ty)
#define COL_OF(v) (gx * TILE_N + ((v) * WGN + tx) * VW)
#else
#define ROW_OF(r) (gy * TILE_M + ty * THREAD_M + (r))
#define COL_OF(v) (gx * TILE_N + tx * THREAD_N + (v) * VW)
#endif

/*
 * C[b] = act(alpha*op(A[b])*op(B[b]) + beta*C[b] + bias): element (i, p) of op(A) is A[a_batch*b + i*rsA + p*csA],
 * element (p, j) of op(B) is B[b_batch*b + p*rsB + j*csB]. Global size (n, m, batch), rounded up. C is not read
 * when beta == 0.
 */
__kernel void gemm_direct(__global const float* A, __global const float* B, __global float* C,
                          __global const float* bias, const int m, const int n, const int k, const int rsA,
                          const int csA, const int rsB, const int csB, const int a_batch, const int b_batch,
                          const float alpha, const float beta, const int has_bias, const int act) {
    const int j = get_global_id(0);
    const int i = get_global_id(1);
    const int b = get_global_id(2);
    if (i >= m || j >= n) return;
    __global const float* a = A + (size_t) b * a_batch + (size_t) i * rsA;
    __global const float* bb = B + (size_t) b * b_batch + (size_t) j * csB;
    float acc = 0.0f;
    for (int p = 0; p < k; p++) acc = fma(a[(size_t) p * csA], bb[(size_t) p * rsB], acc);
    __global float* cp = C + (size_t) b * m * n + (size_t) i * n + j;
    *cp = act_s(gemm_linear(acc, cp, alpha, beta, bias, j, has_bias), act);
}

/*
 * Packs op(X) into panels: dst[b][q / tile][p][q % tile] = X[src_offset + b*src_batch + q*sq + p*sp] for q < extent
 * and p < k, 0 in the padding (q < Qp, p < Kp). For A: q = i, (sq, sp) = (row, column) strides of op(A); for B:
 * q = j. Each work-item copies a PACK_BLOCK x PACK_BLOCK block, so whichever of q and p is contiguous in the source,
 * the block's reads and writes stay within a few cache lines. Global size (ceil(Qp / PACK_BLOCK),
 * ceil(Kp / PACK_BLOCK), batch).
 */
#define PACK_BLOCK 16
__kernel void gemm_pack(__global const float* src, __global float* dst, const int extent, const int k, const int Qp,
                        const int Kp, const int sq, const int sp, const int src_batch, const int tile,
                        const ulong src_offset) {
    const int q0 = get_global_id(0) * PACK_BLOCK;
    const int p0 = get_global_id(1) * PACK_BLOCK;
    const int b = get_global_id(2);
    if (q0 >= Qp || p0 >= Kp) return;
    const int qe = min(q0 + PACK_BLOCK, Qp);
    const int pe = min(p0 + PACK_BLOCK, Kp);
    __global const float* s = src + src_offset + (size_t) b * src_batch;
    __global float* d = dst + (size_t) b * (Qp / tile) * Kp * tile;
    const int blk0 = q0 / tile;
    const int qq0 = q0 - blk0 * tile;
    const bool interior = q0 + PACK_BLOCK <= extent && p0 + PACK_BLOCK <= k && qe - q0 == PACK_BLOCK
                          && pe - p0 == PACK_BLOCK;
    if (sp == 1) {
        /* Source contiguous along p (A as stored, or B transposed): read rows of 16 along p, scatter by tile. */
        int blk = blk0;
        int qq = qq0;
        for (int q = q0; q < qe; q++) {
            __global float* dq = d + (size_t) blk * Kp * tile + qq;
            __global const float* sqp = s + (size_t) q * sq;
            if (interior) {
                float row[PACK_BLOCK];
                vstore16(vload16(0, sqp + p0), 0, row);
#pragma unroll
                for (int l = 0; l < PACK_BLOCK; l++) dq[(size_t) (p0 + l) * tile] = row[l];
            } else {
                for (int p = p0; p < pe; p++) dq[(size_t) p * tile] = (q < extent && p < k) ? sqp[p] : 0.0f;
            }
            if (++qq == tile) {
                qq = 0;
                blk++;
            }
        }
    } else {
        /* Source contiguous along q (A transposed, or B as stored): copy runs of 16 along q, whole vectors when the
         * run stays inside one panel. */
        const bool one_panel = qq0 + PACK_BLOCK <= tile;
        for (int p = p0; p < pe; p++) {
            __global const float* sp_row = s + (size_t) p * sp;
            if (interior && one_panel && sq == 1) {
                vstore16(vload16(0, sp_row + q0), 0, d + ((size_t) blk0 * Kp + p) * tile + qq0);
                continue;
            }
            int blk = blk0;
            int qq = qq0;
            for (int q = q0; q < qe; q++) {
                d[((size_t) blk * Kp + p) * tile + qq] = (q < extent && p < k) ? sp_row[(size_t) q * sq] : 0.0f;
                if (++qq == tile) {
                    qq = 0;
                    blk++;
                }
            }
        }
    }
}

/*
 * The tile kernel over packed panels (Mp, Np, Kp: padded sizes, multiples of TILE_M, TILE_N, TILE_K), over the K
 * range [k_begin, k_end) (multiples of TILE_K). Global size (Np / THREAD_N, Mp / THREAD_M, batch), local size
 * (WGN, WGM, 1). C is m x n per batch, unpadded, from c_offset; bias holds n floats when has_bias. Column panels
 * start at panel_n0 (in units of TILE_N), so the host can launch a block of columns at a time.
 *
 * The host splits N and K into blocks (GemmParams.nBlock, kBlock) and launches once per block, BLIS's NC and KC
 * loops: a block's slab of B (kBlock x nBlock) stays in cache while every row panel of A streams past it. The first chunk applies the
 * caller's beta; the later ones accumulate (beta = 1, alpha again); only the last adds the bias and activation.
 */
__kernel __attribute__((reqd_work_group_size(WGN, WGM, 1)))
void gemm_tiled(__global const float* Ap, __global const float* Bp, __global float* C, __global const float* bias,
                const int m, const int n, const int Kp, const int Mp, const int Np, const float alpha,
                const float beta, const int has_bias, const int act, const ulong c_offset, const int k_begin,
                const int k_end, const int panel_n0) {
    const int tx = get_local_id(0);
    const int ty = get_local_id(1);
    const int gx = get_group_id(0) + panel_n0;
    const int gy = get_group_id(1);
    const int b = get_global_id(2);
    const int MB = Mp / TILE_M;
    const int NB = Np / TILE_N;
    __global const float* ap = Ap + ((size_t) b * MB + gy) * (size_t) Kp * TILE_M;
    __global const float* bp = Bp + ((size_t) b * NB + gx) * (size_t) Kp * TILE_N;

    floatv acc[THREAD_M][NV];
#pragma unroll
    for (int r = 0; r < THREAD_M; r++) {
#pragma unroll
        for (int v = 0; v < NV; v++) acc[r][v] = (floatv)(0.0f);
    }

#if USE_LOCAL
    __local float As[TILE_K * TILE_M];
    __local float Bs[TILE_K * TILE_N];
    const int lid = ty * WGN + tx;
    for (int k0 = k_begin; k0 < k_end; k0 += TILE_K) {
        __global const float* as = ap + (size_t) k0 * TILE_M;
        __global const float* bs = bp + (size_t) k0 * TILE_N;
        for (int e = lid; e < TILE_K * TILE_M / VW; e += WGM * WGN) VSTORE(VLOAD(e, as), e, As);
        for (int e = lid; e < TILE_K * TILE_N / VW; e += WGM * WGN) VSTORE(VLOAD(e, bs), e, Bs);
        barrier(CLK_LOCAL_MEM_FENCE);
#pragma unroll
        for (int kk = 0; kk < TILE_K; kk++) {
            floatv bv[NV];
#pragma unroll
            for (int v = 0; v < NV; v++) bv[v] = VLOAD(0, Bs + kk * TILE_N + (v * WGN + tx) * VW);
#pragma unroll
            for (int r = 0; r < THREAD_M; r++) {
                const floatv a = (floatv)(As[kk * TILE_M + r * WGM + ty]);
#pragma unroll
                for (int v = 0; v < NV; v++) acc[r][v] = fma(a, bv[v], acc[r][v]);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
#else
    ap += ty * THREAD_M;
    bp += tx * THREAD_N;
    for (int k0 = k_begin; k0 < k_end; k0 += TILE_K) {
#pragma unroll
        for (int kk = 0; kk < TILE_K; kk++) {
            const int p = k0 + kk;
            floatv bv[NV];
#pragma unroll
            for (int v = 0; v < NV; v++) bv[v] = VLOAD(v, bp + (size_t) p * TILE_N);
#pragma unroll
            for (int r = 0; r < THREAD_M; r++) {
                const floatv a = (floatv)(ap[(size_t) p * TILE_M + r]);
#pragma unroll
                for (int v = 0; v < NV; v++) acc[r][v] = fma(a, bv[v], acc[r][v]);
            }
        }
    }
#endif

    /*
     * Epilogue, in two steps so the activation's code (vector transcendentals) is emitted once rather than at each
     * of the THREAD_M x NV unrolled sites: (1) alpha*acc + beta*C + bias stored to C, whole vectors where they fit,
     * lane by lane at the right edge, rows past m dropped; (2) the activation applied in place over the same
     * cache-hot elements this work-item just wrote.
     */
    __global float* c = C + c_offset + (size_t) b * m * n;
#pragma unroll
    for (int r = 0; r < THREAD_M; r++) {
        const int i = ROW_OF(r);
        if (i >= m) continue;
#pragma unroll
        for (int v = 0; v < NV; v++) {
            const int j = COL_OF(v);
            if (j >= n) continue;
            __global float* cp = c + (size_t) i * n + j;
            if (j + VW <= n) {
                floatv val = alpha * acc[r][v];
                if (beta != 0.0f) val = fma((floatv)(beta), VLOAD(0, cp), val);
                if (has_bias) val += VLOAD(0, bias + j);
                VSTORE(val, 0, cp);
            } else {
                float lanes[VW];
                VSTORE(acc[r][v], 0, lanes);
                for (int l = 0; l < VW && j + l < n; l++) {
                    cp[l] = gemm_linear(lanes[l], cp + l, alpha, beta, bias, j + l, has_bias);
                }
            }
        }
    }
    if (act != ACT_IDENTITY) {
#pragma unroll 1
        for (int r = 0; r < THREAD_M; r++) {
            const int i = ROW_OF(r);
            if (i >= m) continue;
#pragma unroll 1
            for (int v = 0; v < NV; v++) {
                const int j = COL_OF(v);
                if (j >= n) continue;
                __global float* cp = c + (size_t) i * n + j;
                if (j + VW <= n) {
                    VSTORE(act_v(VLOAD(0, cp), act), 0, cp);
                } else {
                    for (int l = 0; l < VW && j + l < n; l++) cp[l] = act_s(cp[l], act);
                }
            }
        }
    }
}
