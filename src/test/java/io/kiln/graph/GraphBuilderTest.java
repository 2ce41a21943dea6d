package io.kiln.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.Activation;
import io.kiln.core.BinaryOp;
import io.kiln.core.Cost;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.Op;
import io.kiln.core.Shape;
import io.kiln.core.ShapeException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The IR and its fluent builder: shape inference, op names, costs, and errors that say where. */
class GraphBuilderTest {

    @Test
    void fluentMlpLayerInfersShapesAndNamesOps() {
        Graph g = new Graph("layer");
        Input x = g.input("x", 128, 784);
        Parameter w = g.parameter("w", 784, 512);
        Parameter b = g.parameter("b", 512);
        Node h = x.matmul(w).add(b).gelu();
        assertEquals(Shape.of(128, 512), h.shape());
        assertEquals(OpKind.ACTIVATION, h.kind());
        assertEquals(Activation.GELU_ERF, h.attr());
        assertEquals("gelu_erf", h.opName());
        Node add = h.inputs().get(0);
        assertEquals(BinaryOp.ADD, add.attr());
        assertEquals(Shape.of(128, 512), add.shape());
        // costs come from the catalog
        assertEquals(Op.GEMM.cost(128, 512, 784).flops(), add.inputs().get(0).cost().flops());
        assertEquals(Op.GELU_ERF.cost(128 * 512).flops(), h.cost().flops());
        assertEquals(Op.GELU_ERF.cost(128 * 512).transcendentals(), h.cost().transcendentals());
    }

    @Test
    void scalarsBroadcastAndTransposedMatmul() {
        Graph g = new Graph();
        Input a = g.input("a", 3, 5);
        Input b = g.input("b", 4, 5);
        assertEquals(Shape.of(3, 4), a.matmul(b, false, true).shape()); // a·bᵀ
        Input c = g.input("c", 3, 6);
        assertEquals(Shape.of(5, 6), a.matmul(c, true, false).mul(0.5f).shape()); // aᵀ·c, times a scalar
        assertEquals(Shape.of(6, 5), c.matmul(a, true, false).shape());
        assertThrows(ShapeException.class, () -> a.matmul(b, true, false)); // aᵀ is 5x3, b 4x5
        assertEquals(Shape.of(3, 5), a.add(g.input("row", 5)).shape());
        assertEquals(Shape.of(3, 5), a.sub(g.input("col", 3, 1)).shape());
        assertEquals(Shape.of(2, 3, 5), a.mul(g.input("batch", 2, 1, 1)).shape());
    }

    @Test
    void shapeErrorNamesOpShapesAndTheUsersLine() {
        Graph g = new Graph();
        Input a = g.input("a", 3, 5);
        Input b = g.input("b", 4, 6);
        ShapeException e = assertThrows(ShapeException.class, () -> a.add(b));
        String m = e.getMessage();
        assertTrue(m.contains("add"), m);
        assertTrue(m.contains("[3, 5]") && m.contains("[4, 6]"), m);
        assertTrue(m.contains("GraphBuilderTest.lambda") && m.contains("GraphBuilderTest.java:"), m);

        ShapeException mm = assertThrows(ShapeException.class, () -> a.matmul(b));
        assertTrue(mm.getMessage().contains("matmul") && mm.getMessage().contains("[3, 5]")
                && mm.getMessage().contains("[4, 6]") && mm.getMessage().contains("GraphBuilderTest.java:"),
                mm.getMessage());
    }

    @Test
    void siteIsTheLineThatMadeTheNode() {
        Graph g = new Graph();
        Input a = g.input("a", 2);
        int line = new Throwable().getStackTrace()[0].getLineNumber() + 1;
        Node n = a.exp();
        assertTrue(n.site().endsWith("GraphBuilderTest.java:" + line + ")"), n.site());
        assertTrue(n.site().contains("siteIsTheLineThatMadeTheNode"), n.site());
    }

    @Test
    void badArgumentsAreRefusedWithNamedErrors() {
        Graph g = new Graph("g");
        Input a = g.input("a", 2, 3);
        assertThrows(InvalidArgumentException.class, () -> g.input("a", 1), "duplicate name");
        assertThrows(InvalidArgumentException.class, () -> a.dropout(1.5f));
        ShapeException r = assertThrows(ShapeException.class, () -> a.reshape(5));
        assertTrue(r.getMessage().contains("reshape") && r.getMessage().contains("[2, 3]"), r.getMessage());
        assertThrows(ShapeException.class, () -> a.biasAdd(g.input("b", 4)));
        Graph other = new Graph("other");
        Input o = other.input("o", 2, 3);
        InvalidArgumentException mix = assertThrows(InvalidArgumentException.class, () -> a.add(o));
        assertTrue(mix.getMessage().contains("other"), mix.getMessage());
        assertThrows(ShapeException.class, () -> a.crossEntropy(g.labels("y", 3)), "one label per row");
        assertThrows(InvalidArgumentException.class, () -> a.crossEntropy(g.input("notLabels", 2)));
        assertThrows(ShapeException.class, () -> a.sum(2));
        assertThrows(ShapeException.class, () -> g.constant(new float[3], 2, 2));
        assertThrows(InvalidArgumentException.class, () -> g.compile(io.kiln.core.Backends.select("reference")),
                "no outputs");
    }

    @Test
    void reductionsLossesAndDropoutShapes() {
        Graph g = new Graph();
        Input x = g.input("x", 6, 4);
        Input y = g.labels("y", 6);
        assertEquals(Shape.scalar(), x.sum().shape());
        assertEquals(Shape.of(6), x.sum(1).shape());
        assertEquals(Shape.of(4), x.mean(0).shape());
        assertEquals(Shape.of(6), x.max(-1).shape());
        assertEquals(Shape.scalar(), x.crossEntropy(y).shape());
        assertEquals(Shape.scalar(), x.logSoftmax().nllLoss(y).shape());
        assertEquals(Shape.scalar(), x.mseLoss(x.mul(2f)).shape());
        assertEquals(Shape.of(6, 4), x.dropout(0.25f).shape());
        assertEquals(Shape.of(3, 6, 4), x.broadcastTo(3, 6, 4).shape());
        assertEquals(Shape.of(24), x.reshape(24).shape());
        Cost ce = x.crossEntropy(y).cost();
        assertEquals(Op.CROSS_ENTROPY.cost(6, 4).flops(), ce.flops());
    }

    @Test
    void printsTextAndDot() {
        Graph g = new Graph("tiny");
        Input x = g.input("x", 2, 3);
        Parameter w = g.parameter("w", 3, 4);
        g.output("y", x.matmul(w).relu());
        String text = g.toText();
        assertTrue(text.contains("input \"x\" : [2, 3]"), text);
        assertTrue(text.contains("matmul(%0, %1) : [2, 4]"), text);
        assertTrue(text.contains("output y = %"), text);
        String dot = g.toDot();
        assertTrue(dot.startsWith("digraph \"tiny\""), dot);
        assertTrue(dot.contains("n0 -> n2"), dot);
        assertEquals(List.of(w), g.parameters());
    }
}
