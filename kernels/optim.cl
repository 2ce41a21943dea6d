/*
 * Optimizer updates, fused: each reads its tensors once and writes them once, VW elements per work-item.
 * Semantics: torch.optim.SGD and Adam/AdamW as io.kiln.core.Backend#sgdStep / #adamStep document them. Host-side
 * scalars (bias corrections) are computed in double by the backend and passed rounded to float.
 *
 * Error: float arithmetic throughout (the reference evaluates each step in double and rounds once); a step changes
 * p by lr*O(1), so p's error is a few ulp of p plus a few ulp of the step.
 */

/* sign(x) with Java's Math.signum semantics: NaN stays NaN, +-0 stays +-0. */
inline floatv signum_v(floatv x) { return select(sign(x), x, isnan(x) | (x == 0.0f)); }
inline float signum_s(float x) { return select(sign(x), x, isnan(x) | (x == 0.0f)); }

#define SGD_BODY(P, G, B, SIGNUM)                                                                               \
    G = G + weight_decay * P + l1 * SIGNUM(P);                                                                  \
    if (use_momentum) {                                                                                         \
        B = first_step ? G : momentum * B + (1.0f - dampening) * G;                                            \
        G = nesterov ? G + momentum * B : B;                                                                    \
    }                                                                                                           \
    P = P - lr * G;

/*
 * p -= lr*g' with g' = g + weight_decay*p + l1*sign(p), through the momentum buffer when use_momentum
 * (buf = g' at the first step, else momentum*buf + (1 - dampening)*g'; nesterov uses g' + momentum*buf).
 * `buf` may be any buffer when !use_momentum; it is then not touched.
 */
__kernel void sgd_step(__global float* p, __global const float* g, __global float* buf, const int n,
                       const float lr, const float weight_decay, const float l1, const float momentum,
                       const float dampening, const int nesterov, const int use_momentum, const int first_step) {
    const size_t q = get_global_id(0);
    const size_t base = q * VW;
    if (base >= (size_t) n) return;
    if (base + VW <= (size_t) n) {
        floatv pv = VLOAD(q, p);
        floatv gv = VLOAD(q, g);
        floatv bv = use_momentum ? VLOAD(q, buf) : (floatv)(0.0f);
        SGD_BODY(pv, gv, bv, signum_v)
        VSTORE(pv, q, p);
        if (use_momentum) VSTORE(bv, q, buf);
    } else {
        for (size_t i = base; i < (size_t) n; i++) {
            float ps = p[i];
            float gs = g[i];
            float bs = use_momentum ? buf[i] : 0.0f;
            SGD_BODY(ps, gs, bs, signum_s)
            p[i] = ps;
            if (use_momentum) buf[i] = bs;
        }
    }
}

#define ADAM_BODY(P, G, M, V)                                                                                   \
    if (decoupled) {                                                                                            \
        P = P * decay_factor;                                                                                   \
    } else {                                                                                                    \
        G = G + weight_decay * P;                                                                               \
    }                                                                                                           \
    M = beta1 * M + (1.0f - beta1) * G;                                                                         \
    V = beta2 * V + (1.0f - beta2) * G * G;                                                                     \
    P = P - step_size * M / (sqrt(V) / sqrt_bc2 + eps);

/*
 * One Adam (decoupled == 0: weight decay added to the gradient) or AdamW (decoupled != 0: p *= 1 - lr*wd first)
 * step: m = beta1*m + (1 - beta1)*g; v = beta2*v + (1 - beta2)*g^2; p -= step_size*m / (sqrtv / sqrtbc2 + eps), with
 * step_size = lr / (1 - beta1^t) and sqrt_bc2 = sqrt(1 - beta2^t). One pass over p, g, m, v.
 */
__kernel void adam_step(__global float* p, __global const float* g, __global float* m, __global float* v,
                        const int n, const float beta1, const float beta2, const float eps, const float weight_decay,
                        const float decay_factor, const float step_size, const float sqrt_bc2, const int decoupled) {
    const size_t q = get_global_id(0);
    const size_t base = q * VW;
    if (base >= (size_t) n) return;
    if (base + VW <= (size_t) n) {
        floatv pv = VLOAD(q, p);
        floatv gv = VLOAD(q, g);
        floatv mv = VLOAD(q, m);
        floatv vv = VLOAD(q, v);
        ADAM_BODY(pv, gv, mv, vv)
        VSTORE(pv, q, p);
        VSTORE(mv, q, m);
        VSTORE(vv, q, v);
    } else {
        for (size_t i = base; i < (size_t) n; i++) {
            float ps = p[i];
            float gs = g[i];
            float ms = m[i];
            float vs = v[i];
            ADAM_BODY(ps, gs, ms, vs)
            p[i] = ps;
            m[i] = ms;
            v[i] = vs;
        }
    }
}
