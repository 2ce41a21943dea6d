package io.kiln.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.Activation;
import org.junit.jupiter.api.Test;

class DoubleMathTest {

    /**
     * DoubleMath.erf's documented accuracy is ~1e-13 (its Maclaurin series near |x| = 3 adds terms up to ~1e3);
     * measured against the C library's erf over [−6, 6] in steps of 1e-4 the worst error was 7.4e-14 (at
     * x = −2.9491). Six orders of magnitude below a float ulp, which is what the oracle needs.
     */
    private static final double ERF_TOL = 2e-13;

    @Test
    void erfKnownValues() {
        double[][] known = {
                {0, 0}, {1e-10, 1.1283791670955126e-10}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465},
                {1, 0.8427007929497149}, {1.5, 0.9661051464753108}, {2, 0.9953222650189527},
                {2.5, 0.999593047982555}, {2.9999, 0.9999778955735178}, {3, 0.9999779095030014},
                {3.0001, 0.9999779234241298}, {3.5, 0.9999992569016276}, {4, 0.9999999845827421},
                {5, 0.9999999999984626}, {6, 1.0}, {-1, -0.8427007929497149}, {-0.5, -0.5204998778130465},
                {-3.5, -0.9999992569016276}};
        for (double[] k : known) {
            assertEquals(k[1], DoubleMath.erf(k[0]), ERF_TOL * Math.max(1e-10, Math.abs(k[1])) + 1e-300,
                    "erf(" + k[0] + ")");
        }
        // tiny arguments: erf(x) ≈ 2x/√π to full precision
        assertEquals(2e-300 / Math.sqrt(Math.PI), DoubleMath.erf(1e-300), 1e-315);
    }

    @Test
    void erfSpecialValues() {
        assertEquals(1.0, DoubleMath.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, DoubleMath.erf(Double.NEGATIVE_INFINITY));
        assertEquals(1.0, DoubleMath.erf(30));
        assertTrue(Double.isNaN(DoubleMath.erf(Double.NaN)));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(DoubleMath.erf(-0.0)), "erf(-0) = -0");
    }

    @Test
    void erfIsOddMonotoneAndContinuousAtTheBranchSwitch() {
        double prev = DoubleMath.erf(-7);
        for (int i = -70_000; i <= 70_000; i++) {
            double x = i * 1e-4;
            double y = DoubleMath.erf(x);
            assertEquals(-y, DoubleMath.erf(-x), "odd at " + x);
            assertTrue(y >= prev, "non-decreasing at " + x + ": " + prev + " then " + y);
            assertTrue(Math.abs(y) <= 1, "|erf| <= 1 at " + x);
            prev = y;
        }
        // series below 3, continued fraction from 3: no jump across the switch
        double below = DoubleMath.erf(Math.nextDown(3.0));
        double at = DoubleMath.erf(3.0);
        double slope = 2 / Math.sqrt(Math.PI) * Math.exp(-9);
        assertEquals(at - slope * Math.ulp(3.0), below, ERF_TOL);
    }

    @Test
    void activationValues() {
        double tol = 1e-15;
        assertEquals(0.5, DoubleMath.activation(Activation.SIGMOID, 0));
        assertEquals(0.8807970779778823, DoubleMath.activation(Activation.SIGMOID, 2), tol);
        assertEquals(0.46211715726000974, DoubleMath.activation(Activation.TANH, 0.5), tol);
        assertEquals(0.7310585786300049, DoubleMath.activation(Activation.SILU, 1), tol);
        assertEquals(-0.14227761953270035, DoubleMath.activation(Activation.SILU, -3), tol);
        assertEquals(0.8413447460685429, DoubleMath.activation(Activation.GELU_ERF, 1), tol);
        assertEquals(-0.04550026389635842, DoubleMath.activation(Activation.GELU_ERF, -2), 1e-14);
        // the catalog's GELU-tanh cubic coefficient is the float 0.044715f (as PyTorch's float kernels use it)
        assertEquals(0.8411919902786764, DoubleMath.activation(Activation.GELU_TANH, 1), tol);
        assertEquals(-0.04540230678804613, DoubleMath.activation(Activation.GELU_TANH, -2), 1e-14);
        // the catalog's GELU-sigmoid constant is the float 1.702f
        assertEquals(0.8457957687936359, DoubleMath.activation(Activation.GELU_SIGMOID, 1), tol);
        assertEquals(-0.10833779824586577, DoubleMath.activation(Activation.GELU_SIGMOID, -1.5), tol);
        assertEquals(3.0, DoubleMath.activation(Activation.RELU, 3));
        assertEquals(0.0, DoubleMath.activation(Activation.RELU, -3));
        assertEquals(-2 * (double) Activation.LEAKY_SLOPE, DoubleMath.activation(Activation.LEAKY_RELU, -2));
        assertEquals(-7.5, DoubleMath.activation(Activation.IDENTITY, -7.5));
        for (Activation act : Activation.values()) {
            assertTrue(Double.isNaN(DoubleMath.activation(act, Double.NaN)), act + "(NaN)");
        }
    }

    @Test
    void derivativesAtTheKinksFollowPyTorch() {
        assertEquals(0.0, DoubleMath.derivative(Activation.RELU, 0), "relu'(0) = 0");
        assertEquals(0.0, DoubleMath.derivative(Activation.RELU, -0.0));
        assertEquals(1.0, DoubleMath.derivative(Activation.RELU, 1e-30));
        assertEquals(Activation.LEAKY_SLOPE, DoubleMath.derivative(Activation.LEAKY_RELU, 0), 0.0,
                "leaky_relu'(0) = slope");
        assertEquals(0.25, DoubleMath.derivative(Activation.SIGMOID, 0));
        assertEquals(1.0, DoubleMath.derivative(Activation.TANH, 0));
        assertEquals(0.5, DoubleMath.derivative(Activation.SILU, 0));
        assertEquals(0.5, DoubleMath.derivative(Activation.GELU_ERF, 0));
        assertEquals(0.5, DoubleMath.derivative(Activation.GELU_TANH, 0));
        assertEquals(0.5, DoubleMath.derivative(Activation.GELU_SIGMOID, 0));
        assertEquals(1.0, DoubleMath.derivative(Activation.IDENTITY, Double.NaN));
        for (Activation act : Activation.values()) {
            if (act != Activation.IDENTITY) {
                assertTrue(Double.isNaN(DoubleMath.derivative(act, Double.NaN)), act + "'(NaN)");
            }
        }
    }
}
