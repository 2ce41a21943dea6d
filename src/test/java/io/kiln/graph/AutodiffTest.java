package io.kiln.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.kiln.conformance.TestBackends;
import io.kiln.conformance.Tolerance;
import io.kiln.core.Activation;
import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.core.Epilogue;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.Reduction;
import io.kiln.core.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole-graph gradients: against central finite differences of a float64 evaluation of the same graph, and against a
 * hand-written backward pass with the eager kernels, on every registered backend.
 */
class AutodiffTest {
    private final Backend ref = Backends.select("reference");

    /**
     * Compiles {@code g} with gradients of {@code loss}, runs it once on the reference backend with the given values,
     * and checks each parameter's gradient against central differences (h = 1e-5) of the float64 evaluation:
     * |g − fd| ≤ 3e-5 + 2e-3·|fd| (float32 forward and backward against exact maths).
     */
    private void checkAgainstFiniteDifferences(String what, Graph g, Node loss, Map<Node, float[]> values,
                                               Map<Input, int[]> labels, CompileOptions options) {
        List<Parameter> params = g.parameters();
        Map<Parameter, Node> grads = g.grad(loss, params);
        g.output("loss", loss);
        grads.forEach((p, d) -> g.output("d_" + p.name(), d));
        Map<Input, Object> feeds = new HashMap<>(labels);
        try (Executable exe = g.compile(ref, options)) {
            List<Tensor> bound = new ArrayList<>();
            for (Map.Entry<Node, float[]> e : values.entrySet()) {
                if (e.getKey() instanceof Parameter p) {
                    Tensor t = ref.fromArray(e.getValue(), p.shape().dims());
                    bound.add(t);
                    exe.bind(p, t);
                } else {
                    feeds.put((Input) e.getKey(), e.getValue());
                }
            }
            exe.run(feeds);
            Float64Interpreter f64 = new Float64Interpreter(g);
            values.forEach(f64::set);
            labels.forEach(f64::labels);
            double exact = f64.eval(loss)[0];
            Tolerance.LOSS.assertClose(what + " loss (float32 graph vs float64)", exact, exe.scalar("loss"));
            for (Parameter p : params) {
                float[] got = exe.output("d_" + p.name());
                double[] base = new double[values.get(p).length];
                for (int i = 0; i < base.length; i++) {
                    base[i] = values.get(p)[i];
                }
                for (int i = 0; i < base.length; i++) {
                    double h = 1e-5;
                    double keep = base[i];
                    base[i] = keep + h;
                    double up = f64.set(p, base).eval(loss)[0];
                    base[i] = keep - h;
                    double down = f64.set(p, base).eval(loss)[0];
                    base[i] = keep;
                    f64.set(p, base);
                    double fd = (up - down) / (2 * h);
                    if (Math.abs(got[i] - fd) > 3e-5 + 2e-3 * Math.abs(fd)) {
                        fail(what + ": d loss / d " + p.name() + "[" + i + "] = " + got[i] + ", finite differences "
                                + fd + "\n" + exe.optimizedGraph().toText());
                    }
                }
            }
            bound.forEach(Tensor::close);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Activation.class)
    void mlpWithEachActivationMatchesFiniteDifferences(Activation act) {
        for (CompileOptions options : List.of(CompileOptions.defaults(), CompileOptions.none())) {
            Graph g = new Graph("mlp_" + act.opName());
            Input x = g.input("x", 4, 3);
            Input t = g.input("t", 4, 2);
            Parameter w1 = g.parameter("w1", 3, 5);
            Parameter b1 = g.parameter("b1", 5);
            Parameter w2 = g.parameter("w2", 5, 2);
            Parameter b2 = g.parameter("b2", 2);
            Node loss = x.matmul(w1).add(b1).activation(act).matmul(w2).biasAdd(b2).mseLoss(t);
            Map<Node, float[]> v = new LinkedHashMap<>();
            v.put(x, Data.uniform(1, 12, -2, 2));
            v.put(t, Data.uniform(2, 8, -1, 1));
            v.put(w1, Data.uniform(3, 15, -1, 1));
            v.put(b1, Data.uniform(4, 5, -0.5f, 0.5f));
            v.put(w2, Data.uniform(5, 10, -1, 1));
            v.put(b2, Data.uniform(6, 2, -0.5f, 0.5f));
            checkAgainstFiniteDifferences(act.opName() + " " + options, g, loss, v, Map.of(), options);
        }
    }

    @Test
    void everyDifferentiableOpMatchesFiniteDifferences() {
        for (CompileOptions options : List.of(CompileOptions.defaults(), CompileOptions.none(),
                CompileOptions.defaults().fusedKernels(CompileOptions.FusedKernels.CODEGEN),
                CompileOptions.defaults().fusedKernels(CompileOptions.FusedKernels.INTERPRETER))) {
            Graph g = new Graph("kitchen_sink");
            Input x = g.input("x", 4, 3);
            Input y = g.labels("y", 4);
            Input soft = g.input("soft", 4, 5);
            Input target = g.input("target", 4, 6);
            Parameter w = g.parameter("w", 3, 6);
            Parameter b = g.parameter("b", 6);
            Parameter s = g.parameter("s", 6);
            Parameter c = g.parameter("c", 4, 1);
            Parameter w2 = g.parameter("w2", 6, 5);
            Parameter wt = g.parameter("wt", 5, 6);
            Node z = x.matmul(w).biasAdd(b);
            Node u = z.mul(s).sub(c).div(c.square().add(1f));
            Node v = u.tanh().add(u.sigmoid()).maximum(u.mul(0.3f)).minimum(u.exp().add(0.2f))
                    .clamp(-0.8f, 0.9f);
            Node q = v.abs().add(0.5f).sqrt().log().mul(v.square().neg()).add(v.erf()).add(v.reciprocal().mul(1e-3f)
                    .clamp(-1, 1)).reshape(2, 12).reshape(4, 6);
            Node logits = q.matmul(w2).dropout(0.2f).add(q.matmul(wt, false, true).mul(0.5f))
                    .add(x.matmul(w, false, false).matmul(wt, false, true).mul(0.1f));
            Node loss = logits.logSoftmax().nllLoss(y)
                    .add(logits.softmax().log().nllLoss(y).mul(0.25f))
                    .add(logits.softmax().mul(soft).sum())
                    .add(logits.crossEntropy(y).mul(0.5f))
                    .add(logits.sum(1).mean().mul(0.1f))
                    .add(logits.mean(0).sum().mul(0.1f))
                    .add(logits.crossEntropySoft(soft))
                    .add(z.mseLoss(target))
                    .add(logits.geluTanh().sub(logits.gelu()).sum());
            Map<Node, float[]> vals = new LinkedHashMap<>();
            vals.put(x, Data.uniform(11, 12, -1, 1));
            float[] st = Data.uniform(12, 20, 0, 1);
            vals.put(soft, st);
            vals.put(target, Data.uniform(13, 24, -1, 1));
            vals.put(w, Data.uniform(14, 18, -1, 1));
            vals.put(b, Data.uniform(15, 6, -0.5f, 0.5f));
            vals.put(s, Data.uniform(16, 6, 0.5f, 1.5f));
            vals.put(c, Data.uniform(17, 4, -0.5f, 0.5f));
            vals.put(w2, Data.uniform(18, 30, -1, 1));
            vals.put(wt, Data.uniform(19, 30, -1, 1));
            checkAgainstFiniteDifferences("kitchen sink " + options, g, loss, vals,
                    Map.of(y, Data.labels(20, 4, 5)), options);
        }
    }

    @Test
    void parametersTheLossIgnoresGetZeros() {
        Graph g = new Graph();
        Input x = g.input("x", 2);
        Parameter used = g.parameter("used", 2);
        Parameter unused = g.parameter("unused", 3);
        Node loss = x.mul(used).sum();
        Map<Parameter, Node> d = g.grad(loss, List.of(used, unused));
        g.output("du", d.get(unused));
        try (Executable exe = g.compile(ref)) {
            exe.run(Map.of(x, new float[] {1, 2}));
            assertEquals(3, exe.output("du").length);
            for (float f : exe.output("du")) {
                assertEquals(0f, f);
            }
        }
        assertThrows(io.kiln.core.ShapeException.class, () -> g.grad(x.mul(used), List.of(used)), "loss not scalar");
        assertThrows(InvalidArgumentException.class, () -> g.grad(x.mul(used).max(0).sum(), List.of(used)),
                "reduce_max has no gradient rule");
    }

    static List<String> backends() {
        return TestBackends.names();
    }

    /** The compiled training graph's gradients against a backward pass written by hand with the eager kernels. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void mlpGradientsMatchAHandWrittenEagerBackwardPass(String name) {
        Backend be = TestBackends.get(name);
        int n = 16;
        int in = 12;
        int hidden = 20;
        int classes = 7;
        Graph g = new Graph("mlp");
        Input x = g.input("x", n, in);
        Input y = g.labels("y", n);
        Parameter w1 = g.parameter("w1", in, hidden);
        Parameter b1 = g.parameter("b1", hidden);
        Parameter w2 = g.parameter("w2", hidden, classes);
        Parameter b2 = g.parameter("b2", classes);
        Node loss = x.matmul(w1).add(b1).geluTanh().matmul(w2).add(b2).crossEntropy(y);
        g.output("loss", loss);
        g.grad(loss, List.of(w1, b1, w2, b2)).forEach((p, d) -> g.output("d" + p.name(), d));
        float[] xs = Data.uniform(1, n * in, -1, 1);
        int[] ys = Data.labels(2, n, classes);
        try (Tensor xt = be.fromArray(xs, n, in);
             Tensor w1t = be.fromArray(Data.uniform(3, in * hidden, -0.5f, 0.5f), in, hidden);
             Tensor b1t = be.fromArray(Data.uniform(4, hidden, -0.1f, 0.1f), hidden);
             Tensor w2t = be.fromArray(Data.uniform(5, hidden * classes, -0.5f, 0.5f), hidden, classes);
             Tensor b2t = be.fromArray(Data.uniform(6, classes, -0.1f, 0.1f), classes);
             Tensor z1 = be.allocate(n, hidden); Tensor h = be.allocate(n, hidden);
             Tensor z2 = be.allocate(n, classes); Tensor dz2 = be.allocate(n, classes);
             Tensor dw2 = be.allocate(hidden, classes); Tensor db2 = be.allocate(classes);
             Tensor dh = be.allocate(n, hidden); Tensor dz1 = be.allocate(n, hidden);
             Tensor dw1 = be.allocate(in, hidden); Tensor db1 = be.allocate(hidden);
             Executable exe = g.compile(be)) {
            exe.bind(w1, w1t).bind(b1, b1t).bind(w2, w2t).bind(b2, b2t);
            exe.run(Map.of(x, xs, y, ys));
            // eager forward and backward
            be.gemm(false, false, 1f, xt, w1t, 0f, z1, Epilogue.bias(b1t));
            be.activation(Activation.GELU_TANH, z1, h);
            be.gemm(false, false, 1f, h, w2t, 0f, z2, Epilogue.bias(b2t));
            float eagerLoss = be.crossEntropy(z2, ys, dz2);
            be.gemm(true, false, 1f, h, dz2, 0f, dw2);
            be.reduce(Reduction.SUM, dz2, 0, db2);
            be.gemm(false, true, 1f, dz2, w2t, 0f, dh);
            be.activationBackward(Activation.GELU_TANH, z1, dh, dz1);
            be.gemm(true, false, 1f, xt, dz1, 0f, dw1);
            be.reduce(Reduction.SUM, dz1, 0, db1);
            Tolerance.LOSS.assertClose(name + " loss", eagerLoss, exe.scalar("loss"));
            Tolerance.REDUCTION.assertClose(name + " dw2", be.toArray(dw2), exe.output("dw2"));
            Tolerance.REDUCTION.assertClose(name + " db2", be.toArray(db2), exe.output("db2"));
            Tolerance.REDUCTION.assertClose(name + " dw1", be.toArray(dw1), exe.output("dw1"));
            Tolerance.REDUCTION.assertClose(name + " db1", be.toArray(db1), exe.output("db1"));
            // and against the same graph compiled for the reference backend (the oracle)
            try (Executable oracle = g.compile(ref)) {
                oracle.bind(w1, ref.fromArray(be.toArray(w1t), in, hidden))
                        .bind(b1, ref.fromArray(be.toArray(b1t), hidden))
                        .bind(w2, ref.fromArray(be.toArray(w2t), hidden, classes))
                        .bind(b2, ref.fromArray(be.toArray(b2t), classes));
                oracle.run(Map.of(x, xs, y, ys));
                Tolerance.LOSS.assertClose(name + " loss vs reference", oracle.scalar("loss"), exe.scalar("loss"));
                for (String d : List.of("dw1", "db1", "dw2", "db2")) {
                    Tolerance.REDUCTION.assertClose(name + " " + d + " vs reference", oracle.output(d), exe.output(d));
                }
            }
        }
    }
}
