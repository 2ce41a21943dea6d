package io.kiln.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.core.Activation;
import io.kiln.core.AdamConfig;
import io.kiln.core.Backend;
import io.kiln.core.SgdConfig;
import io.kiln.core.Tensor;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch's results (../shared/golden, correctly rounded float64 math) checked against every registered backend by
 * the same code. Tolerances: {@link Tolerance}; GEMM's is derived per element from Σ|a||b|.
 */
class GoldenVectorTest {

    static List<String> backends() {
        return TestBackends.names();
    }

    private static Activation activation(String op) {
        return op.startsWith("leaky_relu") ? Activation.LEAKY_RELU : Activation.byName(op);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void activationsForwardAndDerivative(String name) {
        Backend be = TestBackends.get(name);
        List<JsonNode> cases = Golden.cases("activations");
        assertTrue(cases.size() >= 8, "golden activations present");
        for (JsonNode c : cases) {
            String op = c.get("op").asText();
            Activation act = activation(op);
            float[] x = Golden.floats(c.get("x"));
            try (Tensor xt = be.fromArray(x, x.length); Tensor y = be.allocate(x.length);
                 Tensor ones = be.allocate(x.length); Tensor dx = be.allocate(x.length)) {
                be.activation(act, xt, y);
                Tolerance.ELEMENTWISE.assertClose(name + " " + op + " forward, x=" + describe(x),
                        Golden.floats(c.get("y")), be.toArray(y));
                be.fill(ones, 1f);
                be.activationBackward(act, xt, ones, dx);
                Tolerance.DERIVATIVE.assertClose(name + " " + op + " derivative", Golden.floats(c.get("dy_dx")),
                        be.toArray(dx));
            }
        }
    }

    private static String describe(float[] x) {
        return "[" + x.length + " values]";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void softmaxLogSoftmaxAndBackward(String name) {
        Backend be = TestBackends.get(name);
        for (JsonNode c : Golden.cases("softmax")) {
            int[] shape = Golden.shape(c);
            String what = name + " softmax " + shape[0] + "x" + shape[1];
            try (Tensor x = be.fromArray(Golden.floats(c.get("x")), shape); Tensor y = be.allocate(shape);
                 Tensor ly = be.allocate(shape); Tensor dy = be.fromArray(Golden.floats(c.get("grad_output")), shape);
                 Tensor dx = be.allocate(shape)) {
                be.softmax(x, y);
                Tolerance.SOFTMAX.assertClose(what, Golden.floats(c.get("softmax")), be.toArray(y));
                be.logSoftmax(x, ly);
                Tolerance.LOG_SOFTMAX.assertClose(what + " log", Golden.floats(c.get("log_softmax")),
                        be.toArray(ly));
                be.softmaxBackward(y, dy, dx);
                Tolerance.SOFTMAX.assertClose(what + " backward", Golden.floats(c.get("softmax_grad_input")),
                        be.toArray(dx));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void losses(String name) {
        Backend be = TestBackends.get(name);
        for (JsonNode c : Golden.cases("losses")) {
            int[] shape = Golden.shape(c);
            String what = name + " " + c.get("op").asText() + " " + shape[0] + "x" + shape[1];
            if (c.get("op").asText().equals("cross_entropy_mean")) {
                try (Tensor logits = be.fromArray(Golden.floats(c.get("logits")), shape);
                     Tensor g = be.allocate(shape);
                     Tensor soft = be.fromArray(Golden.floats(c.get("soft_labels")), shape)) {
                    float loss = be.crossEntropy(logits, Golden.ints(c.get("labels")), g);
                    Tolerance.LOSS.assertClose(what + " loss", c.get("loss").asDouble(), loss);
                    Tolerance.LOSS.assertClose(what + " dlogits", Golden.floats(c.get("dlogits")), be.toArray(g));
                    float lossOnly = be.crossEntropy(logits, Golden.ints(c.get("labels")), null);
                    Tolerance.LOSS.assertClose(what + " loss without grad", c.get("loss").asDouble(), lossOnly);
                    float softLoss = be.crossEntropySoft(logits, soft, g);
                    Tolerance.LOSS.assertClose(what + " soft loss", c.get("soft_loss").asDouble(), softLoss);
                    Tolerance.LOSS.assertClose(what + " soft dlogits", Golden.floats(c.get("soft_dlogits")),
                            be.toArray(g));
                }
            } else {
                try (Tensor pred = be.fromArray(Golden.floats(c.get("pred")), shape);
                     Tensor target = be.fromArray(Golden.floats(c.get("target")), shape);
                     Tensor g = be.allocate(shape)) {
                    float loss = be.mseLoss(pred, target, g);
                    Tolerance.LOSS.assertClose(what + " loss", c.get("loss").asDouble(), loss);
                    Tolerance.LOSS.assertClose(what + " dpred", Golden.floats(c.get("dpred")), be.toArray(g));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void gemm(String name) {
        Backend be = TestBackends.get(name);
        for (JsonNode c : Golden.cases("gemm")) {
            int m = c.get("m").asInt();
            int n = c.get("n").asInt();
            int k = c.get("k").asInt();
            boolean ta = c.get("transA").asBoolean();
            boolean tb = c.get("transB").asBoolean();
            float alpha = (float) c.get("alpha").asDouble();
            float beta = (float) c.get("beta").asDouble();
            float[] a = Golden.floats(c.get("a"));
            float[] b = Golden.floats(c.get("b"));
            float[] c0 = Golden.floats(c.get("c"));
            float[] expected = Golden.floats(c.get("result"));
            try (Tensor at = be.fromArray(a, ta ? k : m, ta ? m : k); Tensor bt = be.fromArray(b, tb ? n : k, tb ? k : n);
                 Tensor ct = be.fromArray(c0, m, n)) {
                be.gemm(ta, tb, alpha, at, bt, beta, ct);
                Compare.withinBounds(name + " gemm " + m + "x" + n + "x" + k + " transA=" + ta + " transB=" + tb,
                        DotProductBound.gemm(ta, tb, m, n, k, alpha, a, b, beta, c0, null), expected, be.toArray(ct),
                        DotProductBound.REASON);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void optimizers(String name) {
        Backend be = TestBackends.get(name);
        for (JsonNode c : Golden.cases("optimizers")) {
            String op = c.get("op").asText();
            JsonNode h = c.get("hyper");
            float lr = (float) h.get("lr").asDouble();
            float wd = (float) h.path("weight_decay").asDouble(0);
            float momentum = (float) h.path("momentum").asDouble(0);
            boolean nesterov = h.path("nesterov").asBoolean(false);
            float b1 = h.has("betas") ? (float) h.get("betas").get(0).asDouble() : 0.9f;
            float b2 = h.has("betas") ? (float) h.get("betas").get(1).asDouble() : 0.999f;
            float eps = (float) h.path("eps").asDouble(1e-8);
            float[] p0 = Golden.floats(c.get("p0"));
            int n = p0.length;
            try (Tensor p = be.fromArray(p0, n); Tensor g = be.allocate(n); Tensor s1 = be.allocate(n);
                 Tensor s2 = be.allocate(n)) {
                for (int step = 1; step <= c.get("grads").size(); step++) {
                    be.copyIn(Golden.floats(c.get("grads").get(step - 1)), g);
                    switch (op) {
                        case "sgd", "sgd_weight_decay", "momentum", "nesterov" -> be.sgdStep(
                                new SgdConfig(lr, momentum, 0, nesterov, wd, 0), step, p, g, s1);
                        case "adam", "adam_l2" -> be.adamStep(new AdamConfig(lr, b1, b2, eps, wd, false), step, p, g,
                                s1, s2);
                        case "adamw" -> be.adamStep(new AdamConfig(lr, b1, b2, eps, wd, true), step, p, g, s1, s2);
                        default -> throw new AssertionError("unknown golden optimizer case " + op);
                    }
                    Tolerance.OPTIMIZER.assertClose(name + " " + op + " step " + step,
                            Golden.floats(c.get("params_after_each_step").get(step - 1)), be.toArray(p));
                }
            }
        }
    }
}
