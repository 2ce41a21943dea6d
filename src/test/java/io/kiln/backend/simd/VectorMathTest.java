package io.kiln.backend.simd;

import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Maximum error in ulp of each {@link VectorMath} function against float64, over a dense sweep of every float
 * exponent (every 2003rd bit pattern of each sign: ~2.1 million values) plus ±0, subnormals, ±huge, ±Inf and NaN.
 * The bounds asserted here are the ones documented in {@link VectorMath}'s javadoc.
 */
class VectorMathTest {
    private static final int STEP = 2003;

    private static float[] samples() {
        int perSign = 0x7F800000 / STEP + 1;
        float[] xs = new float[2 * perSign + 16];
        int k = 0;
        for (int bits = 0; bits <= 0x7F800000 - STEP; bits += STEP) {
            xs[k++] = Float.intBitsToFloat(bits);
            xs[k++] = -Float.intBitsToFloat(bits);
        }
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, -1e-30f,
            Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1f, -1f,
            88.72f, -103.9f};
        for (float s : special) {
            xs[k++] = s;
        }
        return java.util.Arrays.copyOf(xs, k);
    }

    private static final float[] XS = samples();

    /** One of the {@link ElementwiseLoops} unary loops. */
    @FunctionalInterface
    interface Loop {
        void run(float[] x, int xo, float[] y, int yo, int n);
    }

    /** Max ulp error of f over the samples with |result| >= minResult (and every special value checked exactly). */
    private static double maxUlp(Loop f, DoubleUnaryOperator exact, double minResult, String name) {
        float[] y = new float[XS.length];
        f.run(XS, 0, y, 0, XS.length);
        double worst = 0;
        float worstX = 0;
        for (int i = 0; i < XS.length; i++) {
            double e = exact.applyAsDouble(XS[i]);
            if (!(Math.abs(e) >= minResult) && !Double.isNaN(e) && e != 0) {
                continue;
            }
            double u = Oracle.ulpError(e, y[i]);
            if (u > worst) {
                worst = u;
                worstX = XS[i];
            }
        }
        System.out.printf("VectorMath.%s: max error %.2f ulp at x = %s (%d samples)%n", name, worst, worstX,
                XS.length);
        return worst;
    }

    @Test
    void expWithinTwoUlp() {
        assertTrue(maxUlp(ElementwiseLoops::exp, Math::exp, 0, "exp") <= 2.0);
    }

    @Test
    void logWithinTwoUlp() {
        assertTrue(maxUlp(ElementwiseLoops::log, Math::log, 0, "log") <= 2.0);
    }

    @Test
    void tanhWithinFiveUlp() {
        assertTrue(maxUlp(ElementwiseLoops::tanh, Math::tanh, 0, "tanh") <= 5.0);
    }

    @Test
    void erfWithinSixUlp() {
        assertTrue(maxUlp(ElementwiseLoops::erf, Oracle::erf, 0, "erf") <= 6.0);
    }

    @Test
    void sigmoidWithinThreeUlpWhereNormal() {
        assertTrue(maxUlp(ElementwiseLoops::sigmoid, Oracle::sigmoid, Float.MIN_NORMAL, "sigmoid") <= 3.0);
    }

    @Test
    void specialValues() {
        float[] x = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, -1f, 1e-45f};
        float[] y = new float[x.length];
        ElementwiseLoops.exp(x, 0, y, 0, x.length);
        assertEquals(1f, y[0]);
        assertEquals(1f, y[1]);
        assertEquals(Float.POSITIVE_INFINITY, y[2]);
        assertEquals(0f, y[3]);
        assertTrue(Float.isNaN(y[4]));
        ElementwiseLoops.log(x, 0, y, 0, x.length);
        assertEquals(Float.NEGATIVE_INFINITY, y[0]);
        assertEquals(Float.NEGATIVE_INFINITY, y[1]);
        assertEquals(Float.POSITIVE_INFINITY, y[2]);
        assertTrue(Float.isNaN(y[3]));
        assertTrue(Float.isNaN(y[4]));
        assertTrue(Float.isNaN(y[5]));
        assertEquals(Math.log(1e-45f), y[6], 1e-4);
        ElementwiseLoops.tanh(x, 0, y, 0, x.length);
        assertEquals(0f, y[0]);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[1]));
        assertEquals(1f, y[2]);
        assertEquals(-1f, y[3]);
        assertTrue(Float.isNaN(y[4]));
        assertEquals(1e-45f, y[6]);
        ElementwiseLoops.erf(x, 0, y, 0, x.length);
        assertEquals(0f, y[0]);
        assertEquals(1f, y[2]);
        assertEquals(-1f, y[3]);
        assertTrue(Float.isNaN(y[4]));
    }

    @Test
    void tanhAndErfSaturateToExactlyOneAtTheirClamp() {
        float[] x = {9f, -9f, 9.5f, 1e30f, -1e30f, 4f, -4f, 4.5f, Float.MAX_VALUE, -Float.MAX_VALUE};
        float[] y = new float[x.length];
        ElementwiseLoops.tanh(x, 0, y, 0, x.length);
        for (int i = 0; i < 5; i++) {
            assertEquals(Math.signum(x[i]), y[i], "tanh(" + x[i] + ")");
        }
        ElementwiseLoops.erf(x, 0, y, 0, x.length);
        for (int i = 3; i < x.length; i++) {
            assertEquals(Math.signum(x[i]), y[i], "erf(" + x[i] + ")");
        }
    }
}
