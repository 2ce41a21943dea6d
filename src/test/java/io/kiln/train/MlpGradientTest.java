package io.kiln.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.Activation;
import io.kiln.core.Backend;
import io.kiln.core.Backends;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written backward of {@link Mlp} against central finite differences of its own loss, on the reference
 * backend (float64 inside each kernel, so the differences are clean), for every activation, with dropout (the
 * mask is a fixed function of (seed, offset)) and for both losses. An odd batch size stands for a partial batch.
 */
class MlpGradientTest {
    static final Backend REF = Backends.select("reference");

    static Dataset randomData(int rows, int features, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[rows * features];
        int[] y = new int[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1.5, 1.5);
        }
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(classes);
        }
        return new Dataset("random", x, y, features, classes, null);
    }

    /** Max over parameters of |numeric − analytic| / (1e-3 + |analytic|·5e-2) (must stay below 1). */
    static double check(Mlp mlp, Dataset data, long seed, long offset) {
        Mlp.Workspace ws = mlp.workspace(data.rows(), true);
        ws.load(data, null, 0);
        mlp.forwardBackward(ws, seed, offset);
        double worst = 0;
        double eps = 1e-3;
        for (Parameter p : mlp.parameters()) {
            float[] analytic = REF.toArray(p.grad());
            float[] value = REF.toArray(p.value());
            for (int i = 0; i < value.length; i++) {
                float keep = value[i];
                value[i] = keep + (float) eps;
                REF.copyIn(value, p.value());
                double plus = mlp.forwardBackward(ws, seed, offset);
                value[i] = keep - (float) eps;
                REF.copyIn(value, p.value());
                double minus = mlp.forwardBackward(ws, seed, offset);
                value[i] = keep;
                REF.copyIn(value, p.value());
                double numeric = (plus - minus) / (2 * eps);
                double err = Math.abs(numeric - analytic[i]) / (1e-3 + 5e-2 * Math.abs(analytic[i]));
                worst = Math.max(worst, err);
            }
        }
        return worst;
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void crossEntropyGradientsMatchFiniteDifferences(Activation act) {
        Dataset data = randomData(5, 4, 3, 11);
        try (Mlp mlp = new Mlp(new Ops(REF), 4, new int[] {6, 5}, new Activation[] {act}, 3, 0f,
                Mlp.Loss.CROSS_ENTROPY, 3)) {
            double worst = check(mlp, data, 0, 0);
            assertTrue(worst < 1, act + ": worst relative gradient error " + worst);
        }
    }

    @ParameterizedTest
    @ValueSource(floats = {0.25f, 0.5f})
    void dropoutAndMseGradientsMatchFiniteDifferences(float p) {
        Dataset data = randomData(7, 3, 4, 12);
        try (Mlp mlp = new Mlp(new Ops(REF), 3, new int[] {8, 6}, new Activation[] {Activation.TANH,
                Activation.GELU_TANH}, 4, p, Mlp.Loss.MSE, 5)) {
            double worst = check(mlp, data, 99, 1234);
            assertTrue(worst < 1, "dropout " + p + ": worst relative gradient error " + worst);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void logisticRegressionAndOneHiddenLayer(int hidden) {
        Dataset data = randomData(6, 5, 3, 13);
        int[] widths = hidden == 0 ? new int[0] : new int[] {4};
        try (Mlp mlp = new Mlp(new Ops(REF), 5, widths, new Activation[] {Activation.SILU}, 3, 0f,
                Mlp.Loss.CROSS_ENTROPY, 6)) {
            assertEquals(hidden == 0 ? 5 * 3 + 3 : 5 * 4 + 4 + 4 * 3 + 3, mlp.parameterCount());
            double worst = check(mlp, data, 0, 0);
            assertTrue(worst < 1, "worst relative gradient error " + worst);
        }
    }

    @ParameterizedTest
    @ValueSource(floats = {0.3f})
    void inferenceForwardMatchesTrainingForwardWithoutDropout(float unused) {
        // the inference path fuses bias + activation into the GEMM epilogue; it must give the training path's logits
        Dataset data = randomData(9, 4, 3, 14);
        for (Activation act : Activation.values()) {
            try (Mlp mlp = new Mlp(new Ops(REF), 4, new int[] {5, 5}, new Activation[] {act}, 3, 0f,
                    Mlp.Loss.CROSS_ENTROPY, 8)) {
                Mlp.Workspace train = mlp.workspace(9, true);
                train.load(data, null, 0);
                mlp.forwardBackward(train, 0, 0);
                Mlp.Workspace infer = mlp.workspace(9, false);
                infer.load(data, null, 0);
                mlp.forward(infer);
                float[] a = REF.toArray(train.logits());
                float[] b = REF.toArray(infer.logits());
                for (int i = 0; i < a.length; i++) {
                    assertEquals(a[i], b[i], 1e-6f * (1 + Math.abs(a[i])), act + " logit " + i);
                }
            }
        }
    }
}
