package io.kiln.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.backend.simd.GemmBlocking;
import io.kiln.backend.simd.SimdBackend;
import io.kiln.conformance.Tolerance;
import io.kiln.core.Activation;
import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.core.BinaryOp;
import io.kiln.core.FusedExpression;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.ShapeException;
import io.kiln.core.Tensor;
import io.kiln.core.UnaryOp;
import io.kiln.graph.codegen.FusedKernelCompiler;
import io.kiln.graph.codegen.VectorInterpreter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The three evaluators of a {@link FusedExpression} (the backend's default tiled scalar kernel, the Vector API
 * interpreter, the generated classes) against the reference backend's eager op for every primitive and activation,
 * over every broadcast pattern, plus the SPI hook's validation and the C printer.
 */
class FusedKernelsTest {
    private final Backend ref = Backends.select("reference");

    private interface Evaluator {
        void run(FusedExpression e, Tensor[] in, Tensor out);
    }

    private List<Evaluator> evaluators() {
        return List.of(ref::fusedElementwise, VectorInterpreter::evaluate,
                (e, in, out) -> FusedKernelCompiler.compileNow(e).evaluate(in, out));
    }

    private static final String[] NAMES = {"backend default", "vector interpreter", "generated class"};

    /** Inputs over a range that exercises every branch (erf's pieces, gelu's tails, negative log → NaN). */
    private static float[] sweep(int n, float lo, float hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = lo + (hi - lo) * i / (n - 1);
        }
        return a;
    }

    @Test
    void everyUnaryOpMatchesTheEagerKernel() {
        int n = 3001; // not a multiple of the vector length or the tile: masked tails
        float[] xs = sweep(n, -9, 9);
        for (UnaryOp op : UnaryOp.values()) {
            FusedExpression.Builder b = FusedExpression.builder(1);
            b.unary(op, b.input(0));
            FusedExpression e = b.build();
            try (Tensor x = ref.fromArray(xs, n); Tensor expect = ref.allocate(n); Tensor out = ref.allocate(n)) {
                ref.unary(op, x, expect);
                for (int k = 0; k < 3; k++) {
                    evaluators().get(k).run(e, new Tensor[] {x}, out);
                    Tolerance.ELEMENTWISE.assertClose(NAMES[k] + " " + op.opName(), ref.toArray(expect),
                            ref.toArray(out));
                }
            }
        }
    }

    @Test
    void everyActivationAndDerivativeMatchesTheEagerKernel() {
        int n = 2049;
        float[] xs = sweep(n, -12, 12);
        float[] dys = Data.uniform(3, n, -2, 2);
        for (Activation act : Activation.values()) {
            FusedExpression.Builder fb = FusedExpression.builder(1);
            fb.activation(act, fb.input(0));
            FusedExpression.Builder bb = FusedExpression.builder(2);
            bb.activationBackward(act, bb.input(0), bb.input(1));
            try (Tensor x = ref.fromArray(xs, n); Tensor dy = ref.fromArray(dys, n); Tensor expect = ref.allocate(n);
                 Tensor out = ref.allocate(n)) {
                ref.activation(act, x, expect);
                for (int k = 0; k < 3; k++) {
                    evaluators().get(k).run(fb.build(), new Tensor[] {x}, out);
                    Tolerance.ELEMENTWISE.assertClose(NAMES[k] + " " + act.opName(), ref.toArray(expect),
                            ref.toArray(out));
                }
                ref.activationBackward(act, x, dy, expect);
                for (int k = 0; k < 3; k++) {
                    evaluators().get(k).run(bb.build(), new Tensor[] {x, dy}, out);
                    Tolerance.DERIVATIVE.assertClose(NAMES[k] + " " + act.opName() + " backward",
                            ref.toArray(expect), ref.toArray(out));
                }
            }
        }
    }

    @Test
    void nanAndSignedZeroFollowTheEagerKernels() {
        float[] xs = {Float.NaN, -0f, 0f, -1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] ys = {1f, 0f, -0f, Float.NaN, 2f, 3f};
        for (BinaryOp op : BinaryOp.values()) {
            FusedExpression.Builder b = FusedExpression.builder(2);
            b.binary(op, b.input(0), b.input(1));
            try (Tensor x = ref.fromArray(xs, 6); Tensor y = ref.fromArray(ys, 6); Tensor expect = ref.allocate(6);
                 Tensor out = ref.allocate(6)) {
                ref.binary(op, x, y, expect);
                for (int k = 0; k < 3; k++) {
                    evaluators().get(k).run(b.build(), new Tensor[] {x, y}, out);
                    float[] e = ref.toArray(expect);
                    float[] o = ref.toArray(out);
                    for (int i = 0; i < 6; i++) {
                        assertEquals(Float.floatToIntBits(e[i]), Float.floatToIntBits(o[i]),
                                NAMES[k] + " " + op.opName() + "(" + xs[i] + ", " + ys[i] + "): " + e[i] + " vs "
                                        + o[i]);
                    }
                }
            }
        }
        for (Activation act : new Activation[] {Activation.RELU, Activation.LEAKY_RELU}) {
            FusedExpression.Builder b = FusedExpression.builder(1);
            b.activation(act, b.input(0));
            try (Tensor x = ref.fromArray(xs, 6); Tensor expect = ref.allocate(6); Tensor out = ref.allocate(6)) {
                ref.activation(act, x, expect);
                for (int k = 0; k < 3; k++) {
                    evaluators().get(k).run(b.build(), new Tensor[] {x}, out);
                    assertTrue(Float.isNaN(ref.toArray(out)[0]), NAMES[k] + " " + act + "(NaN) is NaN");
                    assertEquals(ref.toArray(expect)[3], ref.toArray(out)[3], NAMES[k] + " " + act + "(-1)");
                }
            }
        }
    }

    @Test
    void broadcastPatternsAndInPlace() {
        // out [5, 7, 19]: full, row [19], [1, 1, 19], column [5, 7, 1], scalar [1], and a general [5, 1, 19]
        int[] out = {5, 7, 19};
        int[][] shapes = {{5, 7, 19}, {19}, {1, 1, 19}, {5, 7, 1}, {1}, {5, 1, 19}, {7, 1}};
        FusedExpression.Builder b = FusedExpression.builder(shapes.length);
        int acc = b.input(0);
        for (int i = 1; i < shapes.length; i++) {
            acc = b.binary(i % 2 == 0 ? BinaryOp.MUL : BinaryOp.ADD, acc, b.unary(UnaryOp.TANH, b.input(i)));
        }
        FusedExpression e = b.build();
        List<Tensor> ins = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            int size = 1;
            for (int d : shapes[i]) {
                size *= d;
            }
            ins.add(ref.fromArray(Data.uniform(40 + i, size, -2, 2), shapes[i]));
        }
        Tensor[] in = ins.toArray(new Tensor[0]);
        try (Tensor expect = ref.allocate(out); Tensor o = ref.allocate(out); Tensor t = ref.allocate(out)) {
            // eager: the same maths op by op
            ref.copy(in[0], expect);
            for (int i = 1; i < shapes.length; i++) {
                try (Tensor th = ref.allocate(shapes[i])) {
                    ref.unary(UnaryOp.TANH, in[i], th);
                    ref.binary(i % 2 == 0 ? BinaryOp.MUL : BinaryOp.ADD, expect, th, t);
                    ref.copy(t, expect);
                }
            }
            for (int k = 0; k < 3; k++) {
                evaluators().get(k).run(e, in, o);
                Tolerance.ELEMENTWISE.assertClose(NAMES[k] + " broadcasts", ref.toArray(expect), ref.toArray(o));
            }
            // without the general-broadcast operands every input has a generated access path
            FusedExpression.Builder b2 = FusedExpression.builder(5);
            int s = b2.input(0);
            for (int i = 1; i < 5; i++) {
                s = b2.binary(BinaryOp.ADD, s, b2.input(i));
            }
            Tensor[] in2 = {in[0], in[1], in[2], in[3], in[4]};
            try (Tensor e2 = ref.allocate(out)) {
                evaluators().get(0).run(b2.build(), in2, e2);
                for (int k = 1; k < 3; k++) {
                    evaluators().get(k).run(b2.build(), in2, o);
                    Tolerance.ELEMENTWISE.assertClose(NAMES[k] + " row/col/scalar", ref.toArray(e2), ref.toArray(o));
                }
                // in place: the output is the full-shape input
                float[] before = ref.toArray(in[0]);
                for (int k = 0; k < 3; k++) {
                    ref.copyIn(before, in[0]);
                    evaluators().get(k).run(b2.build(), in2, in[0]);
                    Tolerance.ELEMENTWISE.assertClose(NAMES[k] + " in place", ref.toArray(e2), ref.toArray(in[0]));
                }
            }
        } finally {
            ins.forEach(Tensor::close);
        }
    }

    @Test
    void aStepReadingOneValueTwiceFreesItsBufferOnce() {
        // t2 = t1 - t1 is the last use of t1: its tile buffer must go back to the free list once, or two later
        // steps (t3, t4) share it (the bug the property test found)
        FusedExpression.Builder b = FusedExpression.builder(1);
        int x = b.input(0);
        int t = b.unary(UnaryOp.TANH, x);
        int zero = b.binary(BinaryOp.SUB, t, t);
        int e = b.unary(UnaryOp.EXP, x);
        int s = b.unary(UnaryOp.NEG, x);
        b.binary(BinaryOp.ADD, b.binary(BinaryOp.ADD, zero, e), s);
        float[] xs = sweep(3000, -2, 2);
        float[] expect = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            expect[i] = (float) Math.exp(xs[i]) - xs[i];
        }
        try (Tensor in = ref.fromArray(xs, xs.length); Tensor out = ref.allocate(xs.length)) {
            for (int k = 0; k < 3; k++) {
                evaluators().get(k).run(b.build(), new Tensor[] {in}, out);
                Tolerance.ELEMENTWISE.assertClose(NAMES[k] + " tanh(x) - tanh(x) + exp(x) - x", expect,
                        ref.toArray(out));
            }
        }
    }

    @Test
    void largeGeneratedKernelsSplitOverThreadsGiveTheSameBits() {
        int rows = 1100;
        int cols = 1001; // 1.1 M elements: above the parallel threshold, rows not a multiple of anything
        FusedExpression.Builder b = FusedExpression.builder(2);
        b.activation(Activation.GELU_TANH, b.binary(BinaryOp.ADD, b.input(0), b.input(1)));
        FusedExpression e = b.build();
        try (Tensor x = ref.fromArray(Data.uniform(5, rows * cols, -3, 3), rows, cols);
             Tensor bias = ref.fromArray(Data.uniform(6, cols, -1, 1), cols);
             Tensor full = ref.fromArray(Data.uniform(7, rows * cols, -1, 1), rows, cols);
             Tensor one = ref.allocate(rows, cols); Tensor many = ref.allocate(rows, cols);
             Backend pool = new SimdBackend(3, GemmBlocking.defaults())) {
            for (Tensor second : new Tensor[] {bias, full}) { // row mode (bias), flat mode (same shapes)
                FusedKernelCompiler.compile(e, 1, null).evaluate(new Tensor[] {x, second}, one);
                FusedKernelCompiler.compile(e, 3, pool).evaluate(new Tensor[] {x, second}, many);
                float[] a = ref.toArray(one);
                float[] c = ref.toArray(many);
                for (int i = 0; i < a.length; i++) {
                    assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(c[i]), "element " + i);
                }
                assertTrue(a[a.length - 1] != 0f || c[c.length - 1] == 0f);
            }
        }
    }

    @Test
    void theHookValidatesBeforeAnyWork() {
        FusedExpression.Builder b = FusedExpression.builder(2);
        b.binary(BinaryOp.ADD, b.input(0), b.input(1));
        FusedExpression e = b.build();
        try (Tensor a = ref.allocate(3, 4); Tensor c = ref.allocate(5); Tensor out = ref.allocate(3, 4);
             Tensor big = ref.allocate(2, 3, 4)) {
            ShapeException s = assertThrows(ShapeException.class,
                    () -> ref.fusedElementwise(e, new Tensor[] {a, c}, out));
            assertTrue(s.getMessage().contains("[5]") && s.getMessage().contains("[3, 4]"), s.getMessage());
            assertThrows(ShapeException.class, () -> ref.fusedElementwise(e, new Tensor[] {a, big}, out),
                    "an input larger than out does not broadcast to it");
            assertThrows(InvalidArgumentException.class, () -> ref.fusedElementwise(e, new Tensor[] {a}, out));
            assertThrows(InvalidArgumentException.class, () -> ref.fusedElementwise(null, new Tensor[] {a, a}, out));
            c.close();
            assertThrows(InvalidArgumentException.class, () -> ref.fusedElementwise(e, new Tensor[] {a, c}, out));
        }
        assertThrows(InvalidArgumentException.class, () -> FusedExpression.builder(1).input(1));
        assertThrows(InvalidArgumentException.class, () -> FusedExpression.builder(1).unary(UnaryOp.EXP, 0));
    }

    @Test
    void printsReadablyAndAsC() {
        FusedExpression.Builder b = FusedExpression.builder(2);
        int x = b.input(0);
        int bias = b.input(1);
        int h = b.binary(BinaryOp.ADD, x, bias);
        b.binary(BinaryOp.MUL, b.activation(Activation.GELU_TANH, h), b.constant(0.5f));
        FusedExpression e = b.build();
        assertEquals("(in0, in1) -> { t0 = in0; t1 = in1; t2 = add(t0, t1); t3 = gelu_tanh(t2); t4 = 0.5; "
                + "t5 = mul(t3, t4); return t5 }", e.toString());
        assertEquals("add+gelu_tanh+mul", e.opNames());
        FusedExpression.CSource c = e.toC(k -> k == 0 ? "in0[i]" : "in1[i % cols]");
        assertEquals("""
                const float t0 = in0[i];
                const float t1 = in1[i % cols];
                const float t2 = t0 + t1;
                const float t3 = kiln_gelu_tanh(t2);
                const float t4 = (0x1.0p-1f);
                const float t5 = t3 * t4;
                """, c.statements());
        assertEquals("t5", c.result());
        assertTrue(FusedExpression.C_PRELUDE.contains("kiln_gelu_tanh_backward"));
        assertEquals(e, b.build(), "structural equality, for code caches");
        assertEquals(e.hashCode(), b.build().hashCode());
        long[] cost = e.costPerElement();
        assertEquals(1 + 7 + 1, cost[0]);
        assertEquals(1, cost[1]);
    }
}
