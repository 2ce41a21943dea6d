package io.kiln.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.Activation;
import io.kiln.core.AdamConfig;
import io.kiln.core.Backend;
import io.kiln.core.BackendUnavailableException;
import io.kiln.core.Backends;
import io.kiln.core.BinaryOp;
import io.kiln.core.Epilogue;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.KilnException;
import io.kiln.core.Reduction;
import io.kiln.core.SgdConfig;
import io.kiln.core.ShapeException;
import io.kiln.core.Tensor;
import io.kiln.core.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One test per kind of bad input, on every registered backend: the exception's exact type (ShapeException,
 * InvalidArgumentException, BackendUnavailableException), a message that names the op and the shapes or values at
 * fault, and nothing half-written: every output (and every tensor updated in place) is filled with a sentinel
 * before the failing call and must hold it, bit for bit, afterwards.
 */
class BadInputTest {

    static List<String> backends() {
        return TestBackends.names();
    }

    /** Not a value any kernel would write by accident. */
    private static final float SENTINEL = -12345.678f;

    private Backend be;
    private String name;
    private final List<Tensor> open = new ArrayList<>();

    private void use(String backendName) {
        name = backendName;
        be = TestBackends.get(backendName);
    }

    @AfterEach
    void closeTensors() {
        open.forEach(Tensor::close);
        open.clear();
    }

    private Tensor t(int... dims) {
        Tensor x = be.allocate(dims);
        be.fill(x, 0.5f);
        open.add(x);
        return x;
    }

