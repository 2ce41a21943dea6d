package io.kiln.graph;

import io.kiln.core.AdamConfig;
import io.kiln.core.Backend;
import io.kiln.core.Cost;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.KilnException;
import io.kiln.core.SgdConfig;
import io.kiln.core.Shape;
import io.kiln.core.ShapeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dataflow graph of tensor ops, built fluently and compiled once for a backend:
 *
 * <pre>{@code
 * Graph g = new Graph("mlp");
 * Input x = g.input("x", 128, 784);
 * Input y = g.labels("y", 128);
 * Parameter w = g.parameter("w", 784, 10), b = g.parameter("b", 10);
 * Node loss = x.matmul(w).add(b).crossEntropy(y);
 * g.output("loss", loss);
 * Map<Parameter, Node> grads = g.grad(loss, List.of(w, b));
 * grads.forEach((p, d) -> g.adam(p, d, AdamConfig.adam(1e-3f)));
 * Executable exe = g.compile(backend, CompileOptions.defaults());
 * exe.run(Map.of(x, images, y, labels));
 * }</pre>
 *
 * Nodes are immutable and appended in topological order. Passes ({@link Pass}) map a graph to a new graph that shares
 * the leaves (inputs and parameters keep their identity, so feeds and bindings work on every version).
 */
public final class Graph {
    /** Counters shared by a graph and every graph derived from it by passes. */
    static final class Lineage {
        int nextId;
        long dropoutElements;
        long seed = 0x5EEDL;
    }

    private final String name;
    final Lineage lineage;
    final List<Node> nodes;
    final LinkedHashMap<String, Node> outputs;
    final List<Node> effects;

    public Graph() {
        this("graph");
    }

    public Graph(String name) {
        this.name = name;
        this.lineage = new Lineage();
        this.nodes = new ArrayList<>();
        this.outputs = new LinkedHashMap<>();
        this.effects = new ArrayList<>();
    }

    private Graph(String name, Lineage lineage, List<Node> nodes, Map<String, Node> outputs, List<Node> effects) {
        this.name = name;
        this.lineage = lineage;
        this.nodes = new ArrayList<>(nodes);
        this.outputs = new LinkedHashMap<>(outputs);
        this.effects = new ArrayList<>(effects);
    }

    /** A graph of the same lineage with these nodes (topologically ordered), outputs and effects. */
    Graph derive(List<Node> newNodes, Map<String, Node> newOutputs, List<Node> newEffects) {
        return new Graph(name, lineage, newNodes, newOutputs, newEffects);
    }

    public String name() {
        return name;
    }

    /** Every node, in topological order. */
    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** Named outputs, in the order they were declared. */
    public Map<String, Node> outputs() {
        return Collections.unmodifiableMap(outputs);
    }

