package io.kiln.cli;

import io.kiln.core.Backends;
import io.kiln.graph.CompileOptions;
import io.kiln.graph.GraphDemo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code kiln graph}: compiles two sample graphs (GELU written from primitives, and an MLP training step with
 * Adam) and prints each graph before and after every pass, the compiled kernels and their cost report.
 */
@Command(name = "graph", mixinStandardHelpOptions = true,
        description = {"Compile sample graphs (GELU-tanh from primitives; an MLP training step: forward, backward, "
                + "Adam) and dump them before and after each pass, with the per-kernel cost report.",
                "Pass names: kiln graph --list-passes."})
final class GraphCommand implements Callable<Integer> {
    @ParentCommand
    private KilnCli parent;

    @Option(names = "--dot", description = "Also print Graphviz DOT of the graph as built and as compiled.")
    private boolean dot;

    @Option(names = "--disable", split = ",", paramLabel = "<pass>",
            description = "Switch passes off by name (comma-separated), to compare with a fusion off.")
    private List<String> disabled = new ArrayList<>();

    @Option(names = "--list-passes", description = "List the pass names and exit.")
    private boolean listPasses;

    @Override
    public Integer call() {
        if (listPasses) {
            CompileOptions.PASSES.forEach(System.out::println);
            return 0;
        }
        GraphDemo.run(Backends.select(parent == null ? null : parent.backend()), System.out, dot,
                disabled.toArray(new String[0]));
        return 0;
    }
}
