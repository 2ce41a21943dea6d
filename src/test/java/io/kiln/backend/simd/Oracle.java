package io.kiln.backend.simd;

import io.kiln.core.Activation;
import io.kiln.core.DoubleMath;

/**
 * The float64 formulas the SIMD kernels are checked against: {@link DoubleMath}, the same functions the reference
 * backend evaluates (themselves checked against PyTorch's values by the golden-vector tests), plus the ulp distance.
 * The SIMD kernels share no code with them (their own polynomials, in float).
 */
final class Oracle {
    private Oracle() {
    }

    static double erf(double x) {
        return DoubleMath.erf(x);
    }

    static double sigmoid(double x) {
        return DoubleMath.sigmoid(x);
    }

    static double act(Activation a, double x) {
        return DoubleMath.activation(a, x);
    }

    static double deriv(Activation a, double x) {
        return DoubleMath.derivative(a, x);
    }

    /** Distance in ulp of the float {@code actual} from the exact {@code expected} (0 when both NaN or equal). */
    static double ulpError(double expected, float actual) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
            return expected == actual ? 0 : ((float) expected == actual ? 0 : Double.POSITIVE_INFINITY);
        }
        float rounded = (float) expected;
        if (Float.isInfinite(rounded)) {
            return actual == rounded ? 0 : Double.POSITIVE_INFINITY;
        }
        // ulp of the exact value's float neighbourhood (subnormal spacing below 2^-126)
        double ulp = Math.ulp(Math.max(Math.abs(rounded), Float.MIN_NORMAL));
        if (Math.abs(rounded) < Float.MIN_NORMAL) {
            ulp = Float.MIN_VALUE;
        }
        return Math.abs(actual - expected) / ulp;
    }
}
