package io.kiln.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An element passes when {@code |actual − expected| <= atol + rtol·|expected|}, or both are NaN, or both are the
 * same infinity. Every tolerance used by the shared suites is a named constant here with the reason for its size.
 */
public record Tolerance(double atol, double rtol, String reason) {

    /** Float ulp at 1 is 2^-23 ≈ 1.2e-7; a handful of float roundings in a formula stay within a few of them. */
    public static final Tolerance ELEMENTWISE = new Tolerance(1e-6, 4e-6,
            "float kernels evaluating a formula with float intermediates: a few ulp relative (4e-6 ≈ 32 ulp covers "
                    + "vector polynomial exp/tanh/erf approximations), plus 1e-6 absolute for the cancellation "
                    + "regions (0.5·x·(1 + tanh u) near x ≈ −5..−16 loses ~|x|·2^-24 absolutely)");

    /** Activation derivatives combine two or three approximated transcendentals. */
    public static final Tolerance DERIVATIVE = new Tolerance(2e-6, 1e-5,
            "derivatives combine up to three float approximations (tanh, exp, erf) and products; 1e-5 relative, "
                    + "2e-6 absolute where the derivative crosses zero (GELU near x ≈ −0.75)");

    public static final Tolerance SOFTMAX = new Tolerance(1e-7, 1e-5,
            "sums of up to 50 000 exps accumulated in float lanes: relative error grows ~√n·2^-24; 1e-5 relative, "
                    + "1e-7 absolute for probabilities near 0");

    public static final Tolerance LOG_SOFTMAX = new Tolerance(2e-5, 1e-5,
            "x − max − log(Σ) subtracts numbers up to |x|; the log-sum's float error (~1e-6 relative) adds to it");

    public static final Tolerance LOSS = new Tolerance(1e-6, 2e-5,
            "a mean of up to 64 000 float terms, accumulated in float lanes by fast backends");

    public static final Tolerance OPTIMIZER = new Tolerance(1e-6, 1e-5,
            "states kept in float32 between steps (PyTorch's golden values kept float64 within a step); Adam's "
                    + "m/(√v + eps) amplifies the float error of v by ~1/2");

    /** Reductions of up to ~1e6 elements in float lanes. */
    public static final Tolerance REDUCTION = new Tolerance(1e-5, 1e-5,
            "sums accumulated in float lanes (pairwise over vector lanes and tiles): relative error ~√n·2^-24");

    /**
     * Probabilities checked relative to their own size, so the many tiny ones of a 50 000-column row are checked
     * too (SOFTMAX's 1e-7 absolute floor would pass anything below it).
     */
    public static final Tolerance PROBABILITY = new Tolerance(1e-30, 2e-5,
            "exp(x − max) or exp(x − lse) in float: the argument's rounding is ≤ ulp(30) ≈ 2e-6 absolute, so ≤ 2e-6 "
                    + "relative after exp, plus a few ulp for exp itself and the row sum's ~√n·2^-24 ≈ 1.3e-5 at "
                    + "n = 50 000 in float lanes; 1e-30 absolute only so a flushed denormal passes");

    public static final Tolerance CLIP_GRAD_NORM = new Tolerance(1e-9, 1e-5,
            "every grad is scaled by one coefficient max_norm/(norm + 1e-6), whose relative error is the norm's "
                    + "(half the sum of squares', ≤ 5e-6 under REDUCTION), plus one float rounding of the product");

    /** The reference's backward kernels against central differences of a float64 forward (GradientCheckTest). */
    public static final Tolerance REFERENCE_GRADIENT = new Tolerance(1e-9, 2e-7,
            "a float64 formula on float inputs rounded once to float errs by ≤ 2^-24 ≈ 6e-8 relative; float64 "
                    + "central differences with h = 1e-5·max(1, |x|) err by ~h²·|f'''| + 1e-16·|f|/h ≈ 1e-10");

    public static final Tolerance REFERENCE_ROW_GRADIENT = new Tolerance(2e-7, 1e-6,
            "softmax/log-softmax backward read the forward output y rounded to float (≤ 6e-8 relative, so exp(y) "
                    + "errs by ≤ 6e-8·|y|); Σ dy·y carries that into every dx of the row, ~1.2e-7·|y| absolute "
                    + "where dy − Σ cancels");

    public void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertClose(what + "[" + i + "]", expected[i], actual[i]);
        }
    }

    public void assertClose(String what, double expected, double actual) {
        if (!close(expected, actual)) {
            fail(what + ": expected " + expected + " but got " + actual + " (|diff| " + Math.abs(expected - actual)
                    + " > " + atol + " + " + rtol + "·|expected|; tolerance: " + reason + ")");
        }
    }

    public boolean close(double expected, double actual) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual);
        }
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
            return expected == actual;
        }
        return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }
}
