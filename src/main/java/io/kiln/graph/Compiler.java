package io.kiln.graph;

import io.kiln.core.Backend;
import io.kiln.core.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/** Runs the pass pipeline and builds the {@link Executable}. */
final class Compiler {
    private Compiler() {
    }

    /** The graph passes in pipeline order ({@code memory_plan} runs inside the executable). */
    static List<Pass> pipeline() {
        return List.of(new ConstantFolding(), new CommonSubexpressionElimination(), new DeadCodeElimination(),
                new SoftmaxCrossEntropyFusion(), new MatmulEpilogueFusion(), new ElementwiseFusion(),
                new DeadCodeElimination());
    }

    /** Runs the enabled passes; records dumps into {@code dumps} when the options ask for them. */
    static Graph optimize(Graph graph, Backend backend, CompileOptions options, FusedKernelSupport.Evaluator evaluator,
                          List<PassDump> dumps) {
        PassContext ctx = new PassContext(backend, options);
        Graph g = graph;
        boolean fusedSingles = false;
        boolean canFuse = evaluator != FusedKernelSupport.Evaluator.NONE;
        for (Pass p : pipeline()) {
            if (!options.enabled(p.name())) {
                continue;
            }
            if (!canFuse && p.name().equals(ElementwiseFusion.NAME)) {
                if (options.dumpPasses()) {
                    String why = "# skipped: backend " + backend.name()
                            + " has no fused elementwise kernel for memory '" + backend.memory() + "'\n";
                    dumps.add(new PassDump(p.name(), g.toText(), why + g.toText(), g.toDot(), g.toDot()));
                }
                continue;
            }
            Graph before = g;
            g = p.apply(g, ctx);
            fusedSingles |= p.name().equals(ElementwiseFusion.NAME);
            if (options.dumpPasses()) {
                dumps.add(new PassDump(p.name(), before.toText(), g.toText(), before.toDot(), g.toDot()));
            }
        }
        if (options.singleOpsAsFused() && !fusedSingles && canFuse) {
            Graph before = g;
            g = ElementwiseFusion.wrapSingles(g);
            if (options.dumpPasses()) {
                dumps.add(new PassDump("wrap_single_ops", before.toText(), g.toText(), before.toDot(), g.toDot()));
            }
        }
        return g;
    }

    static Executable compile(Graph graph, Backend backend, CompileOptions options) {
        if (backend == null) {
            throw new InvalidArgumentException("compile: backend is null");
        }
        if (options == null) {
            throw new InvalidArgumentException("compile: options is null");
        }
        if (graph.outputs.isEmpty() && graph.effects.isEmpty()) {
            throw new InvalidArgumentException("compile: graph '" + graph.name()
                    + "' has no outputs and no updates; declare one with Graph.output(name, node)");
        }
        long t0 = System.nanoTime();
        List<PassDump> dumps = new ArrayList<>();
        FusedKernelSupport.Evaluator evaluator = FusedKernelSupport.resolve(backend, options.fusedKernels());
        Graph g = optimize(graph, backend, options, evaluator, dumps);
        return new Executable(backend, graph, g, options, evaluator, dumps, System.nanoTime() - t0);
    }
}
