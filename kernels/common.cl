/*
 * Kiln OpenCL prelude, prepended to every kernel family (gemm.cl, elementwise.cl, softmax.cl, reduce.cl, optim.cl,
 * dropout.cl) when the backend builds a program. OpenCL C 1.2; no extension is required.
 *
 * Build-time macros (set by io.kiln.backend.opencl.OpenClBackend from the device's properties):
 *   VW          vector width of the elementwise kernels (1, 2, 4, 8 or 16): each work-item handles VW consecutive
 *               floats with explicit vector types, because PoCL's CPU device vectorizes across work-items poorly
 *               and GPUs like 16-byte loads. In gemm.cl VW is the GEMM vector width instead.
 *   RW          work-group size of the row kernels (softmax, losses, row reductions), a power of two.
 *   KILN_FP64   defined when the device has cl_khr_fp64: reductions, norms and losses then accumulate in double.
 *
 * Accuracy: no -cl-fast-relaxed-math, no native_ functions; the builtins used (exp, log, tanh, erfc, sqrt) have the
 * OpenCL full-profile bounds (exp, log <= 3 ulp, tanh <= 5 ulp, erfc <= 16 ulp, sqrt <= 3 ulp or correctly rounded
 * with -cl-fp32-correctly-rounded-divide-sqrt, which the backend passes whenever the device supports it). Each
 * activation is written in a form without cancellation (1 + tanh u as 2*sigmoid(2u), 1 + erf z as erfc(-z),
 * s*(1 - s) as e/(1 + e)^2 with e = exp(-|x|)), so its relative error stays within a few of those ulps.
 */

#ifdef KILN_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double acc_t;
#else
typedef float acc_t;
#endif

#ifndef VW
#define VW 4
#endif
#ifndef RW
#define RW 64
#endif

#define KILN_CAT_(a, b) a##b
#define KILN_CAT(a, b) KILN_CAT_(a, b)

#if VW == 1
typedef float floatv;
typedef int intv;
#define VLOAD(i, p) ((p)[(i)])
#define VSTORE(v, i, p) ((p)[(i)] = (v))
#else
typedef KILN_CAT(float, VW) floatv;
typedef KILN_CAT(int, VW) intv;
#define VLOAD(i, p) KILN_CAT(vload, VW)((i), (p))
#define VSTORE(v, i, p) KILN_CAT(vstore, VW)((v), (i), (p))
#endif

/* Activation codes, as io.kiln.backend.opencl.KernelCodes.activation() numbers them. */
#define ACT_IDENTITY 0
#define ACT_RELU 1
#define ACT_LEAKY_RELU 2
#define ACT_SIGMOID 3
#define ACT_TANH 4
#define ACT_SILU 5
#define ACT_GELU_ERF 6
#define ACT_GELU_TANH 7
#define ACT_GELU_SIGMOID 8

#define KILN_LEAKY_SLOPE 0.01f
#define KILN_SQRT_2_OVER_PI 0.7978845608028654f
#define KILN_GELU_TANH_K 0.044715f
#define KILN_GELU_SIGMOID_K 1.702f
#define KILN_INV_SQRT_2 0.7071067811865476f
#define KILN_INV_SQRT_2PI 0.3989422804014327f

/*
 * Java's Math.max / Math.min on floats: NaN if either operand is NaN, and +0 > -0. (OpenCL's fmax/fmin return the
 * other operand for a NaN and may order signed zeros either way.) Comparisons give 1/0 on scalars and -1/0 on
 * vectors; select() reads "nonzero" on scalars and the sign bit on vectors, so one body serves both.
 */
#define KILN_DEFINE_MINMAX(T)                                                                                   \
    inline T jmax_##T(T a, T b) {                                                                               \
        return select(a, b, (b > a) | isnan(b) | ((a == b) & signbit(a)));                                      \
    }                                                                                                           \
    inline T jmin_##T(T a, T b) {                                                                               \
        return select(a, b, (b < a) | isnan(b) | ((a == b) & signbit(b)));                                      \
    }

KILN_DEFINE_MINMAX(float)
#if VW != 1
KILN_DEFINE_MINMAX(floatv)
#endif
#if VW == 1
#define jmax_v jmax_float
#define jmin_v jmin_float
#else
#define jmax_v jmax_floatv
#define jmin_v jmin_floatv
#endif
#define jmax_s jmax_float
#define jmin_s jmin_float

/* Horizontal sum and NaN-propagating max of a floatv. */
#if VW == 1
inline float hsum_v(floatv v) { return v; }
inline float hmax_v(floatv v) { return v; }
#elif VW == 2
inline float hsum_v(floatv v) { return v.x + v.y; }
inline float hmax_v(floatv v) { return jmax_s(v.x, v.y); }
#elif VW == 4
inline float hsum_v(floatv v) { float2 a = v.lo + v.hi; return a.x + a.y; }
inline float hmax_v(floatv v) { return jmax_s(jmax_s(v.x, v.y), jmax_s(v.z, v.w)); }
#elif VW == 8
inline float hsum_v(floatv v) { float4 a = v.lo + v.hi; float2 b = a.lo + a.hi; return b.x + b.y; }
inline float hmax_v(floatv v) {
    float m = v.s0;
    m = jmax_s(m, v.s1); m = jmax_s(m, v.s2); m = jmax_s(m, v.s3);
    m = jmax_s(m, v.s4); m = jmax_s(m, v.s5); m = jmax_s(m, v.s6); m = jmax_s(m, v.s7);
    return m;
}
#elif VW == 16
inline float hsum_v(floatv v) {
    float8 a = v.lo + v.hi; float4 b = a.lo + a.hi; float2 c = b.lo + b.hi; return c.x + c.y;
}
inline float hmax_v(floatv v) {
    float8 a = select(v.lo, v.hi, (v.hi > v.lo) | isnan(v.hi) | ((v.lo == v.hi) & signbit(v.lo)));
    float m = a.s0;
    m = jmax_s(m, a.s1); m = jmax_s(m, a.s2); m = jmax_s(m, a.s3);
    m = jmax_s(m, a.s4); m = jmax_s(m, a.s5); m = jmax_s(m, a.s6); m = jmax_s(m, a.s7);
    return m;
}
#else
#error "VW must be 1, 2, 4, 8 or 16"
#endif

