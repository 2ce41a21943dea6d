package io.kiln.graph;

import io.kiln.core.Activation;
import io.kiln.core.AdamConfig;
import io.kiln.core.Backend;
import io.kiln.core.BinaryOp;
import io.kiln.core.Cost;
import io.kiln.core.Epilogue;
import io.kiln.core.FusedExpression;
import io.kiln.core.HostTensor;
import io.kiln.core.InvalidArgumentException;
import io.kiln.core.MemorySpace;
import io.kiln.core.Op;
import io.kiln.core.Reduction;
import io.kiln.core.SgdConfig;
import io.kiln.core.Shape;
import io.kiln.core.ShapeException;
import io.kiln.core.Tensor;
import io.kiln.core.UnaryOp;
import io.kiln.graph.codegen.FusedKernelCompiler;
import io.kiln.graph.codegen.VectorInterpreter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph compiled for one backend: a schedule of kernels over tensors allocated once. Run it many times with new
 * inputs; nothing is allocated per run after the first (inputs fed as {@code float[]} are copied into tensors
 * allocated on first use; inputs fed as tensors are used in place). Parameters live in bound tensors that optimizer
 * updates (in the graph, or called by the trainer between runs) change in place.
 *
 * <p>Feeds are sticky: an input not fed in a run keeps the value of the previous run. Not thread-safe.
 */
public final class Executable implements AutoCloseable {
    private final Backend backend;
    private final Graph source;
    private final Graph graph;
    private final CompileOptions options;
    private final FusedKernelSupport.Evaluator evaluator;
    private final List<PassDump> dumps;
    private final long compileNanos;
    private final boolean host;
    private final Map<Node, Integer> slot = new IdentityHashMap<>();
    final Tensor[] tensors;
    final int[][] labels;
    private final boolean[] fed;
    private final Tensor[] feedCopies;
    private final List<Kernel> kernels = new ArrayList<>();
    private final MemoryPlan plan;
    private final List<Tensor> owned = new ArrayList<>();
    private final Set<Node> required = Collections.newSetFromMap(new IdentityHashMap<>());
    private final long dropoutStride;
    long runs;
    private boolean closed;

    Executable(Backend backend, Graph source, Graph graph, CompileOptions options,
               FusedKernelSupport.Evaluator evaluator, List<PassDump> dumps, long passNanos) {
        long t0 = System.nanoTime();
        this.backend = backend;
        this.source = source;
        this.graph = graph;
        this.options = options;
        this.evaluator = evaluator;
        this.dumps = List.copyOf(dumps);
        this.host = backend.memory() == MemorySpace.HOST;
        this.dropoutStride = Math.max(1, graph.lineage.dropoutElements);
        List<Node> nodes = graph.nodes;
        for (int i = 0; i < nodes.size(); i++) {
            slot.put(nodes.get(i), i);
        }
        tensors = new Tensor[nodes.size()];
        labels = new int[nodes.size()][];
        fed = new boolean[nodes.size()];
        feedCopies = new Tensor[nodes.size()];

        // ---- schedule: every op node in order, updates last
        List<Node> order = new ArrayList<>();
        List<Node> updates = new ArrayList<>();
        for (Node n : nodes) {
            if (n.kind.isLeaf() || n.kind == OpKind.LOSS_OF) {
                continue;
            }
            (n.kind.isEffect() ? updates : order).add(n);
        }
        order.addAll(updates);
        Map<Node, Node> lossOf = new IdentityHashMap<>();
        for (Node n : nodes) {
            if (n.kind == OpKind.LOSS_OF) {
                lossOf.put(n.inputs.get(0), n);
            }
        }
        Set<Node> external = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n : nodes) {
            if (n.kind.isLeaf()) {
                external.add(n);
            }
        }
        List<MemoryPlanner.Step> steps = new ArrayList<>();
        for (Node n : order) {
            List<Node> writes = new ArrayList<>();
            if (!n.kind.isEffect()) {
                writes.add(n);
            }
            if (lossOf.containsKey(n)) {
                writes.add(lossOf.get(n));
            }
            Node viewOf = null;
            if (n.kind == OpKind.RESHAPE && host) {
                if (external.contains(n.inputs.get(0))) {
                    writes.clear(); // a view of a fed tensor, made when the feed changes
                } else {
                    viewOf = n.inputs.get(0);
                }
            }
            steps.add(new MemoryPlanner.Step(n.inputs, writes, inPlaceOperands(n), viewOf));
        }
        Set<Node> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        keep.addAll(graph.outputs.values());
        plan = MemoryPlanner.plan(steps, external, keep, n -> host ? (Object) n.shape.size() : n.shape,
                options.enabled(MemoryPlanner.NAME));

