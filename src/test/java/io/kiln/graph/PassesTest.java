package io.kiln.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.conformance.Tolerance;
import io.kiln.core.Activation;
import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.core.Cost;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.Op;
import io.kiln.core.Tensor;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Each pass by itself, then the pipeline: what it rewrites, what it leaves, and that results do not change. */
class PassesTest {
    private final Backend ref = Backends.select("reference");
    private final PassContext ctx = new PassContext(ref, CompileOptions.defaults());

    private static long count(Graph g, OpKind kind) {
        return g.nodes().stream().filter(n -> n.kind() == kind).count();
    }

    /** x·0.5·(1 + tanh(0.79788456·x·(1 + 0.044715·x·x))), as a user writes GELU from primitives. */
    static Node geluFromPrimitives(Node x) {
        return x.mul(0.5f).mul(x.mul(x).mul(0.044715f).add(1f).mul(x).mul(0.79788456f).tanh().add(1f));
    }

    // ------------------------------------------------------------------------------------------ single passes

    @Test
    void deadCodeEliminationDropsWhatNoOutputReads() {
        Graph g = new Graph();
        Input x = g.input("x", 4);
        Input unused = g.input("unused", 4);
        x.exp().log(); // dead
        g.output("y", x.tanh());
        Graph out = new DeadCodeElimination().apply(g, ctx);
        assertEquals(3, out.nodes().size(), out.toText()); // x, unused (interface), tanh
        assertTrue(out.nodes().contains(unused));
        assertEquals(0, count(out, OpKind.UNARY) - 1);
        assertEquals(5, g.nodes().size(), "the pass leaves its argument alone");
    }

    @Test
    void cseMergesEqualNodesAndConstants() {
        Graph g = new Graph();
        Input x = g.input("x", 4);
        Node a = x.exp().add(1f);
        Node b = x.exp().add(1f);
        g.output("y", a.mul(b));
        Graph out = new DeadCodeElimination().apply(new CommonSubexpressionElimination().apply(g, ctx), ctx);
        assertEquals(1, count(out, OpKind.CONSTANT), out.toText());
        assertEquals(1, out.nodes().stream().filter(n -> n.opName().equals("exp")).count(), out.toText());
        assertEquals(1, out.nodes().stream().filter(n -> n.opName().equals("add")).count(), out.toText());
        Node mul = out.outputs().get("y");
        assertSame(mul.inputs().get(0), mul.inputs().get(1));
    }

    @Test
    void constantFoldingEvaluatesOnTheBackendAndDropsTimesOne() {
        Graph g = new Graph();
        Input x = g.input("x", 2, 2);
        Node c = g.constant(new float[] {1, 2, 3, 4}, 2, 2).matmul(g.constant(new float[] {1, 0, 0, 1}, 2, 2))
                .mul(g.constant(2f)).exp();
        g.output("y", x.add(c).mul(g.constant(1f)));
        Graph out = new DeadCodeElimination().apply(new ConstantFolding().apply(g, ctx), ctx);
        assertEquals(0, count(out, OpKind.MATMUL), out.toText());
        Node y = out.outputs().get("y");
        assertEquals(OpKind.BINARY, y.kind());
        assertEquals("add", y.opName(), "x·1 dropped");
        Node folded = y.inputs().get(1);
        assertEquals(OpKind.CONSTANT, folded.kind());
        float[] v = ((Attr.Constant) folded.attr()).values();
        assertArrayEquals(new float[] {(float) Math.exp(2), (float) Math.exp(4), (float) Math.exp(6),
                (float) Math.exp(8)}, v);
    }

