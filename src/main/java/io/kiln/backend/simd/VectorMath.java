package io.kiln.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane-wise transcendental functions for the SIMD backend, built from FMAs, one division at most, and integer bit
 * tricks, so that C2 keeps them in registers inside the caller's loop.
 *
 * <p>Why not {@code FloatVector.lanewise(VectorOperators.EXP | TANH | LOG)}: on JDK 25 / x86 those call the SVML
 * stubs. Measured in {@code io.kiln.bench.TranscendentalBench} (bench/README.md), SVML's exp and log are 15–35%
 * faster than these polynomials in isolation and its tanh 1.8× slower; there is no ERF operator. These are kept for
 * bounds that are tested and identical on every CPU (SVML exists only on x86; elsewhere the operators run scalar
 * code, 14–35× slower) and because they inline into fused loops, where a stub call would spill the loop's vectors.
 *
 * <p>Coefficients were fitted for this class (weighted least squares with Lawson iterations toward minimax relative
 * error, in float64, then rounded to float). Measured maximum error against a float64 oracle, over a dense sweep of
 * the float range plus the special values ±0, subnormals, ±huge, ±Inf and NaN
 * ({@code VectorMathTest}, which fails when a bound below is exceeded):
 * <ul>
 *   <li>{@link #exp}: ≤ 2 ulp (0.98 measured), including subnormal results (two-step 2^n scaling);
 *       exp(x) = +Inf for x &gt; 88.72, 0 for x &lt; −103.9; NaN stays NaN. Range reduction x = n·ln2 + r (ln2
 *       split in two parts, Cody–Waite), e^r = 1 + r + r²·p(r), p of degree 4.</li>
 *   <li>{@link #tanh}: ≤ 5 ulp tested (3.84 measured); x·P(x²)/Q(x²) of degree (8, 8) fitted on [0, 9], x
 *       clamped to ±9 (where the rational rounds to exactly ±1), exact for subnormals (tanh(x) = x there), NaN
 *       stays NaN.</li>
 *   <li>{@link #erf}: ≤ 6 ulp tested (4.46 measured); x·P(x²)/Q(x²) of degree (12, 10) fitted on [0, 4], x
 *       clamped to ±4 (the rational rounds to exactly ±1 there).</li>
 *   <li>{@link #log}: ≤ 2 ulp (0.89 measured) for normal and subnormal x &gt; 0; log(0) = −Inf,
 *       log(x &lt; 0) = NaN, log(+Inf) = +Inf.</li>
 *   <li>{@link #sigmoid}: 1/(1 + e^−x): ≤ 3 ulp (1.98 measured) where the result is ≥ 2^-126.</li>
 * </ul>
 * These bounds are in ulp of the float result (for tanh and erf near 0 that is relative error). A faster variant
 * of tanh and erf with ≤ 2 ulp would need exp + a second division (tanh = 1 − 2/(e^2x + 1) away from 0); the
 * rationals were kept for speed. Saturation is a clamp of the input (compare + blend), not a blend of ±1 into
 * the result: the sign-copy that needs costs two reinterpret casts, and that was enough to push C2 over its
 * inlining node budget ({@code NodeCountInliningCutoff}) in a GELU loop, leaving a helper un-inlined and its vectors
 * boxed (GELU-tanh from primitives 3.5× slower; {@code -XX:+PrintInlining} shows it).
 */
public final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;

    // exp
    private static final float EXP_HI = 89f;
    private static final float EXP_LO = -104f;
    private static final float LOG2E = 1.44269504f;
    private static final float SHIFTER = 12582912f; // 1.5 * 2^23: adding it rounds to an integer in the low bits
    private static final int SHIFTER_BITS = Float.floatToRawIntBits(SHIFTER);
    private static final float LN2_HI = 0.693145752f;   // 0x1.62e4p-1, 16 significant bits: n * LN2_HI is exact
    private static final float LN2_LO = 1.42860677e-6f; // ln2 - LN2_HI
    private static final float E2 = 0.49999999614409574f;
    private static final float E3 = 0.1666657621796307f;
    private static final float E4 = 0.04166680980502218f;
    private static final float E5 = 0.00836332013034597f;
    private static final float E6 = 0.001390513951531762f;

    // tanh(x) = x * P(x^2) / Q(x^2) on [0, 9]
    private static final float TANH_MAX = 9f;
    private static final float TP0 = 0.999999979236442f;
    private static final float TP1 = 0.13380812075861848f;
    private static final float TP2 = 0.0034953376853067903f;
    private static final float TP3 = 2.0605108120581888e-05f;
    private static final float TP4 = 1.3349465692613824e-08f;
    private static final float TQ1 = 0.4671412755306337f;
    private static final float TQ2 = 0.025876020903002547f;
    private static final float TQ3 = 0.00032852313601076255f;
    private static final float TQ4 = 7.774364136828069e-07f;

    // erf(x) = x * P(x^2) / Q(x^2) on [0, 4]
    private static final float ERF_MAX = 4f;
    private static final float RP0 = 1.128379169831813f;
    private static final float RP1 = 0.1850844118780515f;
    private static final float RP2 = 0.054356150359086704f;
    private static final float RP3 = 0.0038520467650444102f;
    private static final float RP4 = 0.00038192159258851175f;
    private static final float RP5 = 4.748407313656022e-06f;
    private static final float RP6 = -1.3519074910945242e-08f;
    private static final float RQ1 = 0.4973602170208701f;
    private static final float RQ2 = 0.11395802110504197f;
    private static final float RQ3 = 0.015474810298831286f;
    private static final float RQ4 = 0.001311202846503185f;
    private static final float RQ5 = 6.371707268027257e-05f;

    // log(1 + f) = f - f^2/2 + f^3 * L(f) for f in [sqrt(1/2) - 1, sqrt(2) - 1]
    private static final float L0 = 0.3333332886650769f;
    private static final float L1 = -0.25000300850057877f;
    private static final float L2 = 0.20001415335199063f;
    private static final float L3 = -0.16641976564531144f;
    private static final float L4 = 0.14203680033107804f;
    private static final float L5 = -0.12977225228222528f;
    private static final float L6 = 0.12701721110214048f;
    private static final float L7 = -0.08072055059933142f;
    private static final int SQRT_HALF_BITS = Float.floatToRawIntBits(0.70710677f);
    private static final float TWO_23 = 8388608f;

    // broadcast constants: vector constants keep C2's parse small (each broadcast call expands to many IR nodes)
    private static final FloatVector V_NEG_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
    private static final FloatVector V_NEG_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
    private static final FloatVector V_NEG_HALF = FloatVector.broadcast(S, -0.5f);
    private static final FloatVector V_NAN = FloatVector.broadcast(S, Float.NaN);
    private static final FloatVector V_0 = FloatVector.broadcast(S, 0f);
    private static final FloatVector V_1 = FloatVector.broadcast(S, 1f);
    private static final FloatVector V_23 = FloatVector.broadcast(S, 23f);
    private static final FloatVector V_E2 = FloatVector.broadcast(S, E2);
    private static final FloatVector V_E3 = FloatVector.broadcast(S, E3);
    private static final FloatVector V_E4 = FloatVector.broadcast(S, E4);
    private static final FloatVector V_E5 = FloatVector.broadcast(S, E5);
    private static final FloatVector V_E6 = FloatVector.broadcast(S, E6);
    private static final FloatVector V_EXP_HI = FloatVector.broadcast(S, EXP_HI);
    private static final FloatVector V_EXP_LO = FloatVector.broadcast(S, EXP_LO);
    private static final FloatVector V_NEGATIVE_INFINITY = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    private static final FloatVector V_L0 = FloatVector.broadcast(S, L0);
    private static final FloatVector V_L1 = FloatVector.broadcast(S, L1);
    private static final FloatVector V_L2 = FloatVector.broadcast(S, L2);
    private static final FloatVector V_L3 = FloatVector.broadcast(S, L3);
    private static final FloatVector V_L4 = FloatVector.broadcast(S, L4);
    private static final FloatVector V_L5 = FloatVector.broadcast(S, L5);
    private static final FloatVector V_L6 = FloatVector.broadcast(S, L6);
    private static final FloatVector V_L7 = FloatVector.broadcast(S, L7);
    private static final FloatVector V_LN2_HI = FloatVector.broadcast(S, LN2_HI);
    private static final FloatVector V_LN2_LO = FloatVector.broadcast(S, LN2_LO);
    private static final FloatVector V_LOG2E = FloatVector.broadcast(S, LOG2E);
    private static final FloatVector V_RP0 = FloatVector.broadcast(S, RP0);
    private static final FloatVector V_RP1 = FloatVector.broadcast(S, RP1);
    private static final FloatVector V_RP2 = FloatVector.broadcast(S, RP2);
    private static final FloatVector V_RP3 = FloatVector.broadcast(S, RP3);
    private static final FloatVector V_RP4 = FloatVector.broadcast(S, RP4);
    private static final FloatVector V_RP5 = FloatVector.broadcast(S, RP5);
    private static final FloatVector V_RP6 = FloatVector.broadcast(S, RP6);
    private static final FloatVector V_RQ1 = FloatVector.broadcast(S, RQ1);
    private static final FloatVector V_RQ2 = FloatVector.broadcast(S, RQ2);
    private static final FloatVector V_RQ3 = FloatVector.broadcast(S, RQ3);
    private static final FloatVector V_RQ4 = FloatVector.broadcast(S, RQ4);
    private static final FloatVector V_RQ5 = FloatVector.broadcast(S, RQ5);
    private static final FloatVector V_SHIFTER = FloatVector.broadcast(S, SHIFTER);
    private static final FloatVector V_TANH_MAX = FloatVector.broadcast(S, TANH_MAX);
    private static final FloatVector V_TANH_MIN = FloatVector.broadcast(S, -TANH_MAX);
    private static final FloatVector V_ERF_MAX = FloatVector.broadcast(S, ERF_MAX);
    private static final FloatVector V_ERF_MIN = FloatVector.broadcast(S, -ERF_MAX);
    private static final FloatVector V_TP0 = FloatVector.broadcast(S, TP0);
    private static final FloatVector V_TP1 = FloatVector.broadcast(S, TP1);
    private static final FloatVector V_TP2 = FloatVector.broadcast(S, TP2);
    private static final FloatVector V_TP3 = FloatVector.broadcast(S, TP3);
    private static final FloatVector V_TP4 = FloatVector.broadcast(S, TP4);
    private static final FloatVector V_TQ1 = FloatVector.broadcast(S, TQ1);
    private static final FloatVector V_TQ2 = FloatVector.broadcast(S, TQ2);
    private static final FloatVector V_TQ3 = FloatVector.broadcast(S, TQ3);
    private static final FloatVector V_TQ4 = FloatVector.broadcast(S, TQ4);

    private VectorMath() {
    }

    /** e^x, lane-wise. */
    public static FloatVector exp(FloatVector x) {
        FloatVector hi = V_EXP_HI;
        FloatVector lo = V_EXP_LO;
        // compare + blend (not MIN/MAX, whose Java NaN semantics cost extra instructions); NaN lanes stay NaN
        FloatVector xc = x.blend(hi, x.compare(VectorOperators.GT, hi)).blend(lo, x.compare(VectorOperators.LT, lo));
        FloatVector t = xc.fma(V_LOG2E, V_SHIFTER);
        FloatVector n = t.sub(SHIFTER);
        IntVector ni = t.reinterpretAsInts().sub(SHIFTER_BITS);
        FloatVector r = n.fma(V_NEG_LN2_HI, xc);
        r = n.fma(V_NEG_LN2_LO, r);
        FloatVector r2 = r.mul(r);
        FloatVector poly = r.fma(V_E6, V_E5);
        poly = poly.fma(r, V_E4);
        poly = poly.fma(r, V_E3);
        poly = poly.fma(r, V_E2);
        FloatVector p = poly.fma(r2, r).add(1f);
        // 2^n in two factors so that subnormal results (n < -126) round once, in the last multiply
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /** tanh(x), lane-wise. */
    public static FloatVector tanh(FloatVector x) {
        // clamp to ±9, where the rational rounds to exactly ±1 (checked by VectorMathTest); compare + blend keeps NaN
        x = x.blend(V_TANH_MAX, x.compare(VectorOperators.GT, V_TANH_MAX))
                .blend(V_TANH_MIN, x.compare(VectorOperators.LT, V_TANH_MIN));
        FloatVector s = x.mul(x);
        FloatVector p = s.fma(V_TP4, V_TP3);
        p = p.fma(s, V_TP2);
        p = p.fma(s, V_TP1);
        p = p.fma(s, V_TP0);
        FloatVector q = s.fma(V_TQ4, V_TQ3);
        q = q.fma(s, V_TQ2);
        q = q.fma(s, V_TQ1);
        q = q.fma(s, V_1);
        return x.mul(p).div(q);
    }

    /** erf(x), lane-wise. */
    public static FloatVector erf(FloatVector x) {
        x = x.blend(V_ERF_MAX, x.compare(VectorOperators.GT, V_ERF_MAX))
                .blend(V_ERF_MIN, x.compare(VectorOperators.LT, V_ERF_MIN));
        FloatVector s = x.mul(x);
        FloatVector p = s.fma(V_RP6, V_RP5);
        p = p.fma(s, V_RP4);
        p = p.fma(s, V_RP3);
        p = p.fma(s, V_RP2);
        p = p.fma(s, V_RP1);
        p = p.fma(s, V_RP0);
        FloatVector q = s.fma(V_RQ5, V_RQ4);
        q = q.fma(s, V_RQ3);
        q = q.fma(s, V_RQ2);
        q = q.fma(s, V_RQ1);
        q = q.fma(s, V_1);
        return x.mul(p).div(q);
    }

    /** 1 / (1 + e^−x), lane-wise. */
    public static FloatVector sigmoid(FloatVector x) {
        return V_1.div(exp(x.neg()).add(1f));
    }

    /** Natural logarithm, lane-wise. */
    public static FloatVector log(FloatVector x) {
        // subnormals: scale by 2^23 first
        VectorMask<Float> sub = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(TWO_23), sub);
        IntVector bits = xs.reinterpretAsInts();
        // split x = 2^e * m with m in [sqrt(1/2), sqrt(2)): subtract the bits of sqrt(1/2) so the exponent field
        // rolls over at sqrt(1/2) instead of at 1
        IntVector shifted = bits.sub(SQRT_HALF_BITS);
        IntVector e = shifted.lanewise(VectorOperators.ASHR, 23);
        IntVector mBits = shifted.and(0x007FFFFF).add(SQRT_HALF_BITS);
        FloatVector f = mBits.reinterpretAsFloats().sub(1f);
        FloatVector ef = ((FloatVector) e.convert(VectorOperators.I2F, 0)).sub(V_0.blend(V_23, sub));
        FloatVector f2 = f.mul(f);
        FloatVector l = f.fma(V_L7, V_L6);
        l = l.fma(f, V_L5);
        l = l.fma(f, V_L4);
        l = l.fma(f, V_L3);
        l = l.fma(f, V_L2);
        l = l.fma(f, V_L1);
        l = l.fma(f, V_L0);
        // log = e*ln2_hi + (f + (e*ln2_lo - f^2/2 + f^3*l))
        FloatVector tail = l.mul(f2).mul(f);
        tail = f2.fma(V_NEG_HALF, tail);
        tail = ef.fma(V_LN2_LO, tail);
        FloatVector y = ef.fma(V_LN2_HI, f.add(tail));
        // specials: x == 0 -> -Inf, x < 0 or NaN -> NaN, +Inf -> +Inf
        y = y.blend(V_NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        y = y.blend(V_NAN, x.compare(VectorOperators.LT, 0f).or(x.compare(VectorOperators.NE, x)));
        return y.blend(x, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
    }

    // --------------------------------------------------------------- scalar versions (same formulas, for tails)

    /** Scalar e^x with the same formula as {@link #exp}, for per-row scalars. */
    public static float exp(float x) {
        return exp(FloatVector.broadcast(S, x)).lane(0);
    }

    /** Scalar log with the same formula as {@link #log}. */
    public static float log(float x) {
        return log(FloatVector.broadcast(S, x)).lane(0);
    }
}