/*
 * Activations and their derivatives for one element type T (float or floatv), named act_<T> and dact_<T>.
 * Semantics are PyTorch's (io.kiln.core.Activation): ReLU(NaN) = NaN; ReLU'(0) = 0; leaky slope 0.01.
 */
#define KILN_DEFINE_ACTIVATIONS(T)                                                                              \
    inline T act_##T(T x, int act) {                                                                            \
        switch (act) {                                                                                          \
        case ACT_RELU:                                                                                          \
            return select((T)(0.0f), x, (x > 0.0f) | isnan(x));                                                \
        case ACT_LEAKY_RELU:                                                                                    \
            return select(x * KILN_LEAKY_SLOPE, x, x > 0.0f);                                                  \
        case ACT_SIGMOID:                                                                                       \
            return 1.0f / (1.0f + exp(-x));                                                                     \
        case ACT_TANH:                                                                                          \
            return tanh(x);                                                                                     \
        case ACT_SILU:                                                                                          \
            return x / (1.0f + exp(-x));                                                                        \
        case ACT_GELU_ERF:                                                                                      \
            return 0.5f * x * erfc(-x * KILN_INV_SQRT_2);                                                       \
        case ACT_GELU_TANH: {                                                                                   \
            T u = KILN_SQRT_2_OVER_PI * (x + KILN_GELU_TANH_K * x * x * x);                                    \
            return x / (1.0f + exp(-2.0f * u));                                                                 \
        }                                                                                                       \
        case ACT_GELU_SIGMOID:                                                                                  \
            return x / (1.0f + exp(-KILN_GELU_SIGMOID_K * x));                                                 \
        default:                                                                                                \
            return x;                                                                                           \
        }                                                                                                       \
    }                                                                                                           \
    /* sigmoid(x) and 1 - sigmoid(x), each without cancellation, from e = exp(-|x|). */                        \
    inline T sig_pos_##T(T x, T e) { return select(e / (1.0f + e), 1.0f / (1.0f + e), x >= 0.0f); }          \
    inline T sig_neg_##T(T x, T e) { return select(1.0f / (1.0f + e), e / (1.0f + e), x >= 0.0f); }          \
    inline T dact_##T(T x, T dy, int act) {                                                                     \
        switch (act) {                                                                                          \
        case ACT_RELU:                                                                                          \
            return select(select((T)(0.0f), dy, x > 0.0f), x, isnan(x));                                       \
        case ACT_LEAKY_RELU:                                                                                    \
            return select(select(dy * KILN_LEAKY_SLOPE, dy, x > 0.0f), x, isnan(x));                            \
        case ACT_SIGMOID: {                                                                                     \
            T e = exp(-fabs(x));                                                                                \
            T d = 1.0f + e;                                                                                     \
            return dy * (e / (d * d));                                                                          \
        }                                                                                                       \
        case ACT_TANH: {                                                                                        \
            T e = exp(-2.0f * fabs(x));                                                                         \
            T d = 1.0f + e;                                                                                     \
            return dy * (4.0f * e / (d * d));                                                                   \
        }                                                                                                       \
        case ACT_SILU: {                                                                                        \
            T e = exp(-fabs(x));                                                                                \
            T s = sig_pos_##T(x, e);                                                                            \
            return dy * (s * (1.0f + x * sig_neg_##T(x, e)));                                                   \
        }                                                                                                       \
        case ACT_GELU_ERF:                                                                                      \
            return dy * (0.5f * erfc(-x * KILN_INV_SQRT_2) + x * KILN_INV_SQRT_2PI * exp(-0.5f * x * x));      \
        case ACT_GELU_TANH: {                                                                                   \
            T u = KILN_SQRT_2_OVER_PI * (x + KILN_GELU_TANH_K * x * x * x);                                    \
            T e = exp(-2.0f * fabs(u));                                                                         \
            T s = sig_pos_##T(u, e);                                                                            \
            T sn = sig_neg_##T(u, e);                                                                           \
            return dy * (s + 2.0f * x * s * sn * KILN_SQRT_2_OVER_PI                                           \
                                 * (1.0f + 3.0f * KILN_GELU_TANH_K * x * x));                                   \
        }                                                                                                       \
        case ACT_GELU_SIGMOID: {                                                                                \
            T z = KILN_GELU_SIGMOID_K * x;                                                                      \
            T e = exp(-fabs(z));                                                                                \
            T s = sig_pos_##T(z, e);                                                                            \
            return dy * (s + KILN_GELU_SIGMOID_K * x * s * sig_neg_##T(z, e));                                 \
        }                                                                                                       \
        default:                                                                                                \
            return dy;                                                                                          \
        }                                                                                                       \
    }

KILN_DEFINE_ACTIVATIONS(float)
#if VW != 1
KILN_DEFINE_ACTIVATIONS(floatv)
#define act_v act_floatv
#define dact_v dact_floatv
#else
#define act_v act_float
#define dact_v dact_float
#endif
#define act_s act_float
#define dact_s dact_float
