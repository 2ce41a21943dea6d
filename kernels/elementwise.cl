/*
 * Elementwise kernels: binary ops (same shape, scalar operand, general broadcast), scale, axpy, bias add,
 * clamp, unary primitives, activations and their backward.
 *
 * Each work-item of the flat kernels owns VW consecutive elements: a full vector when base + VW <= n, else the
 * scalar tail. The op code is a kernel argument (uniform for the launch), so one build serves every op of a kind.
 *
 * Error bounds: add, sub, mul, div, scale, axpy, bias add, clamp, neg, abs, square, reciprocal, relu, leaky relu
 * and max/min are exact float operations (division and sqrt correctly rounded when the device supports
 * -cl-fp32-correctly-rounded-divide-sqrt; the reference rounds the float64 result once, so results can differ by
 * at most the last bit where the reference's double evaluation differs, e.g. axpy's fused double a*x + y).
 * exp, log, tanh: the device builtin's bound (3, 3, 5 ulp). erf: 16 ulp. Activations: a few ulp relative, see
 * common.cl.
 */

/* Binary op codes: io.kiln.backend.opencl.KernelCodes.binary(). */
#define BIN_ADD 0
#define BIN_SUB 1
#define BIN_MUL 2
#define BIN_DIV 3
#define BIN_MAX 4
#define BIN_MIN 5

/* Unary op codes: io.kiln.backend.opencl.KernelCodes.unary(). */
#define UN_NEG 0
#define UN_ABS 1
#define UN_EXP 2
#define UN_LOG 3
#define UN_TANH 4
#define UN_ERF 5
#define UN_SQRT 6
#define UN_RECIPROCAL 7
#define UN_SQUARE 8

#define KILN_DEFINE_BINARY_UNARY(T)                                                                             \
    inline T binop_##T(T a, T b, int op) {                                                                      \
        switch (op) {                                                                                           \
        case BIN_ADD: return a + b;                                                                             \
        case BIN_SUB: return a - b;                                                                             \
        case BIN_MUL: return a * b;                                                                             \
        case BIN_DIV: return a / b;                                                                             \
        case BIN_MAX: return jmax_##T(a, b);                                                                    \
        default: return jmin_##T(a, b);                                                                         \
        }                                                                                                       \
    }                                                                                                           \
    inline T unop_##T(T x, int op) {                                                                            \
        switch (op) {                                                                                           \
        case UN_NEG: return -x;                                                                                 \
        case UN_ABS: return fabs(x);                                                                            \
        case UN_EXP: return exp(x);                                                                             \
        case UN_LOG: return log(x);                                                                             \
        case UN_TANH: return tanh(x);                                                                           \
        case UN_ERF: return erf(x);                                                                             \
        case UN_SQRT: return sqrt(x);                                                                           \
        case UN_RECIPROCAL: return 1.0f / x;                                                                    \
        default: return x * x;                                                                                  \
        }                                                                                                       \
    }

KILN_DEFINE_BINARY_UNARY(float)
#if VW != 1
KILN_DEFINE_BINARY_UNARY(floatv)
#define binop_v binop_floatv
#define unop_v unop_floatv
#else
#define binop_v binop_float
#define unop_v unop_float
#endif

/* The element range [base, base + VW) of this work-item; FULL when it lies inside [0, n). */
#define EW_PROLOGUE                                                                                             \
    const size_t q = get_global_id(0);                                                                          \
    const size_t base = q * VW;                                                                                 \
    const size_t nn = (size_t) n;                                                                               \
    if (base >= nn) return;                                                                                     \
    const bool full = base + VW <= nn;

/* out = a op b, all three of n elements. */
__kernel void binary_same(__global const float* a, __global const float* b, __global float* out, const int n,
                          const int op) {
    EW_PROLOGUE
    if (full) {
        VSTORE(binop_v(VLOAD(q, a), VLOAD(q, b), op), q, out);
    } else {
        for (size_t i = base; i < nn; i++) out[i] = binop_float(a[i], b[i], op);
    }
}

/* out = a op s (scalar_on_left == 0) or s op a (scalar_on_left != 0), where s = scalar[0] (a 1-element tensor). */
__kernel void binary_scalar(__global const float* a, __global const float* scalar, __global float* out,
                            const int n, const int op, const int scalar_on_left) {
    EW_PROLOGUE
    const float s = scalar[0];
    if (full) {
        floatv x = VLOAD(q, a);
        floatv sv = (floatv)(s);
        VSTORE(scalar_on_left ? binop_v(sv, x, op) : binop_v(x, sv, op), q, out);
    } else {
        for (size_t i = base; i < nn; i++) out[i] = scalar_on_left ? binop_float(s, a[i], op) : binop_float(a[i], s, op);
    }
}