    /**
     * The call throws exactly {@code type}, its message contains every one of {@code mentions}, and every tensor in
     * {@code watched} (filled with the sentinel first) is unchanged.
     */
    private void rejects(Class<? extends KilnException> type, Runnable call, List<String> mentions,
                         Tensor... watched) {
        for (Tensor w : watched) {
            be.fill(w, SENTINEL);
        }
        KilnException e = assertThrows(KilnException.class, call::run, name + ": expected " + type.getSimpleName());
        assertEquals(type, e.getClass(), name + ": wrong exception type for message '" + e.getMessage() + "'");
        String msg = e.getMessage();
        for (String m : mentions) {
            assertTrue(msg != null && msg.contains(m), name + ": message '" + msg + "' should mention '" + m + "'");
        }
        for (Tensor w : watched) {
            float[] after = be.toArray(w);
            for (int i = 0; i < after.length; i++) {
                if (Float.floatToIntBits(after[i]) != Float.floatToIntBits(SENTINEL)) {
                    throw new AssertionError(name + ": the call failed ('" + msg + "') but wrote " + after[i]
                            + " into " + w + " at [" + i + "]: a failing call must write nothing");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ shape mismatch

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void gemmShapeMismatch(String backendName) {
        use(backendName);
        Tensor a = t(3, 4);
        Tensor b = t(5, 6);
        Tensor c = t(3, 6);
        rejects(ShapeException.class, () -> be.gemm(false, false, 1f, a, b, 0f, c),
                List.of("gemm", "[3, 4]", "[5, 6]", "[3, 6]"), c);
        Tensor b2 = t(4, 6);
        Tensor c2 = t(3, 5);
        rejects(ShapeException.class, () -> be.gemm(false, false, 1f, a, b2, 0f, c2),
                List.of("gemm", "[3, 4]", "[4, 6]", "[3, 5]"), c2);
        // transposed: A [3, 4] as Aᵀ is 4×3, so B must have 3 rows
        rejects(ShapeException.class, () -> be.gemm(true, false, 1f, a, b2, 0f, c),
                List.of("gemm", "[3, 4]", "transposed", "[4, 6]"), c);
        Tensor bias = t(5);
        Tensor c3 = t(3, 6);
        rejects(ShapeException.class, () -> be.gemm(false, false, 1f, a, b2, 0f, c3, Epilogue.bias(bias)),
                List.of("gemm", "bias", "[5]", "6"), c3);
        Tensor bias2 = t(2, 6);
        rejects(ShapeException.class, () -> be.gemm(false, false, 1f, a, b2, 0f, c3,
                Epilogue.of(bias2, Activation.RELU)), List.of("gemm", "bias", "[2, 6]"), c3);
        Tensor ba = t(2, 3, 4);
        Tensor bb = t(3, 4, 5);
        Tensor bc = t(2, 3, 5);
        rejects(ShapeException.class, () -> be.batchedGemm(false, false, 1f, ba, bb, 0f, bc),
                List.of("batched_gemm", "[2, 3, 4]", "[3, 4, 5]", "[2, 3, 5]"), bc);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void binaryNotBroadcastable(String backendName) {
        use(backendName);
        Tensor a = t(3, 4);
        Tensor b = t(3);
        Tensor out = t(3, 4);
        for (BinaryOp op : BinaryOp.values()) {
            rejects(ShapeException.class, () -> be.binary(op, a, b, out), List.of(op.opName(), "[3, 4]", "[3]"), out);
        }
        Tensor b4 = t(4);
        Tensor wrongOut = t(4, 3);
        rejects(ShapeException.class, () -> be.mul(a, b4, wrongOut), List.of("mul", "[3, 4]", "[4]", "[4, 3]"),
                wrongOut);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void elementwiseAndRowOpShapeMismatch(String backendName) {
        use(backendName);
        Tensor x = t(3, 4);
        Tensor y = t(4, 3);
        Tensor dy = t(3, 5);
        Tensor dx = t(3, 4);
        rejects(ShapeException.class, () -> be.softmax(x, y), List.of("softmax", "[3, 4]", "[4, 3]"), y);
        rejects(ShapeException.class, () -> be.logSoftmax(x, y), List.of("log_softmax", "[3, 4]", "[4, 3]"), y);
        rejects(ShapeException.class, () -> be.softmaxBackward(x, dy, dx),
                List.of("softmax_backward", "[3, 4]", "[3, 5]"), dx);
        rejects(ShapeException.class, () -> be.logSoftmaxBackward(x, x, y),
                List.of("log_softmax_backward", "[3, 4]", "[4, 3]"), y);
        rejects(ShapeException.class, () -> be.activation(Activation.RELU, x, y), List.of("relu", "[3, 4]", "[4, 3]"),
                y);
        rejects(ShapeException.class, () -> be.activationBackward(Activation.GELU_ERF, x, dy, dx),
                List.of("gelu_erf_backward", "[3, 4]", "[3, 5]"), dx);
        rejects(ShapeException.class, () -> be.unary(UnaryOp.EXP, x, y), List.of("exp", "[3, 4]", "[4, 3]"), y);
        rejects(ShapeException.class, () -> be.scale(2f, x, y), List.of("scale", "[3, 4]", "[4, 3]"), y);
        rejects(ShapeException.class, () -> be.axpy(2f, x, y), List.of("axpy", "[3, 4]", "[4, 3]"), y);
        rejects(ShapeException.class, () -> be.clamp(x, 0f, 1f, y), List.of("clamp", "[3, 4]", "[4, 3]"), y);
        rejects(ShapeException.class, () -> be.dropout(x, 0.5f, 1, 0, y), List.of("dropout", "[3, 4]", "[4, 3]"), y);
        rejects(ShapeException.class, () -> be.dropoutBackward(x, 0.5f, 1, 0, y),
                List.of("dropout_backward", "[3, 4]", "[4, 3]"), y);
        Tensor bias = t(3);
        rejects(ShapeException.class, () -> be.biasAdd(x, bias, dx), List.of("bias_add", "bias", "[3]", "4"), dx);
        rejects(ShapeException.class, () -> be.copy(x, y), List.of("copy", "[3, 4]", "[4, 3]"), y);
        rejects(ShapeException.class, () -> be.mseLoss(x, y, null), List.of("mse_loss", "[3, 4]", "[4, 3]"));
        rejects(ShapeException.class, () -> be.mseLoss(x, dx, dy), List.of("mse_loss", "[3, 4]", "[3, 5]"), dy);
        rejects(ShapeException.class, () -> be.crossEntropySoft(x, y, dx),
                List.of("cross_entropy_soft", "[3, 4]", "[4, 3]"), dx);
        rejects(ShapeException.class, () -> be.crossEntropy(x, new int[] {0, 1}, dx),
                List.of("cross_entropy", "2 labels", "[3, 4]"), dx);
        rejects(ShapeException.class, () -> be.crossEntropy(x, new int[] {0, 1, 2}, dy),
                List.of("cross_entropy", "[3, 4]", "[3, 5]"), dy);
        Tensor out5 = t(5);
        rejects(ShapeException.class, () -> be.reduce(Reduction.SUM, x, 1, out5),
                List.of("reduce_sum", "[3, 4]", "[5]", "3 values"), out5);
        rejects(ShapeException.class, () -> be.reduce(Reduction.MEAN, x, 0, out5),
                List.of("reduce_mean", "[3, 4]", "[5]", "4 values"), out5);
        rejects(ShapeException.class, () -> be.argmax(x, 1, new int[4]), List.of("argmax", "[3, 4]", "3 indices"));
        rejects(ShapeException.class, () -> be.copyIn(new float[5], dx), List.of("copyIn", "5 floats", "[3, 4]"), dx);
        rejects(ShapeException.class, () -> be.copyOut(x, new float[13]), List.of("copyOut", "13 floats", "[3, 4]"));
        rejects(ShapeException.class, () -> be.fromArray(new float[11], 3, 4), List.of("fromArray", "11", "[3, 4]"));
        Tensor m = t(4, 3);
        Tensor p = t(3, 4);
        Tensor g = t(3, 4);
        Tensor v = t(3, 4);
        rejects(ShapeException.class, () -> be.sgdStep(SgdConfig.plain(0.1f), 1, p, m, null),
                List.of("sgd", "[3, 4]", "[4, 3]"), p);
        rejects(ShapeException.class, () -> be.sgdStep(SgdConfig.momentum(0.1f, 0.9f), 1, p, g, m),
                List.of("sgd", "momentum_buffer", "[3, 4]", "[4, 3]"), p, m);
        rejects(ShapeException.class, () -> be.adamStep(AdamConfig.adam(0.1f), 1, p, g, m, v),
                List.of("adam", "[3, 4]", "[4, 3]"), p, m, v);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void wrongRank(String backendName) {
        use(backendName);
        Tensor a3 = t(2, 3, 4);
        Tensor b = t(4, 5);
        Tensor c = t(3, 5);
        rejects(ShapeException.class, () -> be.gemm(false, false, 1f, a3, b, 0f, c),
                List.of("gemm", "A", "rank 2", "[2, 3, 4]"), c);
        Tensor a2 = t(3, 4);
        Tensor c3 = t(1, 3, 5);
        rejects(ShapeException.class, () -> be.batchedGemm(false, false, 1f, a2, a3, 0f, c3),
                List.of("batched_gemm", "A", "rank 3", "[3, 4]"), c3);
        Tensor logits1 = t(5);
        rejects(ShapeException.class, () -> be.crossEntropy(logits1, new int[] {0}, null),
                List.of("cross_entropy", "logits", "rank 2", "[5]"));
        Tensor soft3 = t(2, 3, 4);
        Tensor dsoft3 = t(2, 3, 4);
        rejects(ShapeException.class, () -> be.crossEntropySoft(soft3, soft3, dsoft3),
                List.of("cross_entropy_soft", "rank 2", "[2, 3, 4]"), dsoft3);
        Tensor out = t(3);
        rejects(ShapeException.class, () -> be.reduce(Reduction.MAX, a3, 1, out),
                List.of("reduce_max", "rank 1 or 2", "[2, 3, 4]"), out);
        rejects(ShapeException.class, () -> be.reduce(Reduction.SUM, a2, 2, out),
                List.of("reduce_sum", "axis 2", "[3, 4]"), out);
        rejects(ShapeException.class, () -> be.reduce(Reduction.SUM, a2, -3, out),
                List.of("reduce_sum", "axis -3", "[3, 4]"), out);
        Tensor out2 = t(3, 1);
        rejects(ShapeException.class, () -> be.reduce(Reduction.SUM, a2, 1, out2),
                List.of("reduce_sum", "[3, 4]", "[3, 1]"), out2);
        rejects(ShapeException.class, () -> be.argmax(t(5, 0), 1, new int[5]),
                List.of("argmax", "empty", "[5, 0]"));
        Tensor r5 = t(1, 1, 1, 1, 2);
        Tensor r5out = t(1, 1, 1, 1, 2);
        Tensor bias = t(2);
        rejects(ShapeException.class, () -> be.biasAdd(r5, bias, r5out), List.of("bias_add", "[1, 1, 1, 1, 2]"),
                r5out);
        Tensor s = t();
        Tensor s2 = t();
        rejects(ShapeException.class, () -> be.softmax(s, s2), List.of("softmax", "rank >= 1", "[]"), s2);
        rejects(ShapeException.class, () -> be.softmaxBackward(s, s, s2), List.of("softmax_backward", "rank >= 1"),
                s2);
    }

    // ---------------------------------------------------------------------------------- unusable arguments

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void nullArguments(String backendName) {
        use(backendName);
        Tensor a = t(3, 3);
        Tensor c = t(3, 3);
        Class<InvalidArgumentException> iae = InvalidArgumentException.class;
        rejects(iae, () -> be.gemm(false, false, 1f, null, a, 0f, c), List.of("gemm", "A is null"), c);
        rejects(iae, () -> be.gemm(false, false, 1f, a, null, 0f, c), List.of("gemm", "B is null"), c);
        rejects(iae, () -> be.gemm(false, false, 1f, a, a, 0f, null), List.of("gemm", "C is null"));
        rejects(iae, () -> be.gemm(false, false, 1f, a, a, 0f, c, null), List.of("gemm", "epilogue is null"), c);
        rejects(iae, () -> be.batchedGemm(false, false, 1f, null, a, 0f, c), List.of("batched_gemm", "A is null"));
        rejects(iae, () -> be.binary(null, a, a, c), List.of("binary", "op is null"), c);
        rejects(iae, () -> be.add(a, null, c), List.of("add", "b is null"), c);
        rejects(iae, () -> be.activation(null, a, c), List.of("activation", "act is null"), c);
        rejects(iae, () -> be.activation(Activation.SILU, a, null), List.of("silu", "y is null"));
        rejects(iae, () -> be.activationBackward(Activation.TANH, a, null, c), List.of("tanh_backward", "dy is null"),
                c);
        rejects(iae, () -> be.unary(null, a, c), List.of("unary", "op is null"), c);
        rejects(iae, () -> be.softmax(null, c), List.of("softmax", "x is null"), c);
        rejects(iae, () -> be.logSoftmaxBackward(a, a, null), List.of("log_softmax_backward", "dx is null"));
        rejects(iae, () -> be.mseLoss(a, null, c), List.of("mse_loss", "target is null"), c);
        rejects(iae, () -> be.crossEntropy(a, null, c), List.of("cross_entropy", "labels is null"), c);
        rejects(iae, () -> be.crossEntropySoft(a, null, c), List.of("cross_entropy_soft", "targets is null"), c);
        rejects(iae, () -> be.reduce(null, a, 0, t(3)), List.of("reduce", "reduction is null"));
        rejects(iae, () -> be.argmax(a, 0, null), List.of("argmax", "out is null"));
        rejects(iae, () -> be.l2Norm((Tensor[]) null), List.of("l2_norm", "tensors is null"));
        rejects(iae, () -> be.l2Norm(a, null), List.of("l2_norm", "tensors[1] is null"));
        rejects(iae, () -> be.clipGradNorm(1f, c, null), List.of("clip_grad_norm", "grads[1] is null"), c);
        rejects(iae, () -> be.dropout(a, 0.5f, 1, 0, null), List.of("dropout", "y is null"));
        rejects(iae, () -> be.sgdStep(null, 1, c, a, null), List.of("sgd", "config is null"), c);
        rejects(iae, () -> be.sgdStep(SgdConfig.momentum(0.1f, 0.9f), 1, c, a, null),
                List.of("sgd", "momentum_buffer is null"), c);
        rejects(iae, () -> be.adamStep(null, 1, c, a, t(3, 3), t(3, 3)), List.of("adam", "config is null"), c);
        rejects(iae, () -> be.adamStep(AdamConfig.adamW(0.1f), 1, c, a, t(3, 3), null),
                List.of("adamw", "v is null"), c);
        rejects(iae, () -> be.allocate((int[]) null), List.of("allocate", "dims is null"));
        rejects(iae, () -> be.fromArray(null, 3), List.of("fromArray", "src is null"));
        rejects(iae, () -> be.copyOut(a, null), List.of("copyOut", "dst is null"));
        rejects(iae, () -> new Epilogue(a, null), List.of("Epilogue", "activation is null"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void tensorFromAnotherMemorySpace(String backendName) {
        use(backendName);
        ForeignSpaceBackend foreign = new ForeignSpaceBackend();
        try (Tensor f = foreign.allocate(3, 3); Tensor f1 = foreign.allocate(3)) {
            Tensor a = t(3, 3);
            Tensor c = t(3, 3);
            Class<InvalidArgumentException> iae = InvalidArgumentException.class;
            String space = ForeignSpaceBackend.SPACE.name();
            rejects(iae, () -> be.gemm(false, false, 1f, f, a, 0f, c), List.of("gemm", "A", "[3, 3]", space), c);
            rejects(iae, () -> be.gemm(false, false, 1f, a, a, 0f, f), List.of("gemm", "C", space));
            rejects(iae, () -> be.gemm(false, false, 1f, a, a, 0f, c, Epilogue.bias(f1)),
                    List.of("gemm", "bias", "[3]", space), c);
            rejects(iae, () -> be.sub(a, f1, c), List.of("sub", "b", space), c);
            rejects(iae, () -> be.softmax(a, f), List.of("softmax", "y", space));
            rejects(iae, () -> be.reduce(Reduction.SUM, f, 0, t(3)), List.of("reduce_sum", "x", space));
            Tensor m = t(3, 3);
            Tensor g = t(3, 3);
            rejects(iae, () -> be.adamStep(AdamConfig.adam(0.1f), 1, c, g, m, f), List.of("adam", "v", space), c,
                    m);
            rejects(iae, () -> be.l2Norm(a, f), List.of("l2_norm", "tensors[1]", space));
            rejects(iae, () -> be.copy(f, c), List.of("copy", "src", space), c);
            rejects(iae, () -> be.toArray(f), List.of("toArray", space));
            // and the other way round: the foreign backend refuses this backend's tensors before any kernel runs
            Tensor y = t(3, 3);
            InvalidArgumentException e = assertThrows(iae, () -> foreign.softmax(a, y));
            assertTrue(e.getMessage().contains("softmax") && e.getMessage().contains(be.memory().name()),
                    e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void closedTensor(String backendName) {
        use(backendName);
        Tensor closed = be.allocate(2, 5);
        closed.close();
        closed.close(); // idempotent
        assertTrue(closed.isClosed());
        Tensor x = t(2, 5);
        Tensor y = t(2, 5);
        Class<InvalidArgumentException> iae = InvalidArgumentException.class;
        rejects(iae, () -> be.activation(Activation.RELU, closed, y), List.of("relu", "x", "[2, 5]", "closed"), y);
        rejects(iae, () -> be.activation(Activation.RELU, x, closed), List.of("relu", "y", "[2, 5]", "closed"));
        rejects(iae, () -> be.gemm(false, true, 1f, x, closed, 0f, t(2, 2)), List.of("gemm", "B", "closed"));
        rejects(iae, () -> be.crossEntropy(closed, new int[] {0, 0}, y), List.of("cross_entropy", "logits",
                "closed"), y);
        rejects(iae, () -> be.toArray(closed), List.of("toArray", "closed"));
        rejects(iae, () -> be.copyIn(new float[10], closed), List.of("copyIn", "closed"));
        rejects(iae, () -> be.fill(closed, 1f), List.of("fill", "closed"));
        rejects(iae, () -> be.clipGradNorm(1f, y, closed), List.of("clip_grad_norm", "grads[1]", "closed"), y);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aliasingWhereForbidden(String backendName) {
        use(backendName);
        Class<InvalidArgumentException> iae = InvalidArgumentException.class;
        Tensor a = t(3, 3);
        Tensor b = t(3, 3);
        rejects(iae, () -> be.gemm(false, false, 1f, a, b, 0f, a), List.of("gemm", "C", "A", "share storage"), a);
        rejects(iae, () -> be.gemm(false, false, 1f, a, b, 1f, b), List.of("gemm", "C", "B", "share storage"), b);
        Tensor row = t(1, 3);
        Tensor k1 = t(1, 1);
        Tensor b13 = t(1, 3);
        rejects(iae, () -> be.gemm(false, false, 1f, k1, b13, 0f, row, Epilogue.bias(row)),
                List.of("gemm", "bias", "share storage"), row);
        Tensor ba = t(2, 3, 3);
        rejects(iae, () -> be.batchedGemm(false, false, 1f, ba, t(2, 3, 3), 0f, ba),
                List.of("batched_gemm", "C", "A", "share storage"), ba);
        Tensor bx = t(1, 3);
        rejects(iae, () -> be.biasAdd(bx, row, row), List.of("bias_add", "bias", "share storage"), row);
        Tensor p = t(4, 2);
        Tensor g = t(4, 2);
        Tensor m = t(4, 2);
        Tensor v = t(4, 2);
        rejects(iae, () -> be.adamStep(AdamConfig.adam(0.1f), 1, p, g, p, v), List.of("adam", "param", "m",
                "share storage"), p, v);
        rejects(iae, () -> be.adamStep(AdamConfig.adamW(0.1f), 1, p, v, m, v), List.of("adamw", "grad", "v",
                "share storage"), p, m, v);
        rejects(iae, () -> be.sgdStep(SgdConfig.plain(0.1f), 1, p, p, null), List.of("sgd", "param", "grad",
                "share storage"), p);
        rejects(iae, () -> be.sgdStep(SgdConfig.momentum(0.1f, 0.9f), 1, p, g, g), List.of("sgd", "grad",
                "momentum_buffer", "share storage"), p, g);
        Tensor logits = t(2, 4);
        Tensor targets = t(2, 4);
        rejects(iae, () -> be.crossEntropySoft(logits, targets, targets), List.of("cross_entropy_soft", "dlogits",
                "targets", "share storage"), targets);
        Tensor one = t(1);
        rejects(iae, () -> be.reduce(Reduction.SUM, one, 0, one), List.of("reduce_sum", "x", "out",
                "share storage"), one);
        rejects(iae, () -> be.clipGradNorm(1f, g, m, g), List.of("clip_grad_norm", "grads[0]", "grads[2]",
                "share storage"), g, m);
    }

    // ------------------------------------------------------------------------------------ bad hyper-parameters

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void badHyperParameters(String backendName) {
        use(backendName);
        Class<InvalidArgumentException> iae = InvalidArgumentException.class;
        rejects(iae, () -> SgdConfig.plain(-1f), List.of("sgd", "lr", "-1.0"));
        rejects(iae, () -> SgdConfig.plain(Float.NaN), List.of("sgd", "lr", "NaN"));
        rejects(iae, () -> SgdConfig.momentum(0.1f, Float.POSITIVE_INFINITY), List.of("sgd", "momentum",
                "Infinity"));
        rejects(iae, () -> SgdConfig.plain(0.1f).withWeightDecay(-0.01f), List.of("sgd", "weight_decay", "-0.01"));
        rejects(iae, () -> SgdConfig.plain(0.1f).withL1(-1e-3f), List.of("sgd", "l1", "-0.001"));
        rejects(iae, () -> new SgdConfig(0.1f, 0.9f, 0.5f, true, 0, 0), List.of("sgd", "nesterov", "dampening=0.5"));
        rejects(iae, () -> SgdConfig.nesterov(0.1f, 0f), List.of("sgd", "nesterov", "momentum=0.0"));
        rejects(iae, () -> new AdamConfig(0.1f, 1f, 0.999f, 1e-8f, 0, false), List.of("adam", "betas", "1.0"));
        rejects(iae, () -> new AdamConfig(0.1f, 0.9f, -0.1f, 1e-8f, 0, false), List.of("adam", "betas", "-0.1"));
        rejects(iae, () -> new AdamConfig(0.1f, Float.NaN, 0.999f, 1e-8f, 0, true), List.of("adam", "betas", "NaN"));
        rejects(iae, () -> new AdamConfig(0.1f, 0.9f, 0.999f, Float.NaN, 0, false), List.of("adam", "eps", "NaN"));
        rejects(iae, () -> AdamConfig.adam(Float.POSITIVE_INFINITY), List.of("adam", "lr", "Infinity"));
        rejects(iae, () -> AdamConfig.adamW(0.1f).withWeightDecay(-1f), List.of("adam", "weight_decay", "-1.0"));

        Tensor x = t(2, 3);
        Tensor y = t(2, 3);
        rejects(iae, () -> be.clamp(x, 1f, -1f, y), List.of("clamp", "lo=1.0", "hi=-1.0"), y);
        rejects(iae, () -> be.clamp(x, Float.NaN, 1f, y), List.of("clamp", "lo=NaN"), y);
        rejects(iae, () -> be.clamp(x, 0f, Float.NaN, y), List.of("clamp", "hi=NaN"), y);
        for (float p : new float[] {1.5f, -0.1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            rejects(iae, () -> be.dropout(x, p, 7, 0, y), List.of("dropout", "p", String.valueOf(p)), y);
            rejects(iae, () -> be.dropoutBackward(x, p, 7, 0, y), List.of("dropout_backward", "p",
                    String.valueOf(p)), y);
        }
        for (float max : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            rejects(iae, () -> be.clipGradNorm(max, y), List.of("clip_grad_norm", "max_norm", String.valueOf(max)),
                    y);
        }
        Tensor a = t(2, 2);
        Tensor c = t(2, 2);
        rejects(iae, () -> be.gemm(false, false, Float.NaN, a, a, 0f, c), List.of("gemm", "alpha", "NaN"), c);
        rejects(iae, () -> be.gemm(false, false, 1f, a, a, Float.NEGATIVE_INFINITY, c),
                List.of("gemm", "beta", "-Infinity"), c);
        Tensor a3 = t(1, 2, 2);
        Tensor c3 = t(1, 2, 2);
        rejects(iae, () -> be.batchedGemm(false, false, Float.POSITIVE_INFINITY, a3, a3, 0f, c3),
                List.of("batched_gemm", "alpha", "Infinity"), c3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void labelsOutOfRange(String backendName) {
        use(backendName);
        Tensor logits = t(3, 5);
        Tensor dlogits = t(3, 5);
        rejects(InvalidArgumentException.class, () -> be.crossEntropy(logits, new int[] {0, 5, 1}, dlogits),
                List.of("cross_entropy", "label 5", "row 1", "[0, 5)", "[3, 5]"), dlogits);
        rejects(InvalidArgumentException.class, () -> be.crossEntropy(logits, new int[] {0, 1, -1}, dlogits),
                List.of("cross_entropy", "label -1", "row 2"), dlogits);
        rejects(InvalidArgumentException.class, () -> be.crossEntropy(logits, new int[] {Integer.MIN_VALUE, 1, 1},
                null), List.of("cross_entropy", "row 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void optimizerStepBelowOne(String backendName) {
        use(backendName);
        Tensor p = t(7);
        Tensor g = t(7);
        Tensor m = t(7);
        Tensor v = t(7);
        Class<InvalidArgumentException> iae = InvalidArgumentException.class;
        rejects(iae, () -> be.sgdStep(SgdConfig.momentum(0.1f, 0.9f), 0, p, g, m), List.of("sgd", "step", "0"), p,
                m);
        rejects(iae, () -> be.adamStep(AdamConfig.adam(0.1f), -3, p, g, m, v), List.of("adam", "step", "-3"), p, m,
                v);
        rejects(iae, () -> be.adamStep(AdamConfig.adamW(0.1f), 0, p, g, m, v), List.of("adamw", "step", "0"), p, m,
                v);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void badDimensions(String backendName) {
        use(backendName);
        rejects(ShapeException.class, () -> be.allocate(3, -2), List.of("[3, -2]", "dimension 1", "negative"));
        rejects(ShapeException.class, () -> be.allocate(1 << 16, 1 << 16), List.of("[65536, 65536]"));
    }

    // -------------------------------------------------------------------------------------- backend selection

    @Test
    void unknownBackendNameListsTheKnownOnes() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select("no-such-backend"));
        assertEquals(BackendUnavailableException.class, e.getClass());
        for (String known : TestBackends.names()) {
            assertTrue(e.getMessage().contains(known), e.getMessage() + " should list " + known);
        }
        assertTrue(e.getMessage().contains("no-such-backend") && e.getMessage().contains("auto"), e.getMessage());
    }

    @Test
    void everyUnavailableRegisteredBackendFailsByNameWithItsReason() {
        // Backends that cannot load here (e.g. opencl without a driver) must fail by name with their reason; the
        // selection rules with an unavailable provider are also unit-tested in io.kiln.core.BackendsTest.
        List<String> checked = new ArrayList<>();
        Backends.availability().forEach((backend, why) -> {
            if (why.isPresent()) {
                BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                        () -> Backends.select(backend));
                assertTrue(e.getMessage().contains(backend) && e.getMessage().contains(why.get()), e.getMessage());
                checked.add(backend);
            } else {
                assertEquals(backend, Backends.select(backend).name(), "an available backend loads by name");
                checked.add(backend);
            }
        });
        assertEquals(Backends.availability().keySet().stream().toList(), checked);
        assertTrue(checked.contains("reference"), "the reference backend is registered: " + Arrays.toString(
                checked.toArray()));
    }
}
