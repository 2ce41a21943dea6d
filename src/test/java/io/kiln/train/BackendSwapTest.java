package io.kiln.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.Activation;
import io.kiln.core.Backend;
import io.kiln.core.Backends;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The same trainer with the same seed on every backend that can load here gives the same loss curve, within a
 * tolerance for float32 rounding (backends may sum in another order); on one backend, two runs are bit-identical.
 * Dropout is on, so this also proves every backend draws the same Philox masks.
 */
class BackendSwapTest {
    static final DataSplit DATA = EmbeddedDataset.standard().limit(700, 300); // 700 = 10 batches of 64 + 60

    static double[] curve(Backend backend, long seed) {
        MlpOptions o = new MlpOptions().hidden(48, 24).activations(Activation.GELU_TANH, Activation.TANH)
                .dropout(0.1f).epochs(4).batchSize(64).optimizer(OptimizerKind.ADAM).lr(3e-3f).l2(1e-4f)
                .schedule(LrSchedule.parse("cosine", 0)).seed(seed);
        try (MlpTrainer t = new MlpTrainer(new Ops(backend), o)) {
            return t.fit(DATA.train(), null).lossCurve();
        }
    }

    static List<String> loadable() {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Optional<String>> e : Backends.availability().entrySet()) {
            if (e.getValue().isEmpty()) {
                names.add(e.getKey());
            }
        }
        return names;
    }

    @Test
    void sameSeedGivesTheSameLossCurveOnEveryBackend() {
        List<String> names = loadable();
        assertTrue(names.contains("reference"), "the reference backend must always load: " + names);
        double[] oracle = curve(Backends.select("reference"), 17);
        for (String name : names) {
            double[] c = curve(Backends.select(name), 17);
            assertEquals(oracle.length, c.length, name);
            for (int i = 0; i < c.length; i++) {
                assertEquals(oracle[i], c[i], 2e-3 * Math.abs(oracle[i]), name + " epoch " + (i + 1) + ": "
                        + Arrays.toString(c) + " vs reference " + Arrays.toString(oracle));
            }
        }
        System.out.println("backend swap: compared " + names + " against reference, curve " + Arrays.toString(
                oracle));
    }

    @Test
    void runsAreBitReproducibleAndTheSeedMatters() {
        Backend ref = Backends.select("reference");
        double[] a = curve(ref, 5);
        double[] b = curve(ref, 5);
        assertArrayEquals(a, b, 0.0);
        double[] c = curve(ref, 6);
        assertFalse(Arrays.equals(a, c), "a different seed must give a different run");
    }
}
