package io.kiln.backend.simd;

import io.kiln.core.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Every activation and its derivative as a lane function, plus the single-pass loops over arrays. The forward
 * formulas avoid cancellation where a cheap rewrite exists: GELU-tanh as {@code x·σ(2u)} (equal to
 * {@code 0.5·x·(1 + tanh(u))}), SiLU and GELU-sigmoid as {@code x / (1 + e^−cx)}.
 *
 * <p>Error bounds (measured in {@code SimdBackendTest} against the float64 formulas, over random inputs and the
 * special values): ReLU and leaky ReLU exact; sigmoid and tanh as {@link VectorMath} (≤ 3 and ≤ 5 ulp); SiLU,
 * GELU-tanh, GELU-sigmoid ≤ 8·10^-7 relative + 2·10^-7 absolute (≤ 4 ulp where the result is a normal float; when
 * the exact result is below 2^-126 in magnitude, 0 may be returned); GELU-erf the same for x ≥ −1 and, below,
 * an absolute error ≤ 3·|x|·2^-24 (the 1 + erf(x/√2) form cancels near erf = −1: the form PyTorch evaluates in
 * float too). Derivatives: ≤ 10^-6 relative + 5·10^-7·|dy| absolute; the σ·(1 − σ) and 1 − tanh² factors are
 * computed as e/(1 + e)² with e = e^−|z|, so they keep full relative accuracy in the tails instead of cancelling.
 *
 * <p>JIT note: after its {@link VectorMath} functions (exp, erf), a lane function uses Vector API calls only, no
 * small helper of ours. C2 refuses to inline an ordinary method once the
 * compilation holds ~18 000 IR nodes ({@code NodeCountInliningCutoff}), which a Vector API exp plus the loop
 * around it reach; the JDK's {@code @ForceInline} Vector API methods are then inlined late instead, but a small
 * helper of ours placed after the exp is called, and every vector crossing that call is boxed (measured: the
 * GELU-tanh backward ran 2.4× slower in a training run and allocated 24 bytes per element, until the helper that
 * formed σ from e was written out).
 */
final class ActivationKernels {
    private static final float INV_SQRT2 = 0.70710678f;
    private static final float INV_SQRT_2PI = 0.39894228f;
    private static final float GT_C = Activation.GELU_TANH_C;
    private static final float GT_K = Activation.GELU_TANH_K;
    private static final float GS_K = Activation.GELU_SIGMOID_K;
    private static final float SLOPE = Activation.LEAKY_SLOPE;

    private ActivationKernels() {
    }

    // vector constants (not broadcast calls) keep C2's parse of the big backward kernels under its node cutoff
    private static final FloatVector V_ONE = FloatVector.broadcast(Lanes.S, 1f);
    private static final FloatVector V_HALF = FloatVector.broadcast(Lanes.S, 0.5f);
    private static final FloatVector V_GT_K = FloatVector.broadcast(Lanes.S, GT_K);
    private static final FloatVector V_3GT_K = FloatVector.broadcast(Lanes.S, 3f * GT_K);

    private static VectorMask<Float> isNaN(FloatVector x) {
        return x.compare(VectorOperators.NE, x);
    }

    // ------------------------------------------------------------------------------------------------ forward

    static FloatVector relu(FloatVector x) {
        return x.blend(0f, x.compare(VectorOperators.LE, 0f));
    }

    static FloatVector leakyRelu(FloatVector x) {
        return x.blend(x.mul(SLOPE), x.compare(VectorOperators.LE, 0f));
    }

    static FloatVector silu(FloatVector x) {
        return x.div(VectorMath.exp(x.neg()).add(1f));
    }

    static FloatVector geluErf(FloatVector x) {
        FloatVector half = x.mul(0.5f);
        return half.fma(VectorMath.erf(x.mul(INV_SQRT2)), half);
    }

    /** x·σ(2u) with u = c·(x + k·x³). */
    static FloatVector geluTanh(FloatVector x) {
        FloatVector u2 = x.mul(x).fma(V_GT_K, V_ONE).mul(x).mul(-2f * GT_C);
        return x.div(VectorMath.exp(u2).add(1f));
    }

    static FloatVector geluSigmoid(FloatVector x) {
        return x.div(VectorMath.exp(x.mul(-GS_K)).add(1f));
    }


    /** {@code y[yo..yo+n) = act(x[xo..xo+n))}, one pass ({@link ElementwiseLoops}). */
    static void forward(Activation act, float[] x, int xo, float[] y, int yo, int n) {
        switch (act) {
            case IDENTITY -> {
                if (x != y || xo != yo) {
                    System.arraycopy(x, xo, y, yo, n);
                }
            }
            case RELU -> ElementwiseLoops.relu(x, xo, y, yo, n);
            case LEAKY_RELU -> ElementwiseLoops.leakyRelu(x, xo, y, yo, n);
            case SIGMOID -> ElementwiseLoops.sigmoid(x, xo, y, yo, n);
            case TANH -> ElementwiseLoops.tanh(x, xo, y, yo, n);
            case SILU -> ElementwiseLoops.silu(x, xo, y, yo, n);
            case GELU_ERF -> ElementwiseLoops.geluErf(x, xo, y, yo, n);
            case GELU_TANH -> ElementwiseLoops.geluTanh(x, xo, y, yo, n);
            case GELU_SIGMOID -> ElementwiseLoops.geluSigmoid(x, xo, y, yo, n);
        }
    }

