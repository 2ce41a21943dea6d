/*
 * Reductions: sum / mean / max over rows or columns, argmax, and the two-stage full reductions used by reduce of a
 * vector, the L2 norm, and the losses' final mean.
 *
 * Sums accumulate in acc_t (double when the device has cl_khr_fp64, so the only float rounding is the final one,
 * like the reference's; otherwise float with a tree combine, error ~ (n/(RW*VW) + log2(RW*VW))*2^-24 relative).
 * Max propagates NaN; the max of nothing is -Inf; the mean of nothing is NaN (0/0). Argmax takes the first index of
 * the maximum, NaN counting as the maximum (PyTorch).
 */

#define RED_SUM 0
#define RED_MEAN 1
#define RED_MAX 2
#define RED_SUMSQ 3

inline acc_t wg_sum_acc(acc_t v, __local acc_t* red) {
    const int lid = get_local_id(0);
    red[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = RW / 2; s > 0; s >>= 1) {
        if (lid < s) red[lid] += red[lid + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const acc_t r = red[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

inline float wg_max(float v, __local float* red) {
    const int lid = get_local_id(0);
    red[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = RW / 2; s > 0; s >>= 1) {
        if (lid < s) red[lid] = jmax_s(red[lid], red[lid + s]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float r = red[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

/* sum  of the lanes of a floatv in acc_t. */
inline acc_t lanes_sum(floatv v) {
#if VW == 1
    return (acc_t) v;
#else
    float a[VW];
    VSTORE(v, 0, a);
    acc_t s = 0;
    for (int l = 0; l < VW; l++) s += (acc_t) a[l];
    return s;
#endif
}

inline acc_t lanes_sumsq(floatv v) {
#if VW == 1
    return (acc_t) v * v;
#else
    float a[VW];
    VSTORE(v, 0, a);
    acc_t s = 0;
    for (int l = 0; l < VW; l++) s += (acc_t) a[l] * a[l];
    return s;
#endif
}

/* One result per row of `cols` (mode SUM, MEAN or MAX); one work-group of RW items per row. */
__kernel void reduce_rows(__global const float* x, __global float* out, const int cols, const int mode) {
    __local acc_t red[RW];
    __local float redm[RW];
    const int lid = get_local_id(0);
    const int row = get_group_id(0);
    __global const float* xr = x + (size_t) row * cols;
    const int nv = cols / VW;
    if (mode == RED_MAX) {
        floatv mv = (floatv)(-INFINITY);
        for (int q = lid; q < nv; q += RW) mv = jmax_v(mv, VLOAD(q, xr));
        float m = hmax_v(mv);
        for (int c = nv * VW + lid; c < cols; c += RW) m = jmax_s(m, xr[c]);
        m = wg_max(m, redm);
        if (lid == 0) out[row] = m;
    } else {
        acc_t s = 0;
        for (int q = lid; q < nv; q += RW) s += lanes_sum(VLOAD(q, xr));
        for (int c = nv * VW + lid; c < cols; c += RW) s += (acc_t) xr[c];
        s = wg_sum_acc(s, red);
        if (lid == 0) out[row] = (float) (mode == RED_MEAN ? s / (acc_t) cols : s);
    }
}

/* One result per column of a rows x cols matrix; each work-item owns one column and walks the rows. */
__kernel void reduce_cols(__global const float* x, __global float* out, const int rows, const int cols,
                          const int mode) {
    const int col = get_global_id(0);
    if (col >= cols) return;
    if (mode == RED_MAX) {
        float m = -INFINITY;
        for (int r = 0; r < rows; r++) m = jmax_s(m, x[(size_t) r * cols + col]);
        out[col] = m;
    } else {
        acc_t s = 0;
        for (int r = 0; r < rows; r++) s += (acc_t) x[(size_t) r * cols + col];
        out[col] = (float) (mode == RED_MEAN ? s / (acc_t) rows : s);
    }
}

/*
 * First stage of a full reduction of n elements (mode SUM, MAX or SUMSQ): every work-group reduces its grid-stride
 * share and writes partials[part_off + group].
 */
__kernel void reduce_partials(__global const float* x, __global float* partials, const int n, const int part_off,
                              const int mode) {
    __local acc_t red[RW];
    __local float redm[RW];
    const int nv = n / VW;
    const int stride = get_global_size(0);
    const int gid = get_global_id(0);
    float result;
    if (mode == RED_MAX) {
        floatv mv = (floatv)(-INFINITY);
        for (int q = gid; q < nv; q += stride) mv = jmax_v(mv, VLOAD(q, x));
        float m = hmax_v(mv);
        for (int c = nv * VW + gid; c < n; c += stride) m = jmax_s(m, x[c]);
        result = wg_max(m, redm);
    } else {
        acc_t s = 0;
        if (mode == RED_SUMSQ) {
            for (int q = gid; q < nv; q += stride) s += lanes_sumsq(VLOAD(q, x));
            for (int c = nv * VW + gid; c < n; c += stride) s += (acc_t) x[c] * x[c];
        } else {
            for (int q = gid; q < nv; q += stride) s += lanes_sum(VLOAD(q, x));
            for (int c = nv * VW + gid; c < n; c += stride) s += (acc_t) x[c];
        }
        result = (float) wg_sum_acc(s, red);
    }
    if (get_local_id(0) == 0) partials[part_off + get_group_id(0)] = result;
}

/*
 * Second stage, one work-group: combines n partials into out[out_index]. mode SUM: sum ; MEAN: sum  / divisor (NaN for
 * divisor 0, as the mean of nothing); MAX: max; SUMSQ: sqrtsum  (the partials then hold sums of squares).
 */
__kernel void reduce_finish(__global const float* partials, __global float* out, const int n, const int out_index,
                            const int mode, const int divisor) {
    __local acc_t red[RW];
    __local float redm[RW];
    const int lid = get_local_id(0);
    if (mode == RED_MAX) {
        float m = -INFINITY;
        for (int i = lid; i < n; i += RW) m = jmax_s(m, partials[i]);
        m = wg_max(m, redm);
        if (lid == 0) out[out_index] = m;
    } else {
        acc_t s = 0;
        for (int i = lid; i < n; i += RW) s += (acc_t) partials[i];
        s = wg_sum_acc(s, red);
        if (lid == 0) {
            acc_t r = s;
            if (mode == RED_MEAN) r = s / (acc_t) divisor;
            if (mode == RED_SUMSQ) r = sqrt(s);
            out[out_index] = (float) r;
        }
    }
}

/* (value, index) a beats b: NaN beats numbers, larger beats smaller, and on ties (or both NaN) the lower index. */
inline bool argmax_beats(float va, int ia, float vb, int ib) {
    const bool na = isnan(va);
    const bool nb = isnan(vb);
    if (na != nb) return na;
    if (na || va == vb) return ia < ib;
    return va > vb;
}

/* Index of the maximum of each row of `cols` (cols >= 1); one work-group per row. */
__kernel void argmax_rows(__global const float* x, __global int* out, const int cols) {
    __local float rv[RW];
    __local int ri[RW];
    const int lid = get_local_id(0);
    const int row = get_group_id(0);
    __global const float* xr = x + (size_t) row * cols;
    float bv = -INFINITY;
    int bi = INT_MAX;
    for (int c = lid; c < cols; c += RW) {
        const float v = xr[c];
        if (argmax_beats(v, c, bv, bi)) {
            bv = v;
            bi = c;
        }
    }
    rv[lid] = bv;
    ri[lid] = bi;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = RW / 2; s > 0; s >>= 1) {
        if (lid < s && argmax_beats(rv[lid + s], ri[lid + s], rv[lid], ri[lid])) {
            rv[lid] = rv[lid + s];
            ri[lid] = ri[lid + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) out[row] = ri[0];
}

/* Index of the maximum of each column of a rows x cols matrix (rows >= 1). */
__kernel void argmax_cols(__global const float* x, __global int* out, const int rows, const int cols) {
    const int col = get_global_id(0);
    if (col >= cols) return;
    float bv = x[col];
    int bi = 0;
    for (int r = 1; r < rows; r++) {
        const float v = x[(size_t) r * cols + col];
        if (argmax_beats(v, r, bv, bi)) {
            bv = v;
            bi = r;
        }
    }
    out[col] = bi;
}
