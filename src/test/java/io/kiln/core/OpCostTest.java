package io.kiln.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The op catalog's cost formulas against hand-computed cases, under the convention of {@link Cost}. */
class OpCostTest {

    @Test
    void gemmIsTwoMnkFlopsAndReadsCOnlyWhenBetaIsNonZero() {
        // m=3, n=5, k=7: 2·3·5·7 = 210 FLOPs; reads A (21) + B (35) floats, + C (15) when beta != 0; writes C (15)
        assertEquals(new Cost(210, 0, 4 * (21 + 35), 4 * 15), Op.GEMM.cost(3, 5, 7));
        assertEquals(new Cost(210, 0, 4 * (21 + 35), 4 * 15), Op.GEMM.cost(3, 5, 7, 0));
        assertEquals(new Cost(210, 0, 4 * (21 + 35 + 15), 4 * 15), Op.GEMM.cost(3, 5, 7, 1));
        // 2048³: 2^34 FLOPs, no int overflow
        assertEquals(2L * 2048 * 2048 * 2048, Op.GEMM.cost(2048, 2048, 2048).flops());
        assertEquals(new Cost(2 * 210, 0, 2 * 4 * (21 + 35), 2 * 4 * 15), Op.BATCHED_GEMM.cost(2, 3, 5, 7));
        assertEquals(new Cost(2 * 210, 0, 2 * 4 * (21 + 35 + 15), 2 * 4 * 15), Op.BATCHED_GEMM.cost(2, 3, 5, 7, 1));
        Cost c = Op.GEMM.cost(3, 5, 7, 1);
        assertEquals(4 * (21 + 35 + 15 + 15), c.bytes());
        assertEquals(210.0 / (4 * (21 + 35 + 15 + 15)), c.arithmeticIntensity(), 1e-15);
        assertEquals(0.0, Cost.ZERO.arithmeticIntensity());
    }

    @Test
    void geluTanhIsSevenFlopsAndOneTranscendentalPerElement() {
        // 0.5·x·(1 + tanh(c·(x + k·x³))): x³ (2 mul), k·x³, x + ·, c·(·), 1 + tanh, 0.5·x, ·(…) = 7; tanh = 1
        assertEquals(new Cost(70, 10, 40, 40), Op.GELU_TANH.cost(10));
        assertEquals(new Cost(170, 10, 80, 40), Op.GELU_TANH_BACKWARD.cost(10));
    }

    /** The per-element table in Op's javadoc: {flops, transcendentals} forward, then backward. */
    @Test
    void everyActivationMatchesTheDocumentedTable() {
        Object[][] table = {
                {Activation.RELU, 1, 0, 1, 0}, {Activation.LEAKY_RELU, 2, 0, 2, 0},
                {Activation.SIGMOID, 3, 1, 6, 1}, {Activation.TANH, 0, 1, 3, 1}, {Activation.SILU, 4, 1, 8, 1},
                {Activation.GELU_ERF, 4, 1, 10, 2}, {Activation.GELU_TANH, 7, 1, 17, 1},
                {Activation.GELU_SIGMOID, 5, 1, 10, 1}};
        long n = 1000;
        for (Object[] row : table) {
            Activation act = (Activation) row[0];
            Cost f = Op.forward(act).cost(n);
            Cost b = Op.backward(act).cost(n);
            assertEquals(new Cost((int) row[1] * n, (int) row[2] * n, 4 * n, 4 * n), f, act + " forward");
            assertEquals(new Cost((int) row[3] * n, (int) row[4] * n, 8 * n, 4 * n), b, act + " backward");
        }
        assertEquals(Cost.ZERO.plus(new Cost(0, 0, 4 * n, 4 * n)), Op.forward(Activation.IDENTITY).cost(n));
    }