    // ----------------------------------------------------------------------------------------------- backward

    static FloatVector reluBackward(FloatVector x, FloatVector dy) {
        return dy.blend(0f, x.compare(VectorOperators.LE, 0f)).blend(x, isNaN(x));
    }

    static FloatVector leakyReluBackward(FloatVector x, FloatVector dy) {
        return dy.blend(dy.mul(SLOPE), x.compare(VectorOperators.LE, 0f)).blend(x, isNaN(x));
    }

    /**
     * σ'(z) = σ(z)·(1 − σ(z)) without cancellation: with e = e^−|z|, σ(|z|) = 1/(1 + e) and σ' = e/(1 + e)².
     */
    private static FloatVector sigmoidDerivative(FloatVector z) {
        FloatVector e = VectorMath.exp(z.abs().neg());
        FloatVector r = V_ONE.div(e.add(1f));
        return e.mul(r).mul(r);
    }

    static FloatVector sigmoidBackward(FloatVector x, FloatVector dy) {
        return sigmoidDerivative(x).mul(dy);
    }

    /** tanh'(x) = 1 − tanh² = 4e/(1 + e)² with e = e^−2|x| (no cancellation near ±1). */
    static FloatVector tanhBackward(FloatVector x, FloatVector dy) {
        return sigmoidDerivative(x.mul(2f)).mul(4f).mul(dy);
    }

    static FloatVector siluBackward(FloatVector x, FloatVector dy) {
        // s + x·s·(1 − s)
        FloatVector e = VectorMath.exp(x.abs().neg());
        FloatVector r = V_ONE.div(e.add(1f));
        FloatVector s = r.blend(e.mul(r), x.compare(VectorOperators.LT, 0f)); // σ(x) from e, written out (see class doc)
        FloatVector ds = e.mul(r).mul(r);
        return x.fma(ds, s).mul(dy);
    }

    static FloatVector geluErfBackward(FloatVector x, FloatVector dy) {
        FloatVector cdf = VectorMath.erf(x.mul(INV_SQRT2)).fma(V_HALF, V_HALF);
        FloatVector pdf = VectorMath.exp(x.mul(x).mul(-0.5f)).mul(INV_SQRT_2PI);
        return x.fma(pdf, cdf).mul(dy);
    }

    static FloatVector geluTanhBackward(FloatVector x, FloatVector dy) {
        FloatVector x2 = x.mul(x);
        FloatVector z = x2.fma(V_GT_K, V_ONE).mul(x).mul(2f * GT_C);       // 2u; σ(2u) = (1 + tanh u)/2
        FloatVector dz = x2.fma(V_3GT_K, V_ONE).mul(2f * GT_C);        // d(2u)/dx
        FloatVector e = VectorMath.exp(z.abs().neg());
        FloatVector r = V_ONE.div(e.add(1f));
        FloatVector s = r.blend(e.mul(r), z.compare(VectorOperators.LT, 0f)); // σ(z) from e, written out
        FloatVector ds = e.mul(r).mul(r);
        // s + x·σ'(2u)·d(2u)/dx
        return x.mul(ds).fma(dz, s).mul(dy);
    }

    static FloatVector geluSigmoidBackward(FloatVector x, FloatVector dy) {
        FloatVector z = x.mul(GS_K);
        FloatVector e = VectorMath.exp(z.abs().neg());
        FloatVector r = V_ONE.div(e.add(1f));
        FloatVector s = r.blend(e.mul(r), z.compare(VectorOperators.LT, 0f)); // σ(z) from e, written out
        FloatVector ds = e.mul(r).mul(r);
        return z.fma(ds, s).mul(dy);
    }


    /** {@code dx = act'(x)·dy} over [off, off + n), one pass ({@link ElementwiseLoops}). */
    static void backward(Activation act, float[] x, float[] dy, float[] dx, int off, int n) {
        switch (act) {
            case IDENTITY -> {
                if (dy != dx) {
                    System.arraycopy(dy, off, dx, off, n);
                }
            }
            case RELU -> ElementwiseLoops.reluBackward(x, dy, dx, off, n);
            case LEAKY_RELU -> ElementwiseLoops.leakyReluBackward(x, dy, dx, off, n);
            case SIGMOID -> ElementwiseLoops.sigmoidBackward(x, dy, dx, off, n);
            case TANH -> ElementwiseLoops.tanhBackward(x, dy, dx, off, n);
            case SILU -> ElementwiseLoops.siluBackward(x, dy, dx, off, n);
            case GELU_ERF -> ElementwiseLoops.geluErfBackward(x, dy, dx, off, n);
            case GELU_TANH -> ElementwiseLoops.geluTanhBackward(x, dy, dx, off, n);
            case GELU_SIGMOID -> ElementwiseLoops.geluSigmoidBackward(x, dy, dx, off, n);
        }
    }
}
