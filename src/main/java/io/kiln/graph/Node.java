package io.kiln.graph;

import io.kiln.core.Activation;
import io.kiln.core.BinaryOp;
import io.kiln.core.Cost;
import io.kiln.core.Reduction;
import io.kiln.core.Shape;
import io.kiln.core.UnaryOp;
import java.util.List;

/**
 * A value in a {@link Graph}: a leaf (input, labels, parameter, constant) or the result of an op on earlier nodes.
 * Immutable; its shape is inferred when it is made, and a shape error names the op, the shapes and where in the
 * caller's code the node was made. The fluent methods add a new node to the same graph and read like the maths:
 * {@code x.matmul(w).add(b).gelu()}.
 */
public class Node {
    final Graph graph;
    final int id;
    final OpKind kind;
    final List<Node> inputs;
    final Object attr;
    final Shape shape;
    final String site;
    /** Names of the user-written ops this node computes (one for plain ops; several once fused). */
    final List<String> ops;
    /** Counted FLOPs and transcendentals of those ops (bytes are counted per kernel, after fusion). */
    final Cost cost;
    /** Made by autodiff. */
    final boolean gradient;

    Node(Graph graph, int id, OpKind kind, List<Node> inputs, Object attr, Shape shape, String site, List<String> ops,
         Cost cost, boolean gradient) {
        this.graph = graph;
        this.id = id;
        this.kind = kind;
        this.inputs = List.copyOf(inputs);
        this.attr = attr;
        this.shape = shape;
        this.site = site;
        this.ops = List.copyOf(ops);
        this.cost = cost;
        this.gradient = gradient;
    }

    public Shape shape() {
        return shape;
    }

    public OpKind kind() {
        return kind;
    }

    public List<Node> inputs() {
        return inputs;
    }

    /** The node's attribute: a {@link BinaryOp}, {@link UnaryOp}, {@link Activation} or an {@link Attr} record. */
    public Object attr() {
        return attr;
    }

    /** Where the node was made ({@code Class.method(File.java:line)}). */
    public String site() {
        return site;
    }

    /** Number within its graph lineage, as printed in dumps ({@code %12}). */
    public int id() {
        return id;
    }

    /** Names of the ops this node computes, in order ({@code [matmul, add, gelu_tanh]}). */
    public List<String> ops() {
        return ops;
    }

    /** The counted cost of the ops this node computes (FLOPs and transcendentals; see {@link Cost}). */
    public Cost cost() {
        return cost;
    }

    public boolean isGradient() {
        return gradient;
    }

    /** The op name as kernels are named: {@code add}, {@code gelu_tanh}, {@code matmul+bias+relu}. */
    public String opName() {
        return String.join("+", ops);
    }

    public Graph graph() {
        return graph;
    }

    // ------------------------------------------------------------------------------------------------ fluent API

    /** {@code this · other}. */
    public Node matmul(Node other) {
        return matmul(other, false, false);
    }

    /** {@code op(this) · op(other)}, op = transpose when the flag is set (this stored k×m, other stored n×k). */
    public Node matmul(Node other, boolean transposeThis, boolean transposeOther) {
        return graph.op(OpKind.MATMUL, new Attr.Matmul(transposeThis, transposeOther), this, other);
    }

    public Node add(Node other) {
        return binary(BinaryOp.ADD, other);
    }

    public Node add(float c) {
        return binary(BinaryOp.ADD, graph.constant(c));
    }

    public Node sub(Node other) {
        return binary(BinaryOp.SUB, other);
    }

    public Node sub(float c) {
        return binary(BinaryOp.SUB, graph.constant(c));
    }

    public Node mul(Node other) {
        return binary(BinaryOp.MUL, other);
    }

    public Node mul(float c) {
        return binary(BinaryOp.MUL, graph.constant(c));
    }

    public Node div(Node other) {
        return binary(BinaryOp.DIV, other);
    }

    public Node div(float c) {
        return binary(BinaryOp.DIV, graph.constant(c));
    }

    /** Elementwise maximum (NaN propagates, as {@link Math#max}). */
    public Node maximum(Node other) {
        return binary(BinaryOp.MAX, other);
    }

    public Node minimum(Node other) {
        return binary(BinaryOp.MIN, other);
    }

    /** {@code this op other} with NumPy broadcasting. */
    public Node binary(BinaryOp op, Node other) {
        return graph.op(OpKind.BINARY, op, this, other);
    }

    /** {@code this[r, j] + bias[j]}: bias holds {@code cols} values ({@code [cols]} or {@code [1, cols]}). */
    public Node biasAdd(Node bias) {
        return graph.op(OpKind.BIAS_ADD, null, this, bias);
    }

    public Node neg() {
        return unary(UnaryOp.NEG);
    }