    @Test
    void geluFromPrimitivesIsOneFusedKernelWithinGeluTanhsBound() {
        Graph g = new Graph("gelu");
        Input x = g.input("x", 64, 33);
        g.output("y", geluFromPrimitives(x));
        float[] xs = Data.uniform(11, 64 * 33, -12, 12);
        CountingBackend be = new CountingBackend();
        try (Executable exe = g.compile(be); Tensor xt = be.fromArray(xs, 64, 33);
             Tensor expect = be.allocate(64, 33)) {
            assertEquals(1, exe.kernels().size(), exe.optimizedGraph().toText());
            Kernel k = exe.kernels().get(0);
            assertEquals("mul+mul+mul+add+mul+mul+tanh+add+mul", k.name());
            // counted on the ops written: 8 FLOPs + 1 tanh per element; bytes: x read once, y written once
            long n = 64 * 33;
            assertEquals(new Cost(8 * n, n, 4 * n, 4 * n), k.cost());
            be.kernels.set(0);
            exe.run(Map.of(x, xs));
            assertEquals(1, be.fused.get());
            assertEquals(1, be.kernels.get());
            be.activation(Activation.GELU_TANH, xt, expect);
            Tolerance.ELEMENTWISE.assertClose("gelu from primitives vs gelu_tanh", be.toArray(expect),
                    exe.output("y"));
        }
        for (CompileOptions.FusedKernels mode : new CompileOptions.FusedKernels[] {
                CompileOptions.FusedKernels.CODEGEN, CompileOptions.FusedKernels.INTERPRETER}) {
            try (Executable exe = g.compile(ref, CompileOptions.defaults().fusedKernels(mode));
                 Tensor xt = ref.fromArray(xs, 64, 33); Tensor expect = ref.allocate(64, 33)) {
                assertEquals(1, exe.kernels().size());
                ref.activation(Activation.GELU_TANH, xt, expect);
                for (int run = 0; run < 2; run++) { // small: the first run is interpreted, the second generated
                    exe.run(Map.of(x, xs));
                    Tolerance.ELEMENTWISE.assertClose(mode + " gelu from primitives vs gelu_tanh, run " + run,
                            ref.toArray(expect), exe.output("y"));
                }
            }
        }
        try (Executable off = g.compile(ref, CompileOptions.defaults().disable(ElementwiseFusion.NAME))) {
            assertEquals(9, off.kernels().size());
            Cost total = off.report().totalCost();
            assertEquals(8 * 64 * 33, total.flops());
            assertTrue(total.bytes() > 8 * 4 * 64 * 33, "unfused moves more bytes: " + total);
        }
    }

    @Test
    void fusionTakesBroadcastOperandsAndMaterializesSharedValues() {
        Graph g = new Graph();
        Input x = g.input("x", 4, 8);
        Input bias = g.input("bias", 8);
        Input rowScale = g.input("rowScale", 4, 1);
        Parameter w = g.parameter("w", 8, 3);
        Node h = x.add(bias).tanh().mul(rowScale).mul(2f);
        Node shared = h.exp();
        g.output("a", shared.sub(1f));
        g.output("b", shared.matmul(w));
        Graph out = new ElementwiseFusion().apply(g, ctx);
        List<Node> fused = out.nodes().stream().filter(n -> n.kind() == OpKind.FUSED_ELEMENTWISE).toList();
        assertEquals(1, fused.size(), out.toText());
        Node f = fused.get(0);
        assertEquals("add+tanh+mul+mul+exp", f.opName());
        assertEquals(List.of(x, bias, rowScale), f.inputs(), "each external input once, scalar 2 inlined");
        Node a = out.outputs().get("a");
        assertEquals("sub", a.opName(), "a group of one stays a plain node");
        assertSame(f, a.inputs().get(0), "the shared value is materialized once");
        assertSame(f, out.outputs().get("b").inputs().get(0));
        float[] xs = Data.uniform(1, 32, -1, 1);
        float[] bs = Data.uniform(2, 8, -1, 1);
        float[] rs = Data.uniform(3, 4, -1, 1);
        Map<Input, float[]> feeds = Map.of(x, xs, bias, bs, rowScale, rs);
        try (Executable on = g.compile(ref); Executable off = g.compile(ref, CompileOptions.none())) {
            on.run(feeds);
            off.run(feeds);
            assertArrayEquals(off.output("a"), on.output("a"));
            assertArrayEquals(off.output("b"), on.output("b"));
        }
    }

