package io.kiln.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.Activation;
import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.core.InvalidArgumentException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every trainer learns the embedded data set well above chance (0.1), on small slices so the suite stays fast on
 * the reference backend. Thresholds sit well below what each reaches (see {@link EmbeddedDataset}) and well above
 * chance.
 */
class TrainersLearnTest {
    static final Backend REF = Backends.select("reference");
    static DataSplit data;

    @BeforeAll
    static void load() {
        data = EmbeddedDataset.standard().limit(2000, 1000);
    }

    static double testAccuracy(Classifier c) {
        return Evaluation.evaluate(c, data.test()).accuracy();
    }

    @Test
    void embeddedDataSetIsBalancedAndReproducible() {
        DataSplit a = EmbeddedDataset.standard();
        DataSplit b = EmbeddedDataset.standard();
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.train().x(), b.train().x());
        assertEquals(EmbeddedDataset.DEFAULT_TRAIN_ROWS, a.train().rows());
        assertEquals(32, a.train().features());
        for (int c : a.train().classCounts()) {
            assertEquals(EmbeddedDataset.DEFAULT_TRAIN_ROWS / 10, c);
        }
    }

    @Test
    void mlpLearns() {
        try (MlpTrainer t = new MlpTrainer(new Ops(REF), new MlpOptions().hidden(64, 64).epochs(8).batchSize(64))) {
            TrainingHistory h = t.fit(data.train(), null);
            double[] curve = h.lossCurve();
            assertTrue(curve[curve.length - 1] < 0.6 * curve[0], "loss did not fall: " + java.util.Arrays.toString(
                    curve));
            double acc = testAccuracy(t);
            assertTrue(acc > 0.75, "mlp test accuracy " + acc);
        }
    }

    @Test
    void logisticRegressionWithLbfgsDecreasesMonotonicallyAndLearns() {
        MlpOptions o = new MlpOptions().hidden(new int[0]).optimizer(OptimizerKind.LBFGS).lbfgsMaxIterations(40);
        try (MlpTrainer t = new MlpTrainer(new Ops(REF), o)) {
            assertEquals("logreg", t.kind());
            TrainingHistory h = t.fit(data.train(), null);
            double[] f = h.lossCurve();
            for (int i = 1; i < f.length; i++) {
                assertTrue(f[i] <= f[i - 1], "Armijo steps must not increase the objective at " + i);
            }
            assertEquals(32 * 10 + 10, t.parameterCount());
            double acc = testAccuracy(t);
            assertTrue(acc > 0.6, "logreg test accuracy " + acc);
        }
    }

    @Test
    void lbfgsObjectiveIsTheSameWhetherEvaluatedInOneChunkOrMany() {
        MlpOptions whole = new MlpOptions().hidden(8).optimizer(OptimizerKind.LBFGS).lbfgsMaxIterations(6);
        MlpOptions chunked = new MlpOptions().hidden(8).optimizer(OptimizerKind.LBFGS).lbfgsMaxIterations(6)
                .lbfgsChunkRows(300); // 2000 rows: six chunks of 300 and one of 200
        try (MlpTrainer a = new MlpTrainer(new Ops(REF), whole); MlpTrainer b = new MlpTrainer(new Ops(REF), chunked)) {
            double[] fa = a.fit(data.train(), null).lossCurve();
            double[] fb = b.fit(data.train(), null).lossCurve();
            assertEquals(fa.length, fb.length);
            for (int i = 0; i < fa.length; i++) {
                assertEquals(fa[i], fb[i], 1e-4 * Math.abs(fa[i]), "iteration " + (i + 1));
            }
        }
    }

    @Test
    void l2PenaltyShrinksTheWeightsLbfgsFinds() {
        MlpOptions plain = new MlpOptions().hidden(new int[0]).optimizer(OptimizerKind.LBFGS).lbfgsMaxIterations(15);
        MlpOptions l2 = new MlpOptions().hidden(new int[0]).optimizer(OptimizerKind.LBFGS).lbfgsMaxIterations(15)
                .l2(0.1f);
        try (MlpTrainer a = new MlpTrainer(new Ops(REF), plain); MlpTrainer b = new MlpTrainer(new Ops(REF), l2)) {
            a.fit(data.train(), null);
            b.fit(data.train(), null);
            float na = REF.l2Norm(a.model().parameters().get(0).value());
            float nb = REF.l2Norm(b.model().parameters().get(0).value());
            assertTrue(nb < na, "L2 must shrink the weights: " + nb + " vs " + na);
        }
    }

    @ParameterizedTest
    @EnumSource(value = OptimizerKind.class, names = {"SGD", "MOMENTUM", "NESTEROV", "ADAM", "ADAMW"})
    void everyOptimizerReducesTheLoss(OptimizerKind kind) {
        float lr = switch (kind) {
            case SGD -> 0.1f;
            case MOMENTUM, NESTEROV -> 0.05f;
            default -> 0.01f;
        };
        MlpOptions o = new MlpOptions().hidden(32).epochs(3).batchSize(50).optimizer(kind).lr(lr)
                .activations(Activation.GELU_TANH);
        try (MlpTrainer t = new MlpTrainer(new Ops(REF), o)) {
            double[] curve = t.fit(data.train().head(1000), null).lossCurve();
            assertTrue(curve[2] < curve[0], kind + ": " + java.util.Arrays.toString(curve));
            assertTrue(testAccuracy(t) > 0.3, kind + " accuracy");
        }
    }

    @Test
    void regularizationDropoutMseAndSchedulesRun() {
        MlpOptions o = new MlpOptions().hidden(32, 16).activations(Activation.SILU, Activation.SIGMOID).epochs(4)
                .batchSize(64).optimizer(OptimizerKind.ADAM).lr(1e-2f).l1(1e-4f).l2(1e-4f).dropout(0.2f)
                .loss(Mlp.Loss.MSE).schedule(LrSchedule.parse("cosine", 0.1)).clipGradNorm(1f);
        try (MlpTrainer t = new MlpTrainer(new Ops(REF), o)) {
            TrainingHistory h = t.fit(data.train(), null);
            assertEquals(4, h.epochs().size());
            // the cosine schedule ends near zero: the last epoch's rate is below the first's
            assertTrue(h.epochs().get(3).learningRate() < h.epochs().get(0).learningRate());
            double[] curve = h.lossCurve();
            assertTrue(curve[3] < curve[0], java.util.Arrays.toString(curve));
            assertTrue(testAccuracy(t) > 0.2);
        }
    }

    @Test
    void l1ShrinksWeightsTowardZero() {
        MlpOptions base = new MlpOptions().hidden(new int[0]).epochs(5).batchSize(100).optimizer(OptimizerKind.SGD).lr(0.1f);
        MlpOptions withL1 = new MlpOptions().hidden(new int[0]).epochs(5).batchSize(100).optimizer(OptimizerKind.SGD).lr(0.1f)
                .l1(0.01f);
        try (MlpTrainer a = new MlpTrainer(new Ops(REF), base); MlpTrainer b = new MlpTrainer(new Ops(REF), withL1)) {
            a.fit(data.train(), null);
            b.fit(data.train(), null);
            float[] wa = REF.toArray(a.model().parameters().get(0).value());
            float[] wb = REF.toArray(b.model().parameters().get(0).value());
            double la = 0;
            double lb = 0;
            for (int i = 0; i < wa.length; i++) {
                la += Math.abs(wa[i]);
                lb += Math.abs(wb[i]);
            }
            assertTrue(lb < la, "L1 norm with penalty " + lb + " vs without " + la);
        }
    }

    @Test
    void timeBudgetStopsTrainingAndDrivesTheSchedule() {
        MlpOptions o = new MlpOptions().hidden(16).epochs(-1).timeBudget(Duration.ofMillis(700)).batchSize(32)
                .schedule(LrSchedule.parse("linear", 0));
        try (MlpTrainer t = new MlpTrainer(new Ops(REF), o)) {
            long t0 = System.nanoTime();
            TrainingHistory h = t.fit(data.train(), null);
            double wall = (System.nanoTime() - t0) / 1e9;
            assertEquals("time budget", h.stoppedBy());
            assertTrue(h.seconds() >= 0.7 && wall < 5, "trained " + h.seconds() + " s");
            double lastRate = h.epochs().get(h.epochs().size() - 1).learningRate();
            assertTrue(lastRate < 0.2 * o.lr(), "linear decay over the budget ends near 0, got " + lastRate);
        }
    }

    @Test
    void perceptronLearnsAboveChance() {
        try (Perceptron p = new Perceptron(new Ops(REF), 5, 1, 500)) {
            p.fit(data.train(), null);
            double acc = testAccuracy(p);
            assertTrue(acc > 0.4, "perceptron accuracy " + acc);
        }
    }

    @ParameterizedTest
    @EnumSource(KNearestNeighbours.Metric.class)
    void knnLearns(KNearestNeighbours.Metric metric) {
        try (KNearestNeighbours k = new KNearestNeighbours(new Ops(REF), 5, metric, false, 1, 256)) {
            k.fit(data.train(), null);
            assertEquals(2000, k.prototypeCount());
            double acc = testAccuracy(k);
            assertTrue(acc > 0.75, metric + " knn accuracy " + acc);
        }
    }

    @Test
    void knnDistancesAgreeWithBruteForce() {
        Dataset train = data.train().head(300);
        Dataset test = data.test().head(100);
        try (KNearestNeighbours k = new KNearestNeighbours(new Ops(REF), 1, KNearestNeighbours.Metric.L2, false, 1,
                33)) {
            k.fit(train, null);
            int[] got = new int[test.rows()];
            for (int s = 0; s < test.rows(); s += 33) {
                k.predict(test, s, Math.min(33, test.rows() - s), got);
            }
            int d = train.features();
            for (int q = 0; q < test.rows(); q++) {
                double best = Double.POSITIVE_INFINITY;
                int label = -1;
                for (int i = 0; i < train.rows(); i++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) {
                        double diff = test.x()[q * d + j] - train.x()[i * d + j];
                        s += diff * diff;
                    }
                    if (s < best) {
                        best = s;
                        label = train.y()[i];
                    }
                }
                assertEquals(label, got[q], "query " + q);
            }
        }
    }

    @Test
    void condensedNearestNeighbourClassifiesItsTrainingSetPerfectly() {
        Dataset train = data.train().head(800);
        try (KNearestNeighbours k = new KNearestNeighbours(new Ops(REF), 1, KNearestNeighbours.Metric.L2, true, 4,
                256)) {
            TrainingHistory h = k.fit(train, null);
            assertTrue(k.prototypeCount() < train.rows(), "condensing kept " + k.prototypeCount());
            assertEquals("a pass added no prototype", h.stoppedBy());
            // Hart's guarantee: after a pass that adds nothing, 1-NN over the prototypes is right on every example
            assertEquals(1.0, Evaluation.evaluate(k, train).accuracy());
            assertTrue(testAccuracy(k) > 0.6);
        }
    }

    @Test
    void badOptionsAreRejectedBeforeTraining() {
        assertThrows(InvalidArgumentException.class, () -> new MlpTrainer(new Ops(REF),
                new MlpOptions().optimizer(OptimizerKind.LBFGS).dropout(0.1f)));
        assertThrows(InvalidArgumentException.class, () -> new MlpTrainer(new Ops(REF), new MlpOptions().epochs(-1)));
        assertThrows(InvalidArgumentException.class, () -> new MlpTrainer(new Ops(REF),
                new MlpOptions().batchSize(0)));
        assertThrows(InvalidArgumentException.class, () -> new MlpTrainer(new Ops(REF),
                new MlpOptions().hidden(4, 4).activations(Activation.RELU, Activation.TANH, Activation.SILU)));
        assertThrows(InvalidArgumentException.class, () -> new KNearestNeighbours(new Ops(REF), 0,
                KNearestNeighbours.Metric.L2, false, 0, 10));
    }

    @Test
    void schedulesAndBudgetsParse() {
        assertEquals(1f, LrSchedule.parse("constant", 0).factor(0.7));
        assertEquals(0.1f, LrSchedule.parse("step", 0).factor(0.6), 1e-7f);
        assertEquals(0.01f, LrSchedule.parse("step", 0).factor(0.8), 1e-7f);
        assertEquals(0.5f, LrSchedule.parse("cosine", 0).factor(0.5), 1e-6f);
        assertEquals(0f, LrSchedule.parse("cosine", 0).factor(1), 1e-7f);
        assertEquals(0.25f, LrSchedule.parse("linear", 0).factor(0.75), 1e-6f);
        assertEquals(0.5f * 0.95f, LrSchedule.parse("linear", 0.1).factor(0.05), 1e-6f);
        assertThrows(InvalidArgumentException.class, () -> LrSchedule.parse("exp", 0));
        assertEquals(Duration.ofSeconds(30), TimeBudget.parse("30s"));
        assertEquals(Duration.ofMillis(1500), TimeBudget.parse("1.5"));
        assertEquals(Duration.ofMinutes(2), TimeBudget.parse("2m"));
        assertEquals(Duration.ofHours(1), TimeBudget.parse("1h"));
        assertEquals(Duration.ofMillis(250), TimeBudget.parse("250ms"));
        assertThrows(InvalidArgumentException.class, () -> TimeBudget.parse("soon"));
        assertThrows(InvalidArgumentException.class, () -> TimeBudget.parse("-3s"));
    }

    @Test
    void metricsMatchAHandComputedExample() {
        int[] truth = {0, 0, 0, 1, 1, 2};
        int[] pred = {0, 0, 1, 1, 2, 2};
        ClassificationMetrics m = ClassificationMetrics.of(truth, pred, 4);
        assertEquals(4.0 / 6, m.accuracy(), 1e-12);
        assertEquals(1.0, m.precision(0), 1e-12);
        assertEquals(2.0 / 3, m.recall(0), 1e-12);
        assertEquals(0.8, m.f1(0), 1e-12);
        assertEquals(0.5, m.precision(1), 1e-12);
        assertEquals(1.0, m.recall(2), 1e-12);
        assertEquals(0.5, m.precision(2), 1e-12);
        assertEquals(0, m.f1(3));
        assertEquals(1, m.confusion()[0][1]);
        assertEquals((0.8 + 0.5 + 2.0 / 3 + 0) / 4, m.macroF1(), 1e-12);
    }
}