    public Node abs() {
        return unary(UnaryOp.ABS);
    }

    public Node exp() {
        return unary(UnaryOp.EXP);
    }

    public Node log() {
        return unary(UnaryOp.LOG);
    }

    public Node tanh() {
        return unary(UnaryOp.TANH);
    }

    public Node erf() {
        return unary(UnaryOp.ERF);
    }

    public Node sqrt() {
        return unary(UnaryOp.SQRT);
    }

    public Node reciprocal() {
        return unary(UnaryOp.RECIPROCAL);
    }

    public Node square() {
        return unary(UnaryOp.SQUARE);
    }

    public Node unary(UnaryOp op) {
        return graph.op(OpKind.UNARY, op, this);
    }

    public Node relu() {
        return activation(Activation.RELU);
    }

    public Node leakyRelu() {
        return activation(Activation.LEAKY_RELU);
    }

    public Node sigmoid() {
        return activation(Activation.SIGMOID);
    }

    /** The tanh activation (same values as {@link #tanh()}, counted and differentiated as an activation). */
    public Node tanhActivation() {
        return activation(Activation.TANH);
    }

    public Node silu() {
        return activation(Activation.SILU);
    }

    /** The exact GELU, {@code x·Φ(x)} (PyTorch's default). */
    public Node gelu() {
        return activation(Activation.GELU_ERF);
    }

    /** GELU, tanh approximation. */
    public Node geluTanh() {
        return activation(Activation.GELU_TANH);
    }

    /** GELU, sigmoid approximation. */
    public Node geluSigmoid() {
        return activation(Activation.GELU_SIGMOID);
    }

    public Node activation(Activation act) {
        return graph.op(OpKind.ACTIVATION, act, this);
    }

    /** {@code min(max(this, lo), hi)}. */
    public Node clamp(float lo, float hi) {
        return graph.op(OpKind.CLAMP, new Attr.Clamp(lo, hi), this);
    }

    /** Softmax over the last dimension. */
    public Node softmax() {
        return graph.op(OpKind.SOFTMAX, null, this);
    }

    /** Log-softmax over the last dimension. */
    public Node logSoftmax() {
        return graph.op(OpKind.LOG_SOFTMAX, null, this);
    }

    /** Sum of every element (a scalar). */
    public Node sum() {
        return reduce(Reduction.SUM, Attr.Reduce.ALL);
    }

    /** Sum over {@code axis} of a rank-1 or rank-2 node (−1 is the last). */
    public Node sum(int axis) {
        return reduce(Reduction.SUM, axis);
    }

    public Node mean() {
        return reduce(Reduction.MEAN, Attr.Reduce.ALL);
    }

    public Node mean(int axis) {
        return reduce(Reduction.MEAN, axis);
    }

    /** Maximum over {@code axis} (forward only: not differentiable here). */
    public Node max(int axis) {
        return reduce(Reduction.MAX, axis);
    }

    private Node reduce(Reduction r, int axis) {
        return graph.op(OpKind.REDUCE, new Attr.Reduce(r, axis), this);
    }

    /** The same values with another shape of the same size. */
    public Node reshape(int... dims) {
        return graph.opWithShape(OpKind.RESHAPE, null, Shape.of(dims), this);
    }

    /** This node broadcast to {@code dims} (NumPy rules). */
    public Node broadcastTo(int... dims) {
        return graph.opWithShape(OpKind.BROADCAST_TO, null, Shape.of(dims), this);
    }

    /** Inverted dropout with the graph's seed; a new mask each run. */
    public Node dropout(float p) {
        return graph.dropout(this, p, graph.seed());
    }

    public Node dropout(float p, long seed) {
        return graph.dropout(this, p, seed);
    }

    /** {@code mean((this − target)²)}, a scalar. */
    public Node mseLoss(Node target) {
        return graph.op(OpKind.MSE_LOSS, null, this, target);
    }

    /** Cross-entropy of these logits ([rows, classes]) against class labels, mean over rows (PyTorch's). */
    public Node crossEntropy(Input labels) {
        return graph.op(OpKind.CROSS_ENTROPY, null, this, labels);
    }

    /** Cross-entropy of these logits against soft targets (a distribution per row), mean over rows. */
    public Node crossEntropySoft(Node targets) {
        return graph.op(OpKind.CROSS_ENTROPY_SOFT, null, this, targets);
    }

    /** Negative log-likelihood of these log-probabilities at the labels, mean over rows (PyTorch's nll_loss). */
    public Node nllLoss(Input labels) {
        return graph.op(OpKind.NLL_LOSS, null, this, labels);
    }

    @Override
    public String toString() {
        return "%" + id + " " + opName() + " " + shape;
    }
}