    @Test
    void matmulEpilogueTakesBiasAndActivationWhenNothingElseReadsThem() {
        Graph g = new Graph();
        Input x = g.input("x", 5, 6);
        Parameter w = g.parameter("w", 6, 4);
        Parameter b = g.parameter("b", 4);
        g.output("inference", x.matmul(w).add(b).geluTanh());
        g.output("biasOnly", b.add(x.matmul(w, false, false).mul(1f)));
        Graph out = new MatmulEpilogueFusion().apply(new ConstantFolding().apply(g, ctx), ctx);
        List<String> names = out.nodes().stream().filter(n -> n.kind() == OpKind.GEMM_EPILOGUE).map(Node::opName)
                .collect(Collectors.toList());
        assertEquals(List.of("matmul+bias+gelu_tanh", "matmul+bias"), names, out.toText());

        // training: the pre-activation is read again by gelu's backward, so the activation stays out
        Graph t = new Graph();
        Input tx = t.input("x", 5, 6);
        Parameter tw = t.parameter("w", 6, 4);
        Parameter tb = t.parameter("b", 4);
        Node loss = tx.matmul(tw).add(tb).geluTanh().sum();
        t.output("loss", loss);
        t.grad(loss, List.of(tw, tb)).forEach((p, d) -> t.output("d" + ((Parameter) p).name(), d));
        try (Executable exe = t.compile(ref)) {
            List<String> kernels = exe.kernels().stream().map(Kernel::name).toList();
            assertTrue(kernels.contains("matmul+bias"), kernels.toString());
            assertTrue(kernels.stream().noneMatch(k -> k.contains("matmul+bias+gelu")), kernels.toString());
        }
    }

    @Test
    void logSoftmaxNllAndItsGradientBecomeOneCrossEntropyCall() {
        for (boolean viaSoftmaxLog : new boolean[] {false, true}) {
            Graph g = new Graph("ce");
            Input x = g.input("x", 6, 5);
            Input y = g.labels("y", 6);
            Parameter w = g.parameter("w", 5, 4);
            Node logits = x.matmul(w);
            Node loss = (viaSoftmaxLog ? logits.softmax().log() : logits.logSoftmax()).nllLoss(y).mul(3f);
            g.output("loss", loss);
            g.output("dw", g.grad(loss, List.of(w)).get(w));
            float[] xs = Data.uniform(1, 30, -2, 2);
            float[] ws = Data.uniform(2, 20, -1, 1);
            int[] ys = Data.labels(3, 6, 4);
            CountingBackend be = new CountingBackend();
            try (Executable on = g.compile(be); Executable off = g.compile(be, CompileOptions.defaults()
                    .disable(SoftmaxCrossEntropyFusion.NAME)); Tensor wt = be.fromArray(ws, 5, 4)) {
                Graph opt = on.optimizedGraph();
                assertEquals(1, count(opt, OpKind.LOSS_WITH_GRAD), opt.toText());
                assertEquals(0, count(opt, OpKind.LOG_SOFTMAX) + count(opt, OpKind.SOFTMAX)
                        + count(opt, OpKind.NLL_LOSS) + count(opt, OpKind.NLL_GRAD), opt.toText());
                on.bind(w, wt);
                off.bind(w, wt);
                on.run(Map.of(x, xs, y, ys));
                off.run(Map.of(x, xs, y, ys));
                Tolerance.LOSS.assertClose("loss", off.scalar("loss"), on.scalar("loss"));
                Tolerance.SOFTMAX.assertClose("dw", off.output("dw"), on.output("dw"));
            }
        }
    }

    @Test
    void mseAndItsGradientAreOneCall() {
        Graph g = new Graph();
        Input x = g.input("x", 3, 4);
        Input t = g.input("t", 3, 4);
        Parameter w = g.parameter("w", 4, 4);
        Node loss = x.matmul(w).mseLoss(t);
        g.output("loss", loss);
        g.output("dw", g.grad(loss, List.of(w)).get(w));
        CountingBackend be = new CountingBackend();
        try (Executable exe = g.compile(be)) {
            List<String> names = exe.kernels().stream().map(Kernel::name).toList();
            assertTrue(names.contains("mse_loss+mse_loss_grad"), names.toString());
            assertEquals(Op.MSE_LOSS_WITH_GRAD.cost(12).flops(), exe.kernels().stream()
                    .filter(k -> k.name().startsWith("mse")).findFirst().orElseThrow().cost().flops());
        }
    }