        // ---- tensors: buffers, views of them, constants, parameters
        Tensor[] buffers = new Tensor[plan.buffers().size()];
        for (MemoryPlan.Buffer b : plan.buffers()) {
            buffers[b.index()] = own(backend.allocate(b.shape().dims()));
        }
        for (Map.Entry<Node, Integer> e : plan.storageOf().entrySet()) {
            Tensor b = buffers[e.getValue()];
            tensors[slot.get(e.getKey())] = b.shape().equals(e.getKey().shape) ? b : view(b, e.getKey().shape);
        }
        for (Node n : nodes) {
            if (n.kind == OpKind.CONSTANT) {
                tensors[slot.get(n)] = own(backend.fromArray(((Attr.Constant) n.attr).values(), n.shape.dims()));
            } else if (n.kind == OpKind.PARAMETER) {
                tensors[slot.get(n)] = own(backend.allocate(n.shape.dims()));
            }
        }
        for (Node n : order) {
            for (Node in : n.inputs) {
                if (in.kind == OpKind.INPUT || in.kind == OpKind.LABELS) {
                    required.add(in);
                }
            }
        }
        for (Node o : graph.outputs.values()) {
            if (o.kind == OpKind.INPUT) {
                required.add(o);
            }
        }

        // ---- kernels
        for (Node n : order) {
            Kernel.Body body = lower(n, lossOf.get(n));
            if (body == null) {
                continue; // a view: no work
            }
            List<Node> writes = new ArrayList<>(List.of(n));
            if (lossOf.containsKey(n)) {
                writes.add(lossOf.get(n));
            }
            kernels.add(new Kernel(n.opName(), n.ops, writes, kernelCost(n, writes), body));
        }
        this.compileNanos = passNanos + (System.nanoTime() - t0);
    }

    private Tensor own(Tensor t) {
        owned.add(t);
        return t;
    }

    /** {@code t}'s storage seen with another shape of the same size (host tensors only). */
    private Tensor view(Tensor t, Shape shape) {
        if (!(t instanceof HostTensor h)) {
            throw new IllegalStateException("views need host tensors, got " + t);
        }
        return new HostTensor(shape, backend, h.data());
    }

    /** Operands whose buffer the kernel of {@code n} may write its result into. */
    private static List<Node> inPlaceOperands(Node n) {
        List<Node> c = new ArrayList<>();
        switch (n.kind) {
            case BINARY, FUSED_ELEMENTWISE -> {
                for (Node in : n.inputs) {
                    if (in.shape.equals(n.shape)) {
                        c.add(in);
                    }
                }
            }
            case UNARY, ACTIVATION, CLAMP, DROPOUT, DROPOUT_BACKWARD, SOFTMAX, LOG_SOFTMAX, BIAS_ADD -> {
                if (n.inputs.get(0).shape.equals(n.shape)) {
                    c.add(n.inputs.get(0));
                }
            }
            case ACTIVATION_BACKWARD -> c.add(n.inputs.get(1));
            default -> {
            }
        }
        return c;
    }

    /** FLOPs and transcendentals of the ops; bytes: each distinct tensor read, plus each written, once. */
    private Cost kernelCost(Node n, List<Node> writes) {
        if (n.kind == OpKind.ADAM_UPDATE || n.kind == OpKind.SGD_UPDATE) {
            Cost c = n.kind == OpKind.ADAM_UPDATE
                    ? (((Attr.Adam) n.attr).config().decoupled() ? Op.ADAMW : Op.ADAM).cost(n.shape.size())
                    : (((Attr.Sgd) n.attr).config().usesMomentum() ? Op.SGD_MOMENTUM : Op.SGD).cost(n.shape.size());
            return new Cost(n.cost.flops(), n.cost.transcendentals(), c.bytesRead(), c.bytesWritten());
        }
        long read = 0;
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node in : n.inputs) {
            if (seen.add(in)) {
                read += 4L * in.shape.size();
            }
        }
        long written = 0;
        for (Node w : writes) {
            written += 4L * w.shape.size();
        }
        return new Cost(n.cost.flops(), n.cost.transcendentals(), read, written);
    }

    // --------------------------------------------------------------------------------------------------- lowering

    private int s(Node n) {
        return slot.get(n);
    }

    private Kernel.Body lower(Node n, Node lossNode) {
        List<Node> in = n.inputs;
        int o = s(n);
        int a = in.isEmpty() ? -1 : s(in.get(0));
        int b = in.size() < 2 ? -1 : s(in.get(1));
        return switch (n.kind) {
            case MATMUL -> {
                Attr.Matmul m = (Attr.Matmul) n.attr;
                yield e -> backend.gemm(m.transA(), m.transB(), 1f, e.tensors[a], e.tensors[b], 0f, e.tensors[o]);
            }
            case GEMM_EPILOGUE -> {
                Attr.Epilogue m = (Attr.Epilogue) n.attr;
                int bias = m.hasBias() ? s(in.get(2)) : -1;
                Activation act = m.activation();
                yield e -> backend.gemm(m.transA(), m.transB(), 1f, e.tensors[a], e.tensors[b], 0f, e.tensors[o],
                        Epilogue.of(bias < 0 ? null : e.tensors[bias], act));
            }
            case BINARY -> {
                BinaryOp op = (BinaryOp) n.attr;
                if (op == BinaryOp.MUL && isScalarConstant(in.get(1)) && in.get(0).shape.equals(n.shape)) {
                    float c = ((Attr.Constant) in.get(1).attr).scalar();
                    yield e -> backend.scale(c, e.tensors[a], e.tensors[o]);
                }
                if (op == BinaryOp.MUL && isScalarConstant(in.get(0)) && in.get(1).shape.equals(n.shape)) {
                    float c = ((Attr.Constant) in.get(0).attr).scalar();
                    yield e -> backend.scale(c, e.tensors[b], e.tensors[o]);
                }
                yield e -> backend.binary(op, e.tensors[a], e.tensors[b], e.tensors[o]);
            }
            case UNARY -> {
                UnaryOp op = (UnaryOp) n.attr;
                yield e -> backend.unary(op, e.tensors[a], e.tensors[o]);
            }
            case ACTIVATION -> {
                Activation act = (Activation) n.attr;
                yield e -> backend.activation(act, e.tensors[a], e.tensors[o]);
            }
            case ACTIVATION_BACKWARD -> {
                Activation act = (Activation) n.attr;
                yield e -> backend.activationBackward(act, e.tensors[a], e.tensors[b], e.tensors[o]);
            }
            case BIAS_ADD -> e -> backend.biasAdd(e.tensors[a], e.tensors[b], e.tensors[o]);
            case CLAMP -> {
                Attr.Clamp c = (Attr.Clamp) n.attr;
                yield e -> backend.clamp(e.tensors[a], c.lo(), c.hi(), e.tensors[o]);
            }
            case SOFTMAX -> e -> backend.softmax(e.tensors[a], e.tensors[o]);
            case LOG_SOFTMAX -> e -> backend.logSoftmax(e.tensors[a], e.tensors[o]);
            case SOFTMAX_BACKWARD -> e -> backend.softmaxBackward(e.tensors[a], e.tensors[b], e.tensors[o]);
            case LOG_SOFTMAX_BACKWARD -> e -> backend.logSoftmaxBackward(e.tensors[a], e.tensors[b], e.tensors[o]);
            case REDUCE -> lowerReduce((Attr.Reduce) n.attr, in.get(0), a, o);
            case RESHAPE -> lowerReshape(n, in.get(0), a, o);
            case BROADCAST_TO, FUSED_ELEMENTWISE -> lowerFused(n);
            case DROPOUT, DROPOUT_BACKWARD -> {
                Attr.Dropout d = (Attr.Dropout) n.attr;
                long stride = dropoutStride;
                yield n.kind == OpKind.DROPOUT
                        ? e -> backend.dropout(e.tensors[a], d.p(), d.seed(), d.base() + e.runs * stride, e.tensors[o])
                        : e -> backend.dropoutBackward(e.tensors[a], d.p(), d.seed(), d.base() + e.runs * stride,
                        e.tensors[o]);
            }
            case MSE_LOSS -> e -> backend.fill(e.tensors[o], backend.mseLoss(e.tensors[a], e.tensors[b], null));
            case MSE_GRAD -> e -> backend.mseLoss(e.tensors[a], e.tensors[b], e.tensors[o]);
            case CROSS_ENTROPY -> e -> backend.fill(e.tensors[o],
                    backend.crossEntropy(e.tensors[a], e.labels[b], null));
            case CROSS_ENTROPY_GRAD -> e -> backend.crossEntropy(e.tensors[a], e.labels[b], e.tensors[o]);
            case CROSS_ENTROPY_SOFT -> e -> backend.fill(e.tensors[o],
                    backend.crossEntropySoft(e.tensors[a], e.tensors[b], null));
            case CROSS_ENTROPY_SOFT_GRAD -> e -> backend.crossEntropySoft(e.tensors[a], e.tensors[b], e.tensors[o]);
            case LOSS_WITH_GRAD -> {
                int loss = s(lossNode);
                OpKind kind = ((Attr.LossWithGrad) n.attr).loss();
                yield switch (kind) {
                    case MSE_LOSS -> e -> backend.fill(e.tensors[loss],
                            backend.mseLoss(e.tensors[a], e.tensors[b], e.tensors[o]));
                    case CROSS_ENTROPY -> e -> backend.fill(e.tensors[loss],
                            backend.crossEntropy(e.tensors[a], e.labels[b], e.tensors[o]));
                    case CROSS_ENTROPY_SOFT -> e -> backend.fill(e.tensors[loss],
                            backend.crossEntropySoft(e.tensors[a], e.tensors[b], e.tensors[o]));
                    default -> throw new IllegalStateException("loss with gradient of " + kind);
                };
            }
            case NLL_LOSS -> lowerNll(n, a, b, o, false);
            case NLL_GRAD -> lowerNll(n, -1, a, o, true);
            case ADAM_UPDATE -> {
                AdamConfig cfg = ((Attr.Adam) n.attr).config();
                Tensor m = own(backend.allocate(n.shape.dims()));
                Tensor v = own(backend.allocate(n.shape.dims()));
                yield e -> backend.adamStep(cfg, e.runs + 1, e.tensors[a], e.tensors[b], m, v);
            }
            case SGD_UPDATE -> {
                SgdConfig cfg = ((Attr.Sgd) n.attr).config();
                Tensor buf = cfg.usesMomentum() ? own(backend.allocate(n.shape.dims())) : null;
                yield e -> backend.sgdStep(cfg, e.runs + 1, e.tensors[a], e.tensors[b], buf);
            }
            case INPUT, LABELS, PARAMETER, CONSTANT, LOSS_OF -> throw new IllegalStateException("no kernel for " + n);
        };
    }

    private static boolean isScalarConstant(Node n) {
        return ElementwiseFusion.isScalarConstant(n);
    }

    private Kernel.Body lowerReduce(Attr.Reduce r, Node x, int a, int o) {
        Reduction red = r.reduction();
        if (!r.all()) {
            int axis = r.axis();
            return e -> backend.reduce(red, e.tensors[a], axis, e.tensors[o]);
        }
        if (x.shape.rank() == 1) {
            return e -> backend.reduce(red, e.tensors[a], 0, e.tensors[o]);
        }
        Shape flat = Shape.of(x.shape.size());
        if (x.shape.rank() == 0) {
            return e -> backend.copy(e.tensors[a], e.tensors[o]);
        }
        FlatView v = new FlatView(flat);
        return e -> backend.reduce(red, v.of(e.tensors[a]), 0, e.tensors[o]);
    }

    /** A tensor seen with another shape: a view of the same array on host, else a copy through the host. */
    private final class FlatView {
        private final Shape shape;
        private Tensor source;
        private Tensor view;
        private float[] staging;

        FlatView(Shape shape) {
            this.shape = shape;
        }

        Tensor of(Tensor t) {
            if (t instanceof HostTensor h) {
                if (t != source) {
                    source = t;
                    view = new HostTensor(shape, backend, h.data());
                }
                return view;
            }
            if (view == null) {
                view = own(backend.allocate(shape.dims()));
                staging = new float[shape.size()];
            }
            backend.copyOut(t, staging);
            backend.copyIn(staging, view);
            return view;
        }
    }

    private Kernel.Body lowerReshape(Node n, Node x, int a, int o) {
        if (host && tensors[o] != null) {
            return null; // planned as a view of its operand's buffer
        }
        if (host) {
            FlatView v = new FlatView(n.shape);
            return e -> e.tensors[o] = v.of(e.tensors[a]);
        }
        float[] staging = new float[n.shape.size()];
        return e -> {
            backend.copyOut(e.tensors[a], staging);
            backend.copyIn(staging, e.tensors[o]);
        };
    }

    private Kernel.Body lowerFused(Node n) {
        FusedExpression expr = n.kind == OpKind.BROADCAST_TO ? broadcastExpression()
                : ((Attr.Fused) n.attr).expression();
        int[] ins = new int[n.inputs.size()];
        for (int i = 0; i < ins.length; i++) {
            ins[i] = s(n.inputs.get(i));
        }
        int o = s(n);
        Tensor[] args = new Tensor[ins.length];
        if (evaluator == FusedKernelSupport.Evaluator.NONE) {
            if (n.kind != OpKind.BROADCAST_TO) {
                throw new IllegalStateException("fused node on a backend without fused kernels: " + n);
            }
            // x·1 with ones of the target shape: exact (keeps NaN and −0), one binary kernel
            float[] ones = new float[n.shape.size()];
            java.util.Arrays.fill(ones, 1f);
            Tensor one = own(backend.fromArray(ones, n.shape.dims()));
            return e -> backend.mul(e.tensors[ins[0]], one, e.tensors[o]);
        }
        if (evaluator == FusedKernelSupport.Evaluator.CODEGEN) {
            int threads = options.fusedKernelThreads();
            // default: 4 parts per pool thread, claimed dynamically, so a thread slowed by another process (or
            // a core shared with one) does not hold the rest waiting
            int parts = threads != 0 ? threads : backend.parallelism() == 1 ? 1 : 4 * backend.parallelism();
            var kernel = FusedKernelCompiler.compile(expr, parts, backend);
            return e -> {
                for (int i = 0; i < ins.length; i++) {
                    args[i] = e.tensors[ins[i]];
                }
                if (hostTensors(args, e.tensors[o])) {
                    kernel.evaluate(args, e.tensors[o]);
                } else {
                    backend.fusedElementwise(expr, args, e.tensors[o]);
                }
            };
        }
        if (evaluator == FusedKernelSupport.Evaluator.INTERPRETER) {
            return e -> {
                for (int i = 0; i < ins.length; i++) {
                    args[i] = e.tensors[ins[i]];
                }
                if (hostTensors(args, e.tensors[o])) {
                    VectorInterpreter.evaluate(expr, args, e.tensors[o]);
                } else {
                    backend.fusedElementwise(expr, args, e.tensors[o]);
                }
            };
        }
        return e -> {
            for (int i = 0; i < ins.length; i++) {
                args[i] = e.tensors[ins[i]];
            }
            backend.fusedElementwise(expr, args, e.tensors[o]);
        };
    }

    private static FusedExpression broadcastExpression() {
        FusedExpression.Builder b = FusedExpression.builder(1);
        b.input(0);
        return b.build();
    }

    private static boolean hostTensors(Tensor[] in, Tensor out) {
        if (!(out instanceof HostTensor) || out.isClosed()) {
            return false;
        }
        for (Tensor t : in) {
            if (!(t instanceof HostTensor) || t.isClosed()) {
                return false;
            }
        }
        return true;
    }

    /**
     * nll_loss = −mean over rows of logp[r, label r], as −(1/N)·Σ onehot ⊙ logp with the one-hot built on the host
     * and copied in; nll_loss_grad writes −onehot/N.
     */
    private Kernel.Body lowerNll(Node n, int logp, int lab, int o, boolean grad) {
        Shape shape = grad ? n.shape : n.inputs.get(0).shape;
        int rows = shape.dim(0);
        int cols = shape.dim(1);
        float[] onehot = new float[rows * cols];
        float value = -1f / rows;
        String op = n.opName();
        Tensor hot = grad ? null : own(backend.allocate(rows, cols));
        Tensor prod = grad ? null : own(backend.allocate(rows * cols));
        Tensor prod2d = grad ? null : (host ? view(prod, shape) : own(backend.allocate(rows, cols)));
        float[] staging = grad || host ? null : new float[rows * cols];
        return e -> {
            int[] l = e.labels[lab];
            java.util.Arrays.fill(onehot, 0f);
            for (int r = 0; r < rows; r++) {
                if (l[r] < 0 || l[r] >= cols) {
                    throw new InvalidArgumentException(op + ": label " + l[r] + " at row " + r
                            + " is out of range [0, " + cols + ") for " + shape);
                }
                onehot[r * cols + l[r]] = value;
            }
            if (grad) {
                backend.copyIn(onehot, e.tensors[o]);
                return;
            }
            backend.copyIn(onehot, hot);
            backend.mul(hot, e.tensors[logp], prod2d);
            if (!host) {
                backend.copyOut(prod2d, staging);
                backend.copyIn(staging, prod);
            }
            backend.reduce(Reduction.SUM, prod, 0, e.tensors[o]);
        };
    }

    // -------------------------------------------------------------------------------------------------- running

    /**
     * Runs every kernel once. {@code feeds} maps inputs to {@code float[]} (copied in), {@link Tensor} (used in place)
     * or, for labels, {@code int[]}. Inputs not in {@code feeds} keep their previous value.
     */
    public Executable run(Map<? extends Input, ?> feeds) {
        checkOpen();
        if (feeds == null) {
            throw new InvalidArgumentException("run: feeds is null");
        }
        for (Map.Entry<? extends Input, ?> f : feeds.entrySet()) {
            feed(f.getKey(), f.getValue());
        }
        List<String> missing = new ArrayList<>();
        for (Node r : required) {
            if (!fed[s(r)]) {
                missing.add(((Input) r).name() + " " + r.shape);
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidArgumentException("run: inputs never fed: " + String.join(", ", missing));
        }
        boolean profile = options.profile();
        for (Kernel k : kernels) {
            if (profile) {
                long t0 = System.nanoTime();
                k.body.run(this);
                backend.synchronize();
                k.record(System.nanoTime() - t0);
            } else {
                k.body.run(this);
            }
        }
        runs++;
        return this;
    }

    /** Runs with the previous feeds. */
    public Executable run() {
        return run(Map.of());
    }

    private void feed(Input in, Object value) {
        if (in == null) {
            throw new InvalidArgumentException("run: a feed key is null");
        }
        Integer i = slot.get(in);
        if (i == null) {
            throw new InvalidArgumentException("run: input " + in + " is not in graph '" + source.name() + "'");
        }
        String what = "run: input " + in.name() + " " + in.shape;
        if (in.isLabels()) {
            if (!(value instanceof int[] l)) {
                throw new InvalidArgumentException(what + " takes int[] labels, got " + typeOf(value));
            }
            if (l.length != in.shape.dim(0)) {
                throw new ShapeException(what + ": got " + l.length + " labels");
            }
            labels[i] = l;
        } else if (value instanceof float[] f) {
            if (f.length != in.shape.size()) {
                throw new ShapeException(what + " holds " + in.shape.size() + " floats, got " + f.length);
            }
            if (feedCopies[i] == null) {
                feedCopies[i] = own(backend.allocate(in.shape.dims()));
            }
            tensors[i] = feedCopies[i];
            backend.copyIn(f, feedCopies[i]);
        } else if (value instanceof Tensor t) {
            checkTensor(what, in.shape, t);
            tensors[i] = t;
        } else {
            throw new InvalidArgumentException(what + " takes float[] or a Tensor, got " + typeOf(value));
        }
        fed[i] = true;
    }

    private void checkTensor(String what, Shape shape, Tensor t) {
        if (t.isClosed()) {
            throw new InvalidArgumentException(what + ": tensor is closed");
        }
        if (t.memory() != backend.memory()) {
            throw new InvalidArgumentException(what + ": tensor lives in memory space '" + t.memory()
                    + "', the executable's backend " + backend.name() + " in '" + backend.memory() + "'");
        }
        if (!t.shape().equals(shape)) {
            throw new ShapeException(what + ": tensor has shape " + t.shape());
        }
    }

    private static String typeOf(Object v) {
        return v == null ? "null" : v.getClass().getSimpleName();
    }

    /** Binds {@code p} to {@code t} (used in place; optimizer updates write it). */
    public Executable bind(Parameter p, Tensor t) {
        checkOpen();
        Integer i = p == null ? null : slot.get(p);
        if (i == null) {
            throw new InvalidArgumentException("bind: parameter " + p + " is not in graph '" + source.name() + "'");
        }
        checkTensor("bind: parameter " + p.name() + " " + p.shape, p.shape, t);
        tensors[i] = t;
        return this;
    }

    /** The tensor holding parameter {@code p}. */
    public Tensor parameter(Parameter p) {
        Integer i = p == null ? null : slot.get(p);
        if (i == null) {
            throw new InvalidArgumentException("parameter: " + p + " is not in graph '" + source.name() + "'");
        }
        return tensors[i];
    }

    /** A copy of output {@code name} after the last run. */
    public float[] output(String name) {
        return backend.toArray(tensor(name));
    }

    /** The first value of output {@code name} (for losses). */
    public float scalar(String name) {
        return output(name)[0];
    }

    /** The tensor holding output {@code name}; valid until the next run. */
    public Tensor tensor(String name) {
        checkOpen();
        Node n = graph.outputs.get(name);
        if (n == null) {
            throw new InvalidArgumentException("output '" + name + "' is not declared; outputs: "
                    + String.join(", ", graph.outputs.keySet()));
        }
        if (runs == 0 && !n.kind.isLeaf()) {
            throw new InvalidArgumentException("output '" + name + "': the executable has not run yet");
        }
        return tensors[s(n)];
    }

    private void checkOpen() {
        if (closed) {
            throw new InvalidArgumentException("executable of graph '" + source.name() + "' is closed");
        }
    }

    // ------------------------------------------------------------------------------------------------- reading

    public Backend backend() {
        return backend;
    }

    /** The graph as compiled (after every pass). */
    public Graph optimizedGraph() {
        return graph;
    }

    /** The kernels in run order. */
    public List<Kernel> kernels() {
        return Collections.unmodifiableList(kernels);
    }

    /** How fused elementwise kernels run here: the backend's kernel, generated classes, the interpreter, or none. */
    public String fusedKernels() {
        return evaluator.name().toLowerCase(java.util.Locale.ROOT);
    }

    public MemoryPlan memoryPlan() {
        return plan;
    }

    /** Dumps before and after each pass (empty unless compiled with {@link CompileOptions#dumpPasses}). */
    public List<PassDump> dumps() {
        return dumps;
    }

    /** Time spent compiling (passes, planning, allocation, code generation), in nanoseconds. */
    public long compileNanos() {
        return compileNanos;
    }

    /** How many times {@link #run} completed. */
    public long runs() {
        return runs;
    }

    /** Sets the run counter (dropout offsets and optimizer steps derive from it), e.g. to resume training. */
    public Executable runs(long runs) {
        if (runs < 0) {
            throw new InvalidArgumentException("runs: must be >= 0, got " + runs);
        }
        this.runs = runs;
        return this;
    }

    /** Per-kernel cost and measured times (compile with {@link CompileOptions#profile} to measure). */
    public Report report() {
        return new Report(graph.name(), backend.name(), backend.memory() == io.kiln.core.MemorySpace.HOST, kernels,
                plan);
    }

    /** Forgets measured times. */
    public void clearProfile() {
        for (Kernel k : kernels) {
            k.clearSamples();
        }
    }

    /** The backend tensors the executable allocated (buffers, constants, unbound parameters, feeds, states). */
    List<Tensor> ownedTensors() {
        return Collections.unmodifiableList(owned);
    }

    /** Names of the outputs. */
    public Set<String> outputNames() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(graph.outputs.keySet()));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (Tensor t : owned) {
                t.close();
            }
        }
    }

    @Override
    public String toString() {
        return "Executable " + graph.name() + " on " + backend.name() + ": " + kernels.size() + " kernels, " + plan;
    }
}
