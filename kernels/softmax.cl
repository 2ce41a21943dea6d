/*
 * Row kernels: softmax, log-softmax and their backward, and the losses (fused softmax + cross-entropy with hard or
 * soft labels, mean squared error). One work-group of RW work-items per row; each work-item walks the row in
 * VW-wide vectors (stride RW vectors), then the work-group combines the per-item values through local memory.
 *
 * Numerics: max-subtracted, three passes over the row (max, sum exp, write), the row's sums in float per item and
 * combined as a tree (error ~ (cols/(RW*VW) + log2(RW*VW))*2^-24 relative), max propagating NaN. Per-row losses go
 * to a float buffer that reduce.cl's finish kernel averages in acc_t (double when the device has fp64).
 */

/* ---- work-group reductions over RW items (RW a power of two); every item gets the result ---- */

inline float wg_sum(float v, __local float* red) {
    const int lid = get_local_id(0);
    red[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = RW / 2; s > 0; s >>= 1) {
        if (lid < s) red[lid] += red[lid + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float r = red[0];
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

/* Row loops: vector part q in [lid, nv) step RW, then the scalar tail c in [nv*VW + lid, cols) step RW. */
#define ROW_VECTORS(q) for (int q = lid; q < nv; q += RW)
#define ROW_TAIL(c) for (int c = nv * VW + lid; c < cols; c += RW)

inline float row_max(__global const float* xr, int cols, __local float* red) {
    const int lid = get_local_id(0);
    const int nv = cols / VW;
    floatv mv = (floatv)(-INFINITY);
    ROW_VECTORS(q) mv = jmax_v(mv, VLOAD(q, xr));
    float m = hmax_v(mv);
    ROW_TAIL(c) m = jmax_s(m, xr[c]);
    return wg_max(m, red);
}

inline float row_sum_exp(__global const float* xr, int cols, float m, __local float* red) {
    const int lid = get_local_id(0);
    const int nv = cols / VW;
    floatv sv = (floatv)(0.0f);
    ROW_VECTORS(q) sv += exp(VLOAD(q, xr) - m);
    float s = hsum_v(sv);
    ROW_TAIL(c) s += exp(xr[c] - m);
    return wg_sum(s, red);
}

/* y = softmax(x) (log_mode == 0) or log_softmax(x) over each row of `cols`; y may be x. */
__kernel void softmax_rows(__global const float* x, __global float* y, const int cols, const int log_mode) {
    __local float red[RW];
    const int lid = get_local_id(0);
    const size_t off = (size_t) get_group_id(0) * cols;
    __global const float* xr = x + off;
    __global float* yr = y + off;
    const int nv = cols / VW;
    const float m = row_max(xr, cols, red);
    const float s = row_sum_exp(xr, cols, m, red);
    if (log_mode) {
        const float lse = log(s);
        ROW_VECTORS(q) VSTORE((VLOAD(q, xr) - m) - lse, q, yr);
        ROW_TAIL(c) yr[c] = (xr[c] - m) - lse;
    } else {
        ROW_VECTORS(q) VSTORE(exp(VLOAD(q, xr) - m) / s, q, yr);
        ROW_TAIL(c) yr[c] = exp(xr[c] - m) / s;
    }
}

/*
 * From y = softmax(x): dx = y*(dy - sum  dy*y); from y = log_softmax(x): dx = dy - exp(y)*sum  dy. dx may be dy.
 */
__kernel void softmax_backward_rows(__global const float* y, __global const float* dy, __global float* dx,
                                    const int cols, const int log_mode) {
    __local float red[RW];
    const int lid = get_local_id(0);
    const size_t off = (size_t) get_group_id(0) * cols;
    __global const float* yr = y + off;
    __global const float* gr = dy + off;
    __global float* dr = dx + off;
    const int nv = cols / VW;
    floatv sv = (floatv)(0.0f);
    float s;
    if (log_mode) {
        ROW_VECTORS(q) sv += VLOAD(q, gr);
        s = hsum_v(sv);
        ROW_TAIL(c) s += gr[c];
    } else {
        ROW_VECTORS(q) sv += VLOAD(q, gr) * VLOAD(q, yr);
        s = hsum_v(sv);
        ROW_TAIL(c) s += gr[c] * yr[c];
    }
    s = wg_sum(s, red);
    if (log_mode) {
        ROW_VECTORS(q) VSTORE(VLOAD(q, gr) - exp(VLOAD(q, yr)) * s, q, dr);
        ROW_TAIL(c) dr[c] = gr[c] - exp(yr[c]) * s;
    } else {
        ROW_VECTORS(q) VSTORE(VLOAD(q, yr) * (VLOAD(q, gr) - s), q, dr);
        ROW_TAIL(c) dr[c] = yr[c] * (gr[c] - s);
    }
}

/*
 * Fused softmax + cross-entropy with integer labels: row_loss[r] = logsumexp(x_r) - x_r[label_r]; when want_grad,
 * dlogits = (softmax(x_r) - onehot(label_r)) / rows in the same launch.
 */
__kernel void cross_entropy_rows(__global const float* x, __global const int* labels, __global float* dlogits,
                                 __global float* row_loss, const int cols, const float rows_f,
                                 const int want_grad) {
    __local float red[RW];
    const int lid = get_local_id(0);
    const int row = get_group_id(0);
    const size_t off = (size_t) row * cols;
    __global const float* xr = x + off;
    const int nv = cols / VW;
    const int label = labels[row];
    /* Read the label's logit before any item writes: dlogits may be the logits buffer itself (in place). */
    const float x_label = xr[label];
    const float m = row_max(xr, cols, red);
    const float s = row_sum_exp(xr, cols, m, red);
    const float lse = m + log(s);
    if (lid == 0) row_loss[row] = lse - x_label;
    if (want_grad) {
        __global float* gr = dlogits + off;
        ROW_VECTORS(q) VSTORE(exp(VLOAD(q, xr) - lse) / rows_f, q, gr);
        ROW_TAIL(c) gr[c] = exp(xr[c] - lse) / rows_f;
        /* The label's element is fixed up after every item wrote its share of the row. */
        barrier(CLK_GLOBAL_MEM_FENCE);
        if (lid == 0) gr[label] = (exp(x_label - lse) - 1.0f) / rows_f;
    }
}

/*
 * Cross-entropy against soft targets: row_loss[r] = sum  t*(lse - x); when want_grad,
 * dlogits = (softmax(x)*sum t - t) / rows.
 */
__kernel void cross_entropy_soft_rows(__global const float* x, __global const float* t, __global float* dlogits,
                                      __global float* row_loss, const int cols, const float rows_f,
                                      const int want_grad) {
    __local float red[RW];
    const int lid = get_local_id(0);
    const int row = get_group_id(0);
    const size_t off = (size_t) row * cols;
    __global const float* xr = x + off;
    __global const float* tr = t + off;
    const int nv = cols / VW;
    const float m = row_max(xr, cols, red);
    const float s = row_sum_exp(xr, cols, m, red);
    const float lse = m + log(s);
    floatv tv = (floatv)(0.0f);
    floatv lv = (floatv)(0.0f);
    ROW_VECTORS(q) {
        floatv tq = VLOAD(q, tr);
        tv += tq;
        lv += tq * (lse - VLOAD(q, xr));
    }
    float tsum = hsum_v(tv);
    float loss = hsum_v(lv);
    ROW_TAIL(c) {
        tsum += tr[c];
        loss += tr[c] * (lse - xr[c]);
    }
    tsum = wg_sum(tsum, red);
    loss = wg_sum(loss, red);
    if (lid == 0) row_loss[row] = loss;
    if (want_grad) {
        __global float* gr = dlogits + off;
        ROW_VECTORS(q) VSTORE((exp(VLOAD(q, xr) - lse) * tsum - VLOAD(q, tr)) / rows_f, q, gr);
        ROW_TAIL(c) gr[c] = (exp(xr[c] - lse) * tsum - tr[c]) / rows_f;
    }
}

/*
 * Mean squared error, first stage: each work-group writes sum (p - t)^2 over its grid-stride share to
 * partials[group] (accumulated in acc_t); when want_grad, dpred = (p - t)*grad_scale with grad_scale = 2/N.
 */
__kernel void mse_partials(__global const float* p, __global const float* t, __global float* dpred,
                           __global float* partials, const int n, const float grad_scale, const int want_grad) {
    __local acc_t red[RW];
    const int nv = n / VW;
    const int stride = get_global_size(0);
    acc_t sum = 0;
    for (int q = get_global_id(0); q < nv; q += stride) {
        const floatv pv = VLOAD(q, p);
        const floatv tv = VLOAD(q, t);
        if (want_grad) VSTORE((pv - tv) * grad_scale, q, dpred);
        float pa[VW];
        float ta[VW];
        VSTORE(pv, 0, pa);
        VSTORE(tv, 0, ta);
        for (int l = 0; l < VW; l++) {
            const acc_t d = (acc_t) pa[l] - (acc_t) ta[l];
            sum += d * d;
        }
    }
    for (int c = nv * VW + get_global_id(0); c < n; c += stride) {
        /* Read before writing: dpred may be p itself (in place). */
        const float pc = p[c];
        const float tc = t[c];
        if (want_grad) dpred[c] = (pc - tc) * grad_scale;
        const acc_t d = (acc_t) pc - (acc_t) tc;
        sum += d * d;
    }
    sum = wg_sum_acc(sum, red);
    if (get_local_id(0) == 0) partials[get_group_id(0)] = (float) sum;
}
