package io.kiln.graph.codegen;

import io.kiln.core.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API building blocks of fused elementwise kernels over {@link FloatVector}s of the preferred species: the
 * transcendentals and activations the generated kernels ({@link FusedKernelCompiler}) call (they emit loads,
 * stores and plain arithmetic as direct Vector API calls), and the few helpers {@link VectorInterpreter} uses.
 *
 * <p>Accuracy: the generated kernels' add/sub/mul/div/sqrt are correctly rounded; exp (≤ 2 ulp), log (≤ 2 ulp) and tanh (≤ 5 ulp) are the
 * simd backend's register-resident polynomials ({@link io.kiln.backend.simd.VectorMath}, bounds tested there), not
 * {@code lanewise(EXP/TANH)}, which calls out to SVML stubs and measured 2x slower inside a fused GELU loop; erf is a
 * polynomial fitted here (two pieces, Chebyshev least squares in float64, Horner with FMA in float): within 3 float
 * ulp (2.8e-7 relative for |x| &lt; 1, 8e-8 absolute above); activations are their formulas of {@link Activation}
 * evaluated in float.
 */
public final class VectorMath {
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    public static final int LANES = SPECIES.length();

    private VectorMath() {
    }

    // ------------------------------------------------------------------------------------------ memory

    public static FloatVector load(float[] a, int i) {
        return FloatVector.fromArray(SPECIES, a, i);
    }

    public static FloatVector broadcast(float v) {
        return FloatVector.broadcast(SPECIES, v);
    }

    // ------------------------------------------------------------------------------------------ primitives

    public static FloatVector exp(FloatVector a) {
        return io.kiln.backend.simd.VectorMath.exp(a);
    }

    public static FloatVector log(FloatVector a) {
        return io.kiln.backend.simd.VectorMath.log(a);
    }

    public static FloatVector tanh(FloatVector a) {
        return io.kiln.backend.simd.VectorMath.tanh(a);
    }

    public static FloatVector reciprocal(FloatVector a) {
        return broadcast(1f).div(a);
    }

    public static FloatVector square(FloatVector a) {
        return a.mul(a);
    }

    /** erf: x·P(x²) below |x| = 1, a degree-12 polynomial in |x| − 2.5 up to 4, ±1 beyond; NaN stays NaN. */
    public static FloatVector erf(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector s = x.mul(x);
        FloatVector p = broadcast(-0.0005654105916619301f).fma(s, broadcast(0.004923277534544468f));
        p = p.fma(s, broadcast(-0.026716385036706924f));
        p = p.fma(s, broadcast(0.11280364543199539f));
        p = p.fma(s, broadcast(-0.37612348794937134f));
        p = p.fma(s, broadcast(1.1283791065216064f));
        FloatVector small = p.mul(x);
        FloatVector t = ax.sub(2.5f);
        FloatVector q = broadcast(-8.709440407983493e-06f).fma(t, broadcast(2.1406009182101116e-05f));
        q = q.fma(t, broadcast(5.941381095908582e-05f));
        q = q.fma(t, broadcast(-0.00028087192913517356f));
        q = q.fma(t, broadcast(0.0002919994294643402f));
        q = q.fma(t, broadcast(0.0005742026842199266f));
        q = q.fma(t, broadcast(-0.0028237542137503624f));
        q = q.fma(t, broadcast(0.0061000254936516285f));
        q = q.fma(t, broadcast(-0.008612779900431633f));
        q = q.fma(t, broadcast(0.008354324847459793f));
        q = q.fma(t, broadcast(-0.005447070114314556f));
        q = q.fma(t, broadcast(0.0021779793314635754f));
        q = q.fma(t, broadcast(0.9995930790901184f));
        q = q.min(1f);
        FloatVector large = q.blend(broadcast(1f), ax.compare(VectorOperators.GE, 4f));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        return small.blend(large, ax.compare(VectorOperators.GE, 1f));
    }

    // ------------------------------------------------------------------------------------------ activations

    private static final float SQRT_2_OVER_PI = Activation.GELU_TANH_C;
    private static final float INV_SQRT_2 = 0.70710678f;
    private static final float INV_SQRT_2PI = 0.39894228f;

    public static FloatVector identity(FloatVector x) {
        return x;
    }

    public static FloatVector relu(FloatVector x) {
        return x.max(0f);
    }

    public static FloatVector leakyRelu(FloatVector x) {
        return x.mul(Activation.LEAKY_SLOPE).blend(x, x.compare(VectorOperators.GT, 0f));
    }

    public static FloatVector sigmoid(FloatVector x) {
        return broadcast(1f).div(exp(x.neg()).add(1f));
    }

    public static FloatVector silu(FloatVector x) {
        return x.mul(sigmoid(x));
    }

    public static FloatVector geluErf(FloatVector x) {
        return x.mul(0.5f).mul(erf(x.mul(INV_SQRT_2)).add(1f));
    }

    /** x·σ(2u) = 0.5·x·(1 + tanh u), u = √(2/π)·(x + 0.044715·x³): one exp, accurate in both tails. */
    public static FloatVector geluTanh(FloatVector x) {
        FloatVector u = x.mul(x).mul(Activation.GELU_TANH_K).add(1f).mul(x).mul(SQRT_2_OVER_PI);
        return x.mul(sigmoid(u.mul(2f)));
    }

