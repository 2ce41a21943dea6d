package io.kiln.backend.simd;

import io.kiln.core.AdamConfig;
import io.kiln.core.SgdConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused optimizer updates, one pass each: Adam/AdamW reads p, g, m, v once and writes p, m, v once; SGD reads p, g
 * (and the momentum buffer) once and writes them once. Formulas are PyTorch's ({@code torch.optim.Adam}, {@code AdamW},
 * {@code SGD}; see {@link io.kiln.core.Backend#adamStep}), evaluated in float with FMA where PyTorch's CPU kernels
 * would round twice: each state differs from a float64 evaluation by ≤ 2 ulp per step, the parameter update by ≤ 3 ulp
 * of the step ({@code lr·m̂/(√v̂ + eps)}).
 */
final class OptimizerKernels {
    private static final VectorSpecies<Float> S = Lanes.S;
    private static final int L = Lanes.L;

    private OptimizerKernels() {
    }

    /** Adam / AdamW over [lo, hi). */
    static void adam(AdamConfig cfg, long step, float[] p, float[] g, float[] m, float[] v, int lo, int hi) {
        double bc1 = 1.0 - Math.pow(cfg.beta1(), step);
        double bc2 = 1.0 - Math.pow(cfg.beta2(), step);
        FloatVector b1 = FloatVector.broadcast(S, cfg.beta1());
        FloatVector ob1 = FloatVector.broadcast(S, (float) (1.0 - cfg.beta1()));
        FloatVector b2 = FloatVector.broadcast(S, cfg.beta2());
        FloatVector ob2 = FloatVector.broadcast(S, (float) (1.0 - cfg.beta2()));
        FloatVector negStep = FloatVector.broadcast(S, (float) (-cfg.lr() / bc1));
        FloatVector sqrtBc2 = FloatVector.broadcast(S, (float) Math.sqrt(bc2));
        FloatVector eps = FloatVector.broadcast(S, cfg.eps());
        boolean decoupled = cfg.decoupled();
        // AdamW: p *= 1 - lr*wd; Adam: g += wd*p
        FloatVector decay = FloatVector.broadcast(S, decoupled ? (float) (1.0 - (double) cfg.lr() * cfg.weightDecay())
                : cfg.weightDecay());
        int i = lo;
        for (int up = lo + S.loopBound(hi - lo); i < up; i += L) {
            FloatVector pv = FloatVector.fromArray(S, p, i);
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector mv = FloatVector.fromArray(S, m, i);
            FloatVector vv = FloatVector.fromArray(S, v, i);
            if (decoupled) {
                pv = pv.mul(decay);
            } else {
                gv = pv.fma(decay, gv);
            }
            mv = mv.fma(b1, gv.mul(ob1));
            vv = vv.fma(b2, gv.mul(gv).mul(ob2));
            FloatVector denom = vv.sqrt().div(sqrtBc2).add(eps);
            pv = mv.div(denom).fma(negStep, pv);
            pv.intoArray(p, i);
            mv.intoArray(m, i);
            vv.intoArray(v, i);
        }
        if (i < hi) {
            VectorMask<Float> k = S.indexInRange(i, hi);
            FloatVector pv = FloatVector.fromArray(S, p, i, k);
            FloatVector gv = FloatVector.fromArray(S, g, i, k);
            FloatVector mv = FloatVector.fromArray(S, m, i, k);
            FloatVector vv = FloatVector.fromArray(S, v, i, k);
            if (decoupled) {
                pv = pv.mul(decay);
            } else {
                gv = pv.fma(decay, gv);
            }
            mv = mv.fma(b1, gv.mul(ob1));
            vv = vv.fma(b2, gv.mul(gv).mul(ob2));
            FloatVector denom = vv.sqrt().div(sqrtBc2).add(eps);
            pv = mv.div(denom).fma(negStep, pv);
            pv.intoArray(p, i, k);
            mv.intoArray(m, i, k);
            vv.intoArray(v, i, k);
        }
    }

    /** sign(p) as Math.signum: −1, 0 (for ±0), +1, NaN for NaN. */
    private static FloatVector signum(FloatVector p) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector s = FloatVector.zero(S).blend(one, p.compare(VectorOperators.GT, 0f))
                .blend(one.neg(), p.compare(VectorOperators.LT, 0f));
        return s.blend(p, p.compare(VectorOperators.NE, p));
    }

    /** SGD over [lo, hi); {@code buf} is null without momentum. */
    static void sgd(SgdConfig cfg, long step, float[] p, float[] g, float[] buf, int lo, int hi) {
        FloatVector wd = FloatVector.broadcast(S, cfg.weightDecay());
        FloatVector l1 = FloatVector.broadcast(S, cfg.l1());
        FloatVector negLr = FloatVector.broadcast(S, -cfg.lr());
        FloatVector mom = FloatVector.broadcast(S, cfg.momentum());
        FloatVector damp = FloatVector.broadcast(S, (float) (1.0 - cfg.dampening()));
        boolean first = step == 1;
        boolean nesterov = cfg.nesterov();
        boolean hasL1 = cfg.l1() != 0;
        int i = lo;
        for (int up = lo + S.loopBound(hi - lo); i < up; i += L) {
            FloatVector pv = FloatVector.fromArray(S, p, i);
            FloatVector d = pv.fma(wd, FloatVector.fromArray(S, g, i));
            if (hasL1) {
                d = signum(pv).fma(l1, d);
            }
            if (buf != null) {
                FloatVector b = first ? d : FloatVector.fromArray(S, buf, i).fma(mom, d.mul(damp));
                b.intoArray(buf, i);
                d = nesterov ? b.fma(mom, d) : b;
            }
            d.fma(negLr, pv).intoArray(p, i);
        }
        if (i < hi) {
            VectorMask<Float> k = S.indexInRange(i, hi);
            FloatVector pv = FloatVector.fromArray(S, p, i, k);
            FloatVector d = pv.fma(wd, FloatVector.fromArray(S, g, i, k));
            if (hasL1) {
                d = signum(pv).fma(l1, d);
            }
            if (buf != null) {
                FloatVector b = first ? d : FloatVector.fromArray(S, buf, i, k).fma(mom, d.mul(damp));
                b.intoArray(buf, i, k);
                d = nesterov ? b.fma(mom, d) : b;
            }
            d.fma(negLr, pv).intoArray(p, i, k);
        }
    }
}
