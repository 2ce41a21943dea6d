package io.kiln.graph;

import io.kiln.core.AdamConfig;
import io.kiln.core.Backend;
import io.kiln.core.Backends;
import io.kiln.core.Tensor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A sample for the {@code kiln graph} command: builds GELU from primitives and an MLP training step
 * (784 → 128 → 10, GELU-tanh, dropout, cross-entropy, Adam), compiles them, prints the graph before and after each
 * pass, runs a few steps and prints the kernel report.
 */
public final class GraphDemo {
    private GraphDemo() {
    }

    /** {@code GraphDemo [backend] [--dot]}: the backend by name (default: auto). */
    public static void main(String[] args) {
        String backend = null;
        boolean dot = false;
        for (String a : args) {
            if (a.equals("--dot")) {
                dot = true;
            } else {
                backend = a;
            }
        }
        run(Backends.select(backend), System.out, dot);
    }

    /** Prints everything to {@code out}; with {@code dot}, the Graphviz source of each graph as well. */
    public static void run(Backend backend, PrintStream out, boolean dot) {
        run(backend, out, dot, new String[0]);
    }

    /** As {@link #run(Backend, PrintStream, boolean)} with the named passes switched off. */
    public static void run(Backend backend, PrintStream out, boolean dot, String... disabledPasses) {
        CompileOptions options = CompileOptions.defaults().disable(disabledPasses).dumpPasses(true).profile(true);
        if (disabledPasses.length > 0) {
            out.println("passes switched off: " + String.join(", ", disabledPasses));
        }
        out.println("== GELU (tanh form) written from primitives, compiled for " + backend.name());
        Graph gelu = geluGraph(1 << 16);
        try (Executable exe = gelu.compile(backend, options)) {
            printDumps(exe, out, dot);
            Input x = gelu.inputs().get(0);
            float[] xs = random(1, x.shape().size(), -4, 4);
            for (int i = 0; i < 5; i++) {
                exe.run(Map.of(x, xs));
            }
            out.println(exe.report());
        }
        out.println("== MLP training step (forward, backward, Adam), compiled for " + backend.name());
        Mlp mlp = mlp(32, new int[] {784, 128, 10}, 0.1f, AdamConfig.adam(1e-3f));
        try (Executable exe = mlp.graph.compile(backend, options)) {
            printDumps(exe, out, dot);
            List<Tensor> params = mlp.bindRandom(exe, backend, 7);
            float[] xs = random(2, mlp.x.shape().size(), 0, 1);
            int[] ys = new SplittableRandom(3).ints(mlp.y.shape().dim(0), 0, 10).toArray();
            for (int step = 0; step < 5; step++) {
                exe.run(Map.of(mlp.x, xs, mlp.y, ys));
                out.printf("step %d: loss %.5f%n", step + 1, exe.scalar("loss"));
            }
            out.println(exe.report());
            out.print(exe.report().toJsonLines());
            out.printf("compile time: %.2f ms%n", exe.compileNanos() / 1e6);
            params.forEach(Tensor::close);
        }
    }

    private static void printDumps(Executable exe, PrintStream out, boolean dot) {
        List<PassDump> dumps = exe.dumps();
        if (!dumps.isEmpty()) {
            out.println("-- as built");
            out.print(dumps.get(0).before());
        }
        for (PassDump d : dumps) {
            if (d.before().equals(d.after())) {
                out.println("-- after " + d.pass() + ": unchanged");
                continue;
            }
            out.println("-- after " + d.pass());
            out.print(d.after());
        }
        if (dot && !dumps.isEmpty()) {
            out.println("-- graphviz, as built");
            out.print(dumps.get(0).beforeDot());
            out.println("-- graphviz, compiled");
            out.print(dumps.get(dumps.size() - 1).afterDot());
        }
        out.println(exe);
    }

    /** {@code x·0.5·(1 + tanh(0.79788456·x·(1 + 0.044715·x·x)))} over {@code n} floats. */
    public static Graph geluGraph(int n) {
        Graph g = new Graph("gelu_primitives");
        Input x = g.input("x", n);
        g.output("y", x.mul(0.5f).mul(x.mul(x).mul(0.044715f).add(1f).mul(x).mul(0.79788456f).tanh().add(1f)));
        return g;
    }

    /** An MLP training graph and its handles. */
    public static final class Mlp {
        public final Graph graph;
        public final Input x;
        public final Input y;
        public final List<Parameter> parameters;

        Mlp(Graph graph, Input x, Input y, List<Parameter> parameters) {
            this.graph = graph;
            this.x = x;
            this.y = y;
            this.parameters = parameters;
        }

        /** Binds every parameter to a new tensor of small random values (returned, for closing). */
        public List<Tensor> bindRandom(Executable exe, Backend backend, long seed) {
            List<Tensor> ts = new ArrayList<>();
            for (Parameter p : parameters) {
                float scale = p.shape().rank() == 2 ? (float) Math.sqrt(2.0 / p.shape().dim(0)) : 0f;
                Tensor t = backend.fromArray(random(seed++, p.shape().size(), -scale, scale), p.shape().dims());
                exe.bind(p, t);
                ts.add(t);
            }
            return ts;
        }
    }

    /**
     * {@code widths[0] → ... → widths[last]}: each hidden layer {@code gelu_tanh(x·W + b)} then dropout {@code p}
     * (none when 0), cross-entropy loss, and an optimizer update of every parameter.
     */
    public static Mlp mlp(int batch, int[] widths, float dropout, AdamConfig adam) {
        Graph g = new Graph("mlp_train");
        Input x = g.input("x", batch, widths[0]);
        Input y = g.labels("y", batch);
        List<Parameter> params = new ArrayList<>();
        Node h = x;
        for (int l = 1; l < widths.length; l++) {
            Parameter w = g.parameter("w" + l, widths[l - 1], widths[l]);
            Parameter b = g.parameter("b" + l, widths[l]);
            params.add(w);
            params.add(b);
            h = h.matmul(w).add(b);
            if (l < widths.length - 1) {
                h = h.geluTanh();
                if (dropout > 0) {
                    h = h.dropout(dropout);
                }
            }
        }
        Node loss = h.crossEntropy(y);
        g.output("loss", loss);
        g.grad(loss, params).forEach((p, d) -> g.adam(p, d, adam));
        return new Mlp(g, x, y, params);
    }

    static float[] random(long seed, int n, float lo, float hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return a;
    }
}
