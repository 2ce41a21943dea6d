package io.kiln.backend.simd;

import io.kiln.core.Activation;

/**
 * Float64 formulas the SIMD kernels are checked against, written independently of the backend (and of the reference
 * backend, so these tests do not depend on it).
 */
final class Oracle {
    static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private Oracle() {
    }

    /** erf by its Taylor series for |x| < 2.5 and by erfc's continued fraction beyond (both ~1e-15 relative). */
    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < 2.5) {
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n < 300; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-18 * Math.abs(sum)) {
                    break;
                }
            }
            return 2.0 / Math.sqrt(Math.PI) * sum;
        }
        if (ax > 10) {
            return Math.signum(x);
        }
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated bottom-up
        double f = 0;
        for (int n = 200; n >= 1; n--) {
            f = (n / 2.0) / (ax + f);
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        return Math.copySign(1.0 - erfc, x);
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    static double act(Activation a, double x) {
        return switch (a) {
            case IDENTITY -> x;
            case RELU -> Double.isNaN(x) ? x : (x > 0 ? x : 0.0);
            case LEAKY_RELU -> x > 0 ? x : Activation.LEAKY_SLOPE * x;
            case SIGMOID -> sigmoid(x);
            case TANH -> Math.tanh(x);
            case SILU -> x * sigmoid(x);
            case GELU_ERF -> 0.5 * x * (1.0 + erf(x / Math.sqrt(2.0)));
            case GELU_TANH -> 0.5 * x * (1.0 + Math.tanh(SQRT_2_OVER_PI * (x + Activation.GELU_TANH_K * x * x * x)));
            case GELU_SIGMOID -> x * sigmoid(Activation.GELU_SIGMOID_K * x);
        };
    }

    static double deriv(Activation a, double x) {
        return switch (a) {
            case IDENTITY -> 1.0;
            case RELU -> Double.isNaN(x) ? x : (x > 0 ? 1.0 : 0.0);
            case LEAKY_RELU -> Double.isNaN(x) ? x : (x > 0 ? 1.0 : Activation.LEAKY_SLOPE);
            case SIGMOID -> sigmoid(x) * (1 - sigmoid(x));
            case TANH -> 1 - Math.tanh(x) * Math.tanh(x);
            case SILU -> sigmoid(x) * (1 + x * (1 - sigmoid(x)));
            case GELU_ERF -> 0.5 * (1.0 + erf(x / Math.sqrt(2.0)))
                    + x / Math.sqrt(2.0 * Math.PI) * Math.exp(-0.5 * x * x);
            case GELU_TANH -> {
                double k = Activation.GELU_TANH_K;
                double t = Math.tanh(SQRT_2_OVER_PI * (x + k * x * x * x));
                yield 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * k * x * x);
            }
            case GELU_SIGMOID -> {
                double c = Activation.GELU_SIGMOID_K;
                double s = sigmoid(c * x);
                yield s + c * x * s * (1 - s);
            }
        };
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
