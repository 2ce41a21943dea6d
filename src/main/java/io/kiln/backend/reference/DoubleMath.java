package io.kiln.backend.reference;

import io.kiln.core.Activation;

/**
 * Float64 definitions of every activation, its derivative and the primitives Java lacks (erf). These are the
 * oracle's formulas: written for clarity and accuracy (well under one float ulp), not speed.
 */
public final class DoubleMath {
    /** √(2/π), the GELU tanh constant in full precision (the catalog writes it 0.79788456). */
    public static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private DoubleMath() {
    }

    /**
     * The error function. |x| &lt; 3: its Maclaurin series (the largest term is ~1e3, so ~1e-13 relative error);
     * |x| &ge; 3: 1 − erfc(x) with erfc from its continued fraction (modified Lentz), which converges fast there.
     */
    public static double erf(double x) {
        if (Double.isNaN(x) || x == 0) {
            return x; // erf(±0) = ±0 (the series below would lose the sign and never meet its stopping test)
        }
        double ax = Math.abs(x);
        if (ax < 3.0) {
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return TWO_OVER_SQRT_PI * sum;
        }
        double r = 1.0 - erfcContinuedFraction(ax);
        return x < 0 ? -r : r;
    }

    /** erfc(x) for x &ge; 3 by the continued fraction erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))). */
    private static double erfcContinuedFraction(double x) {
        if (x > 27) {
            return 0.0;
        }
        double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int n = 1; n < 500; n++) {
            double an = n / 2.0;
            d = x + an * d;
            d = d == 0 ? tiny : d;
            c = x + an / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    public static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /** The activation's value at x. */
    public static double activation(Activation act, double x) {
        return switch (act) {
            case IDENTITY -> x;
            case RELU -> Double.isNaN(x) ? x : (x > 0 ? x : 0.0);
            case LEAKY_RELU -> x > 0 ? x : Activation.LEAKY_SLOPE * x;
            case SIGMOID -> sigmoid(x);
            case TANH -> Math.tanh(x);
            case SILU -> x * sigmoid(x);
            case GELU_ERF -> 0.5 * x * (1.0 + erf(x * INV_SQRT_2));
            case GELU_TANH -> 0.5 * x * (1.0 + Math.tanh(SQRT_2_OVER_PI * (x + Activation.GELU_TANH_K * x * x * x)));
            case GELU_SIGMOID -> x * sigmoid(Activation.GELU_SIGMOID_K * x);
        };
    }

    /** The activation's derivative at x (ReLU's at 0 is 0, leaky ReLU's at 0 is the slope, as PyTorch). */
    public static double derivative(Activation act, double x) {
        return switch (act) {
            case IDENTITY -> 1.0;
            case RELU -> Double.isNaN(x) ? x : (x > 0 ? 1.0 : 0.0);
            case LEAKY_RELU -> Double.isNaN(x) ? x : (x > 0 ? 1.0 : Activation.LEAKY_SLOPE);
            case SIGMOID -> {
                double s = sigmoid(x);
                yield s * (1 - s);
            }
            case TANH -> {
                double t = Math.tanh(x);
                yield 1 - t * t;
            }
            case SILU -> {
                double s = sigmoid(x);
                yield s * (1 + x * (1 - s));
            }
            case GELU_ERF -> 0.5 * (1.0 + erf(x * INV_SQRT_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
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
}