    public static FloatVector geluSigmoid(FloatVector x) {
        return x.mul(sigmoid(x.mul(Activation.GELU_SIGMOID_K)));
    }

    // ------------------------------------------------------------------------------------------ derivatives · dy

    public static FloatVector identityBackward(FloatVector x, FloatVector dy) {
        return dy;
    }

    public static FloatVector reluBackward(FloatVector x, FloatVector dy) {
        FloatVector d = broadcast(0f).blend(dy, x.compare(VectorOperators.GT, 0f));
        return d.blend(x, x.test(VectorOperators.IS_NAN));
    }

    public static FloatVector leakyReluBackward(FloatVector x, FloatVector dy) {
        FloatVector d = dy.mul(Activation.LEAKY_SLOPE).blend(dy, x.compare(VectorOperators.GT, 0f));
        return d.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** σ(x)(1 − σ(x)) = e·σ², e = e^(−x) (x clamped at −40 so e stays finite): no cancellation for large x. */
    public static FloatVector sigmoidBackward(FloatVector x, FloatVector dy) {
        FloatVector e = exp(x.max(-40f).neg());
        FloatVector s = broadcast(1f).div(e.add(1f));
        return e.mul(s).mul(s).mul(dy);
    }

    public static FloatVector tanhBackward(FloatVector x, FloatVector dy) {
        FloatVector t = tanh(x);
        return broadcast(1f).sub(t.mul(t)).mul(dy);
    }

    public static FloatVector siluBackward(FloatVector x, FloatVector dy) {
        FloatVector s = sigmoid(x);
        return s.mul(x.mul(broadcast(1f).sub(s)).add(1f)).mul(dy);
    }

    public static FloatVector geluErfBackward(FloatVector x, FloatVector dy) {
        FloatVector cdf = erf(x.mul(INV_SQRT_2)).add(1f).mul(0.5f);
        FloatVector pdf = exp(x.mul(x).mul(-0.5f)).mul(INV_SQRT_2PI);
        return x.mul(pdf).add(cdf).mul(dy);
    }

    /**
     * With s = σ(2u) and e = e^(−2u): d/dx = s + 2x·s(1 − s)·u′, s(1 − s) = e·s² (no 1 − t² cancellation where
     * tanh u is near ±1), u′ = √(2/π)·(1 + 3·0.044715·x²); u is clamped at −40 so e stays finite.
     */
    public static FloatVector geluTanhBackward(FloatVector x, FloatVector dy) {
        FloatVector x2 = x.mul(x);
        FloatVector u = x2.mul(Activation.GELU_TANH_K).add(1f).mul(x).mul(SQRT_2_OVER_PI).max(-40f);
        FloatVector e = exp(u.mul(-2f));
        FloatVector s = broadcast(1f).div(e.add(1f));
        FloatVector inner = x2.mul(3 * Activation.GELU_TANH_K).add(1f).mul(SQRT_2_OVER_PI);
        FloatVector d = x.mul(2f).mul(e.mul(s).mul(s)).mul(inner).add(s);
        return d.mul(dy);
    }

    public static FloatVector geluSigmoidBackward(FloatVector x, FloatVector dy) {
        float c = Activation.GELU_SIGMOID_K;
        FloatVector s = sigmoid(x.mul(c));
        return s.add(x.mul(c).mul(s).mul(broadcast(1f).sub(s))).mul(dy);
    }

    /** The method name of an activation's forward helper ({@code geluTanh}). */
    static String forwardName(Activation a) {
        return switch (a) {
            case IDENTITY -> "identity";
            case RELU -> "relu";
            case LEAKY_RELU -> "leakyRelu";
            case SIGMOID -> "sigmoid";
            case TANH -> "tanh";
            case SILU -> "silu";
            case GELU_ERF -> "geluErf";
            case GELU_TANH -> "geluTanh";
            case GELU_SIGMOID -> "geluSigmoid";
        };
    }

    static FloatVector activation(Activation a, FloatVector x) {
        return switch (a) {
            case IDENTITY -> x;
            case RELU -> relu(x);
            case LEAKY_RELU -> leakyRelu(x);
            case SIGMOID -> sigmoid(x);
            case TANH -> tanh(x);
            case SILU -> silu(x);
            case GELU_ERF -> geluErf(x);
            case GELU_TANH -> geluTanh(x);
            case GELU_SIGMOID -> geluSigmoid(x);
        };
    }

    static FloatVector activationBackward(Activation a, FloatVector x, FloatVector dy) {
        return switch (a) {
            case IDENTITY -> dy;
            case RELU -> reluBackward(x, dy);
            case LEAKY_RELU -> leakyReluBackward(x, dy);
            case SIGMOID -> sigmoidBackward(x, dy);
            case TANH -> tanhBackward(x, dy);
            case SILU -> siluBackward(x, dy);
            case GELU_ERF -> geluErfBackward(x, dy);
            case GELU_TANH -> geluTanhBackward(x, dy);
            case GELU_SIGMOID -> geluSigmoidBackward(x, dy);
        };
    }
}
