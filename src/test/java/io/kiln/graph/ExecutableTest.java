package io.kiln.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.Activation;
import io.kiln.core.AdamConfig;
import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.core.Epilogue;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.SgdConfig;
import io.kiln.core.ShapeException;
import io.kiln.core.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Compile once, run many times: results, buffer reuse, bound tensors, in-place parameter updates. */
class ExecutableTest {
    private final Backend ref = Backends.select("reference");

    @Test
    void mlpLayerMatchesTheEagerKernels() {
        Graph g = new Graph("layer");
        Input x = g.input("x", 8, 16);
        Parameter w = g.parameter("w", 16, 12);
        Parameter b = g.parameter("b", 12);
        g.output("y", x.matmul(w).add(b).geluTanh());
        float[] xs = Data.uniform(1, 8 * 16, -2, 2);
        float[] ws = Data.uniform(2, 16 * 12, -0.5f, 0.5f);
        float[] bs = Data.uniform(3, 12, -1, 1);
        try (Executable exe = g.compile(ref); Tensor wt = ref.fromArray(ws, 16, 12); Tensor bt = ref.fromArray(bs, 12);
             Tensor xt = ref.fromArray(xs, 8, 16); Tensor expect = ref.allocate(8, 12)) {
            exe.bind(w, wt).bind(b, bt);
            exe.run(Map.of(x, xs));
            ref.gemm(false, false, 1f, xt, wt, 0f, expect, Epilogue.of(bt, Activation.GELU_TANH));
            assertArrayEquals(ref.toArray(expect), exe.output("y"));
            assertEquals(1, exe.kernels().size(), exe.kernels().toString());
            assertEquals("matmul+bias+gelu_tanh", exe.kernels().get(0).name());
        }
    }

    @Test
    void runsManyTimesWithoutAllocatingAfterTheFirst() {
        CountingBackend be = new CountingBackend();
        Graph g = new Graph("train");
        Input x = g.input("x", 6, 5);
        Input y = g.labels("y", 6);
        Parameter w1 = g.parameter("w1", 5, 7);
        Parameter b1 = g.parameter("b1", 7);
        Parameter w2 = g.parameter("w2", 7, 3);
        Node loss = x.matmul(w1).add(b1).tanh().dropout(0.1f).matmul(w2).crossEntropy(y);
        g.output("loss", loss);
        g.grad(loss, List.of(w1, b1, w2)).forEach((p, d) -> g.adam(p, d, AdamConfig.adam(0.01f)));
        try (Executable exe = g.compile(be)) {
            exe.bind(w1, be.fromArray(Data.uniform(4, 35, -1, 1), 5, 7));
            exe.bind(w2, be.fromArray(Data.uniform(5, 21, -1, 1), 7, 3));
            float[] xs = Data.uniform(6, 30, -1, 1);
            int[] ys = Data.labels(7, 6, 3);
            exe.run(Map.of(x, xs, y, ys));
            int afterFirst = be.allocations.get();
            float first = exe.scalar("loss");
            for (int i = 0; i < 20; i++) {
                exe.run(Map.of(x, Data.uniform(100 + i, 30, -1, 1), y, Data.labels(200 + i, 6, 3)));
            }
            exe.run(Map.of(x, xs, y, ys));
            assertEquals(afterFirst, be.allocations.get(), "no tensor allocated after the first run");
            assertTrue(exe.scalar("loss") < first, "Adam updated the bound parameters in place: " + first + " -> "
                    + exe.scalar("loss"));
            assertEquals(22, exe.runs());
        }
    }