    @Test
    void rowOpsLossesReductionsAndOptimizers() {
        // softmax over 2 rows of 5: 4 FLOPs per element + 1 per row, one exp per element
        assertEquals(new Cost(4 * 10 + 2, 10, 40, 40), Op.SOFTMAX.cost(2, 5));
        assertEquals(new Cost(4 * 10 + 2, 10 + 2, 40, 40), Op.LOG_SOFTMAX.cost(2, 5), "plus one log per row");
        assertEquals(new Cost(4 * 10 + 2, 0, 80, 40), Op.SOFTMAX_BACKWARD.cost(2, 5));
        assertEquals(new Cost(6 * 40 + 4, 40 + 4, 160, 160), Op.CROSS_ENTROPY_WITH_GRAD.cost(4, 10));
        assertEquals(new Cost(4 * 40 + 4, 40 + 4, 160, 0), Op.CROSS_ENTROPY.cost(4, 10));
        assertEquals(new Cost(300, 0, 800, 0), Op.MSE_LOSS.cost(100));
        assertEquals(new Cost(400, 0, 800, 400), Op.MSE_LOSS_WITH_GRAD.cost(100));
        assertEquals(new Cost(100, 0, 400, 40), Op.REDUCE_SUM.cost(100, 10));
        assertEquals(new Cost(200, 1, 400, 0), Op.L2_NORM.cost(100));
        assertEquals(new Cost(12_000, 1000, 16_000, 12_000), Op.ADAM.cost(1000));
        assertEquals(new Cost(2000, 0, 8000, 4000), Op.SGD.cost(1000));
        assertEquals(new Cost(2000, 0, 4000, 4000), Op.DROPOUT.cost(1000));
        assertEquals(new Cost(1000, 0, 8000, 4000), Op.ADD.cost(1000));
        assertEquals(new Cost(0, 1000, 4000, 4000), Op.EXP.cost(1000));
    }

    @Test
    void elementwiseCostsScaleLinearly() {
        for (Op op : Op.values()) {
            if (op.isElementwise()) {
                Cost one = op.cost(1000);
                Cost two = op.cost(2000);
                assertEquals(one.plus(one), two, op + " is linear in n");
                assertTrue(one.bytesRead() > 0 && one.bytesWritten() > 0, op + " moves bytes");
            }
        }
    }

    @Test
    void missingSizesAreRefusedNamingTheArguments() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Op.GEMM.cost(3, 5));
        assertTrue(e.getMessage().contains("gemm") && e.getMessage().contains("m, n, k"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Op.SOFTMAX.cost(2));
        assertThrows(InvalidArgumentException.class, () -> Op.ADD.cost());
        assertThrows(InvalidArgumentException.class, () -> Op.BATCHED_GEMM.cost(1, 2, 3));
    }

    @Test
    void catalogNamesAreUniqueAndMatchTheEnumsTheyDescribe() {
        Set<String> names = new HashSet<>();
        for (Op op : Op.values()) {
            assertTrue(names.add(op.opName()), "duplicate op name " + op.opName());
            assertTrue(op.arity() >= 1, op + " arity");
        }
        for (Activation act : Activation.values()) {
            assertEquals(act.opName(), Op.forward(act).opName());
            if (act != Activation.IDENTITY) {
                assertEquals(act.opName() + "_backward", Op.backward(act).opName());
                assertEquals(Op.Category.ACTIVATION, Op.forward(act).category());
                assertEquals(Op.Category.ACTIVATION_BACKWARD, Op.backward(act).category());
            }
            assertEquals(act, Activation.byName(act.opName()));
            assertEquals(act, Activation.byName(act.name().toLowerCase()));
        }
        assertThrows(InvalidArgumentException.class, () -> Activation.byName("swish2"));
        for (UnaryOp u : UnaryOp.values()) {
            assertEquals(u.opName(), Op.of(u).opName());
            assertTrue(Op.of(u).isElementwise());
        }
        for (BinaryOp b : BinaryOp.values()) {
            assertEquals(b.opName(), Op.of(b).opName());
            assertEquals(2, Op.of(b).arity());
        }
        for (Reduction r : Reduction.values()) {
            assertEquals("reduce_" + r.opName(), Op.of(r).opName());
            assertEquals(Op.Category.REDUCTION, Op.of(r).category());
        }
    }
}