/*
 * General broadcast: out has up to 8 dimensions (dims, innermost last in lane rank - 1); a and b are read with
 * strides sa, sb (0 along broadcast dimensions) from offsets a_off, b_off; out from out_off. One element per
 * work-item.
 */
__kernel void binary_broadcast(__global const float* a, __global const float* b, __global float* out,
                               const int n, const int op, const int rank, const int8 dims, const int8 sa,
                               const int8 sb, const int a_off, const int b_off, const int out_off) {
    const int i = get_global_id(0);
    if (i >= n) return;
    int rest = i;
    int ia = a_off;
    int ib = b_off;
    const int d[8] = {dims.s0, dims.s1, dims.s2, dims.s3, dims.s4, dims.s5, dims.s6, dims.s7};
    const int xa[8] = {sa.s0, sa.s1, sa.s2, sa.s3, sa.s4, sa.s5, sa.s6, sa.s7};
    const int xb[8] = {sb.s0, sb.s1, sb.s2, sb.s3, sb.s4, sb.s5, sb.s6, sb.s7};
    for (int k = rank - 1; k >= 0; k--) {
        const int c = rest % d[k];
        rest /= d[k];
        ia += c * xa[k];
        ib += c * xb[k];
    }
    out[out_off + i] = binop_float(a[ia], b[ib], op);
}

/* out = alpha * x. */
__kernel void scale(__global const float* x, __global float* out, const int n, const float alpha) {
    EW_PROLOGUE
    if (full) {
        VSTORE(alpha * VLOAD(q, x), q, out);
    } else {
        for (size_t i = base; i < nn; i++) out[i] = alpha * x[i];
    }
}

/* y += alpha * x (one rounding, as the reference's float64 alpha*x + y rounded once, up to fma's exactness). */
__kernel void axpy(__global const float* x, __global float* y, const int n, const float alpha) {
    EW_PROLOGUE
    if (full) {
        VSTORE(fma((floatv)(alpha), VLOAD(q, x), VLOAD(q, y)), q, y);
    } else {
        for (size_t i = base; i < nn; i++) y[i] = fma(alpha, x[i], y[i]);
    }
}

/* out[r, j] = x[r, j] + bias[j] over rows of `cols` columns; one work-item per VW elements of a row. */
__kernel void bias_add(__global const float* x, __global const float* bias, __global float* out, const int cols,
                       const int rows) {
    const int vecs_per_row = (cols + VW - 1) / VW;
    const int q = get_global_id(0);
    const int r = get_global_id(1);
    if (q >= vecs_per_row || r >= rows) return;
    const int j = q * VW;
    const size_t off = (size_t) r * cols;
    if (j + VW <= cols) {
        VSTORE(VLOAD(0, x + off + j) + VLOAD(0, bias + j), 0, out + off + j);
    } else {
        for (int c = j; c < cols; c++) out[off + c] = x[off + c] + bias[c];
    }
}

/* out = min(max(x, lo), hi) with Java semantics (NaN stays NaN). */
__kernel void clamp_op(__global const float* x, __global float* out, const int n, const float lo, const float hi) {
    EW_PROLOGUE
    if (full) {
        VSTORE(jmin_v(jmax_v(VLOAD(q, x), (floatv)(lo)), (floatv)(hi)), q, out);
    } else {
        for (size_t i = base; i < nn; i++) out[i] = jmin_s(jmax_s(x[i], lo), hi);
    }
}

__kernel void unary(__global const float* x, __global float* out, const int n, const int op) {
    EW_PROLOGUE
    if (full) {
        VSTORE(unop_v(VLOAD(q, x), op), q, out);
    } else {
        for (size_t i = base; i < nn; i++) out[i] = unop_float(x[i], op);
    }
}

/* y = act(x); y may be x. */
__kernel void activation(__global const float* x, __global float* y, const int n, const int act) {
    EW_PROLOGUE
    if (full) {
        VSTORE(act_v(VLOAD(q, x), act), q, y);
    } else {
        for (size_t i = base; i < nn; i++) y[i] = act_s(x[i], act);
    }
}

/* dx = act'(x) * dy; dx may be dy. */
__kernel void activation_backward(__global const float* x, __global const float* dy, __global float* dx,
                                  const int n, const int act) {
    EW_PROLOGUE
    if (full) {
        VSTORE(dact_v(VLOAD(q, x), VLOAD(q, dy), act), q, dx);
    } else {
        for (size_t i = base; i < nn; i++) dx[i] = dact_s(x[i], dy[i], act);
    }
}