    @Test
    void passesSwitchOffByNameAndDumpBeforeAndAfter() {
        Graph g = new Graph("gelu");
        Input x = g.input("x", 4, 4);
        g.output("y", geluFromPrimitives(x));
        assertThrows(InvalidArgumentException.class, () -> CompileOptions.defaults().disable("fuse_everything"));
        try (Executable exe = g.compile(ref, CompileOptions.defaults().dumpPasses(true))) {
            List<String> passes = exe.dumps().stream().map(PassDump::pass).toList();
            assertEquals(List.of("constant_folding", "cse", "dce", "fuse_softmax_cross_entropy",
                    "fuse_matmul_epilogue", "fuse_elementwise", "dce"), passes);
            PassDump fuse = exe.dumps().get(5);
            assertTrue(fuse.before().contains("tanh(%"), fuse.before());
            assertTrue(fuse.after().contains("fused[mul+mul+mul+add+mul+mul+tanh+add+mul]"), fuse.after());
            assertTrue(fuse.afterDot().contains("palegreen"), fuse.afterDot());
        }
        try (Executable exe = g.compile(ref, CompileOptions.defaults().disable("cse", "fuse_elementwise"))) {
            assertEquals(9, exe.kernels().size());
            assertTrue(exe.dumps().isEmpty());
        }
    }

    // ----------------------------------------------------------------------------------------- memory planning

    @Test
    void memoryPlanReusesDeadBuffersHandComputed() {
        // five 16x16 matmuls (1 KiB each); by hand, in schedule order:
        //   k0 a = x·x      new B0
        //   k1 b = a·x      new B1
        //   k2 c = b·x      new B2 (matmul is never in place); b dies → B1 free
        //   k3 d = c·a      takes B1; c and a die → B2, B0 free
        //   k4 e = d·x      takes a free buffer; e is the output
        // three buffers, 3 KiB; without planning five, 5 KiB; at k2 three are live.
        Graph g = new Graph();
        Input x = g.input("x", 16, 16);
        Node a = x.matmul(x);
        Node b = a.matmul(x);
        Node c = b.matmul(x);
        Node d = c.matmul(a);
        g.output("e", d.matmul(x));
        try (Executable exe = g.compile(ref)) {
            MemoryPlan p = exe.memoryPlan();
            assertEquals(3, p.buffers().size(), p.toString());
            assertEquals(3 * 1024, p.plannedBytes());
            assertEquals(5 * 1024, p.unplannedBytes());
            assertEquals(3 * 1024, p.livePeakBytes());
            assertNotSame(exe.tensors[1], null);
            float[] xs = Data.uniform(9, 256, -0.3f, 0.3f);
            exe.run(Map.of(x, xs));
            try (Executable unplanned = g.compile(ref, CompileOptions.defaults().disable(MemoryPlanner.NAME))) {
                assertEquals(5, unplanned.memoryPlan().buffers().size());
                assertEquals(5 * 1024, unplanned.memoryPlan().plannedBytes());
                unplanned.run(Map.of(x, xs));
                assertArrayEquals(unplanned.output("e"), exe.output("e"));
            }
        }
    }

    @Test
    void memoryPlanWritesElementwiseResultsInPlace() {
        // unfused chain exp → neg → sqrt → (output): each op writes into its dying operand's buffer: one buffer
        Graph g = new Graph();
        Input x = g.input("x", 100);
        g.output("y", x.exp().neg().abs().sqrt());
        try (Executable exe = g.compile(ref, CompileOptions.defaults().disable(ElementwiseFusion.NAME))) {
            assertEquals(4, exe.kernels().size());
            assertEquals(1, exe.memoryPlan().buffers().size(), exe.memoryPlan().toString());
            assertEquals(400, exe.memoryPlan().plannedBytes());
            assertEquals(1600, exe.memoryPlan().unplannedBytes());
            float[] xs = Data.uniform(3, 100, -2, 2);
            exe.run(Map.of(x, xs));
            float[] y = exe.output("y");
            for (int i = 0; i < 100; i++) {
                assertEquals((float) Math.sqrt((float) Math.exp(xs[i])), y[i], 1e-6f * y[i]);
            }
        }
    }
}