    @Test
    void boundInputTensorsAreUsedInPlaceAndFeedsAreSticky() {
        Graph g = new Graph();
        Input x = g.input("x", 4);
        Input s = g.input("s", 4);
        g.output("y", x.mul(s).exp());
        try (Executable exe = g.compile(ref); Tensor xt = ref.fromArray(new float[] {0, 1, 2, 3}, 4)) {
            exe.run(Map.of(x, xt, s, new float[] {1, 1, 1, 1}));
            float[] y1 = exe.output("y");
            assertEquals((float) Math.exp(3), y1[3], 1e-5);
            ref.copyIn(new float[] {0, 0, 0, 1}, xt); // the executable reads the bound tensor itself
            exe.run(Map.of(s, new float[] {2, 2, 2, 2}));
            assertEquals((float) Math.exp(2), exe.output("y")[3], 1e-5);
            assertEquals(1f, exe.output("y")[0]);
        }
    }

    @Test
    void parametersBoundToTensorsAreUpdatedInPlaceByTheTrainerBetweenRuns() {
        Graph g = new Graph();
        Input x = g.input("x", 3, 2);
        Parameter w = g.parameter("w", 2, 2);
        Node out = x.matmul(w).sum();
        g.output("out", out);
        Node dw = g.grad(out, List.of(w)).get(w);
        g.output("dw", dw);
        try (Executable exe = g.compile(ref); Tensor wt = ref.fromArray(new float[] {1, 0, 0, 1}, 2, 2)) {
            exe.bind(w, wt);
            exe.run(Map.of(x, new float[] {1, 2, 3, 4, 5, 6}));
            assertEquals(21f, exe.scalar("out"));
            assertArrayEquals(new float[] {9, 9, 12, 12}, exe.output("dw"));
            ref.sgdStep(SgdConfig.plain(0.1f), 1, wt, exe.tensor("dw"), null);
            assertSame(wt, exe.parameter(w));
            exe.run();
            assertEquals(21f - 0.1f * (9 * 9 + 9 * 9 + 12 * 12 + 12 * 12), exe.scalar("out"), 1e-3);
        }
    }

    @Test
    void badFeedsAreRefusedBeforeAnyWork() {
        Graph g = new Graph("g");
        Input x = g.input("x", 2, 2);
        Input y = g.labels("y", 2);
        g.output("loss", x.crossEntropy(y));
        try (Executable exe = g.compile(ref)) {
            InvalidArgumentException never = assertThrows(InvalidArgumentException.class,
                    () -> exe.run(Map.of(x, new float[4])));
            assertTrue(never.getMessage().contains("y"), never.getMessage());
            assertThrows(ShapeException.class, () -> exe.run(Map.of(x, new float[3], y, new int[] {0, 1})));
            assertThrows(InvalidArgumentException.class, () -> exe.run(Map.of(x, new float[4], y, new float[2])));
            assertThrows(InvalidArgumentException.class, () -> exe.run(Map.of(x, new float[4], y, new int[] {0, 2})));
            Map<Input, Object> wrong = new HashMap<>();
            wrong.put(new Graph("other").input("x", 2, 2), new float[4]);
            assertThrows(InvalidArgumentException.class, () -> exe.run(wrong));
            assertThrows(InvalidArgumentException.class, () -> exe.output("nope"));
        }
    }

    @Test
    void dropoutDrawsAFreshMaskEachRunAndItsBackwardReusesIt() {
        Graph g = new Graph();
        Input x = g.input("x", 64);
        Parameter p = g.parameter("p", 64);
        Node d = x.mul(p).dropout(0.5f);
        Node loss = d.sum();
        g.output("d", d);
        g.output("dp", g.grad(loss, List.of(p)).get(p));
        float[] ones = new float[64];
        java.util.Arrays.fill(ones, 1f);
        try (Executable exe = g.compile(ref); Tensor pt = ref.fromArray(ones, 64)) {
            exe.bind(p, pt);
            exe.run(Map.of(x, ones));
            float[] d1 = exe.output("d");
            float[] g1 = exe.output("dp");
            assertArrayEquals(d1, g1, "d(sum(dropout(x·p)))/dp = mask·x/(1-p) with the forward's mask");
            exe.run();
            assertNotEquals(java.util.Arrays.toString(d1), java.util.Arrays.toString(exe.output("d")),
                    "a new mask each run");
            assertArrayEquals(exe.output("d"), exe.output("dp"));
        }
    }
}