    /** Optimizer updates, run after everything else in each run. */
    public List<Node> effects() {
        return Collections.unmodifiableList(effects);
    }

    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        for (Node n : nodes) {
            if (n instanceof Parameter p) {
                ps.add(p);
            }
        }
        return ps;
    }

    public List<Input> inputs() {
        List<Input> ps = new ArrayList<>();
        for (Node n : nodes) {
            if (n instanceof Input p) {
                ps.add(p);
            }
        }
        return ps;
    }

    /** The default seed of {@link Node#dropout(float)}. */
    public long seed() {
        return lineage.seed;
    }

    public Graph seed(long seed) {
        lineage.seed = seed;
        return this;
    }

    // ---------------------------------------------------------------------------------------------------- leaves

    /** A float input fed at each run. */
    public Input input(String name, int... dims) {
        Checks.name("input", name, this);
        Input in = new Input(this, lineage.nextId++, OpKind.INPUT, name, shapeOf("input " + name, dims),
                Site.capture());
        nodes.add(in);
        return in;
    }

    /** Integer class labels, one per row, fed at each run as {@code int[]}. */
    public Input labels(String name, int rows) {
        Checks.name("labels", name, this);
        Input in = new Input(this, lineage.nextId++, OpKind.LABELS, name, shapeOf("labels " + name, rows),
                Site.capture());
        nodes.add(in);
        return in;
    }

    /** A trainable tensor, bound with {@link Executable#bind} (zeros until bound). */
    public Parameter parameter(String name, int... dims) {
        Checks.name("parameter", name, this);
        Parameter p = new Parameter(this, lineage.nextId++, name, shapeOf("parameter " + name, dims), Site.capture());
        nodes.add(p);
        return p;
    }

    /** A scalar constant (shape []); it broadcasts against anything. */
    public Node constant(float value) {
        return append(OpKind.CONSTANT, new Attr.Constant(new float[] {value}), List.of(), Shape.scalar(),
                Site.capture(), false);
    }

    /** A constant tensor (the values are copied). */
    public Node constant(float[] values, int... dims) {
        String site = Site.capture();
        Shape s = shapeOf("constant", dims);
        if (values == null || values.length != s.size()) {
            throw new ShapeException("constant: " + (values == null ? "null values" : values.length + " values")
                    + " for shape " + s + " (node made at " + site + ")");
        }
        return append(OpKind.CONSTANT, new Attr.Constant(values.clone()), List.of(), s, site, false);
    }

    private static Shape shapeOf(String what, int... dims) {
        if (dims == null) {
            throw new InvalidArgumentException(what + ": dims is null");
        }
        return Shape.of(dims);
    }

    // ------------------------------------------------------------------------------------------------------- ops

    /** Appends an op node made by the fluent API: checks the inputs, infers the shape, records the caller's site. */
    Node op(OpKind kind, Object attr, Node... in) {
        String site = Site.capture();
        List<Node> inputs = checkInputs(kind, attr, site, in);
        String opName = Shapes.opName(kind, attr);
        Shape shape;
        try {
            shape = Shapes.infer(kind, attr, inputs, opName);
        } catch (KilnException e) {
            throw atSite(e, site);
        }
        return append(kind, attr, inputs, shape, site, false);
    }

    /** Appends an op node whose shape is given (reshape, broadcast_to). */
    Node opWithShape(OpKind kind, Object attr, Shape shape, Node... in) {
        String site = Site.capture();
        List<Node> inputs = checkInputs(kind, attr, site, in);
        try {
            Shapes.checkExplicit(kind, shape, inputs, Shapes.opName(kind, attr));
        } catch (KilnException e) {
            throw atSite(e, site);
        }
        return append(kind, attr, inputs, shape, site, false);
    }

    Node dropout(Node x, float p, long seed) {
        String site = Site.capture();
        checkInputs(OpKind.DROPOUT, null, site, x);
        if (!(p >= 0 && p <= 1)) {
            throw new InvalidArgumentException("dropout: p must lie in [0, 1], got " + p + " (node made at " + site
                    + ")");
        }
        Attr.Dropout attr = new Attr.Dropout(p, seed, lineage.dropoutElements);
        lineage.dropoutElements += x.shape.size();
        return append(OpKind.DROPOUT, attr, List.of(x), x.shape, site, false);
    }

    private List<Node> checkInputs(OpKind kind, Object attr, String site, Node... in) {
        for (int i = 0; i < in.length; i++) {
            if (in[i] == null) {
                throw new InvalidArgumentException(Shapes.opName(kind, attr) + ": operand " + i
                        + " is null (node made at " + site + ")");
            }
            if (in[i].graph != this) {
                throw new InvalidArgumentException(Shapes.opName(kind, attr) + ": operand " + in[i]
                        + " belongs to graph '" + in[i].graph.name + "', not '" + name + "' (node made at " + site
                        + ")");
            }
        }
        return Arrays.asList(in);
    }

    static KilnException atSite(KilnException e, String site) {
        String msg = e.getMessage() + " (node made at " + site + ")";
        KilnException w = e instanceof ShapeException ? new ShapeException(msg) : new InvalidArgumentException(msg);
        w.initCause(e);
        return w;
    }

    /** Adds a node of a user-visible op kind (cost and op name from the catalog) to this graph. */
    Node append(OpKind kind, Object attr, List<Node> inputs, Shape shape, String site, boolean gradient) {
        Node n = make(kind, attr, inputs, shape, site, List.of(Shapes.opName(kind, attr)),
                Costs.of(kind, attr, inputs, shape), gradient);
        nodes.add(n);
        return n;
    }

    /** A new node of this lineage, not yet in any node list (passes place it). */
    Node make(OpKind kind, Object attr, List<Node> inputs, Shape shape, String site, List<String> ops, Cost cost,
              boolean gradient) {
        return new Node(this, lineage.nextId++, kind, inputs, attr, shape, site, ops, cost, gradient);
    }

    // -------------------------------------------------------------------------------------- outputs and training

    /** Declares {@code node} an output, read after each run with {@link Executable#output(String)}. */
    public Graph output(String name, Node node) {
        if (name == null || name.isBlank()) {
            throw new InvalidArgumentException("output: name is blank");
        }
        if (node == null || !nodes.contains(node)) {
            throw new InvalidArgumentException("output " + name + ": node " + node + " is not in graph '" + this.name
                    + "'");
        }
        if (outputs.containsKey(name)) {
            throw new InvalidArgumentException("output " + name + ": already declared (" + outputs.get(name) + ")");
        }
        outputs.put(name, node);
        return this;
    }

    /**
     * Appends the backward graph of {@code loss} (a one-element node) and returns d loss / d p for each parameter
     * (a zero-valued node for parameters the loss does not depend on).
     */
    public Map<Parameter, Node> grad(Node loss, Collection<Parameter> parameters) {
        return Autodiff.grad(this, loss, List.copyOf(parameters));
    }

    /** Appends an Adam/AdamW step of {@code param} with gradient {@code grad}, run in place after each run. */
    public Node adam(Parameter param, Node grad, AdamConfig config) {
        if (config == null) {
            throw new InvalidArgumentException("adam: config is null");
        }
        return update(OpKind.ADAM_UPDATE, new Attr.Adam(config), param, grad);
    }

    /** Appends an SGD step of {@code param} with gradient {@code grad}, run in place after each run. */
    public Node sgd(Parameter param, Node grad, SgdConfig config) {
        if (config == null) {
            throw new InvalidArgumentException("sgd: config is null");
        }
        return update(OpKind.SGD_UPDATE, new Attr.Sgd(config), param, grad);
    }

    private Node update(OpKind kind, Object attr, Parameter param, Node grad) {
        for (Node e : effects) {
            if (e.inputs.get(0) == param) {
                throw new InvalidArgumentException(kind.opName() + ": parameter " + param.name()
                        + " already has an update (" + e + ")");
            }
        }
        Node n = op(kind, attr, param, grad);
        effects.add(n);
        return n;
    }

    // ------------------------------------------------------------------------------------------------ compiling

    /** Compiles with every pass on. */
    public Executable compile(Backend backend) {
        return compile(backend, CompileOptions.defaults());
    }

    /** Runs the passes and plans kernels and memory for {@code backend}. */
    public Executable compile(Backend backend, CompileOptions options) {
        return Compiler.compile(this, backend, options);
    }

    /**
     * This graph after the passes {@code options} enable, as {@link #compile} would run them for {@code backend}
     * (without planning memory or making kernels).
     */
    public Graph optimize(Backend backend, CompileOptions options) {
        return Compiler.optimize(this, backend, options,
                FusedKernelSupport.resolve(backend, options.fusedKernels()), new ArrayList<>());
    }

    /** A readable listing, one node a line. */
    public String toText() {
        return GraphPrinter.text(this);
    }

    /** Graphviz source. */
    public String toDot() {
        return GraphPrinter.dot(this);
    }

    @Override
    public String toString() {
        return "Graph " + name + " (" + nodes.size() + " nodes, " + outputs.size() + " outputs, " + effects.size()
                + " updates)";
    }

    /** Small argument checks of the builder. */
    static final class Checks {
        private Checks() {
        }

        static void name(String what, String name, Graph g) {
            if (name == null || name.isBlank()) {
                throw new InvalidArgumentException(what + ": name is blank");
            }
            for (Node n : g.nodes) {
                if ((n instanceof Input i && i.name().equals(name))
                        || (n instanceof Parameter p && p.name().equals(name))) {
                    throw new InvalidArgumentException(what + " " + name + ": the graph already has " + n);
                }
            }
        }
    }
}
