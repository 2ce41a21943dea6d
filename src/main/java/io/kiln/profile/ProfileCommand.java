package io.kiln.profile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln profile}: the profiling run ({@link ProfileRun}) as a picocli subcommand; {@code io.kiln.cli.KilnCli}
 * registers it.
 */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {"Run every kernel of the op catalog at small, cache-resident and memory-resident sizes on "
                + "every available backend; report counted FLOPs/bytes, time, cycles, FLOP/cycle, %% of peak and the "
                + "binding roof, plus cycles per element of the activations.",
                "--quick: 16 MiB memory-size tensors and shorter timing (measured here: under 4 minutes for three "
                        + "backends on the busy 2-core development machine, JIT pre-warm included)."})
public final class ProfileCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "16 MiB instead of 64 MiB memory-size tensors, shorter timing.")
    boolean quick;

    @Option(names = "--backends", split = ",", paramLabel = "NAME", description = "Backends to run (default: the "
            + "global --backend when given, else every available one).")
    List<String> backends = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Option(names = "--sizes", split = ",", paramLabel = "SIZE", description = "Size classes: small, cache, memory "
            + "(default: all).")
    List<String> sizes = new ArrayList<>();

    @Option(names = "--ops", split = ",", paramLabel = "OP", description = "Only these ops (catalog names, e.g. "
            + "gemm,relu,softmax).")
    List<String> ops = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "Write every figure as JSON.")
    Path json;

    @Option(names = "--svg", paramLabel = "FILE", description = "Write the roofline as SVG.")
    Path svg;

    @Option(names = "--cycles", paramLabel = "SOURCE", defaultValue = "auto",
            description = "auto, pmu, tsc or estimated (default: ${DEFAULT-VALUE}).")
    String cycles;

    @Option(names = "--profile", paramLabel = "ID|FILE", description = "Hardware profile for the roofs (default: "
            + "the best match for this host).")
    String profile;

    @Option(names = "--no-progress", description = "No progress bar on stderr.")
    boolean noProgress;

    /** {@code --backends}, else the {@code --backend} that {@code kiln} passes down to its subcommands. */
    List<String> chosenBackends() {
        if (!backends.isEmpty() || spec == null) {
            return backends;
        }
        OptionSpec inherited = spec.findOption("--backend");
        Object value = inherited == null ? null : inherited.getValue();
        return value == null ? List.of() : List.of(value.toString());
    }

    @Override
    public Integer call() throws Exception {
        List<String> backends = chosenBackends();
        List<SizeClass> sizeClasses = new ArrayList<>();
        for (String s : sizes) {
            sizeClasses.add(SizeClass.byLabel(s));
        }
        StringBuilder cmd = new StringBuilder("kiln profile");
        if (quick) {
            cmd.append(" --quick");
        }
        if (!backends.isEmpty()) {
            cmd.append(" --backends ").append(String.join(",", backends));
        }
        if (!sizes.isEmpty()) {
            cmd.append(" --sizes ").append(String.join(",", sizes));
        }
        if (!ops.isEmpty()) {
            cmd.append(" --ops ").append(String.join(",", ops));
        }
        if (!"auto".equals(cycles)) {
            cmd.append(" --cycles ").append(cycles);
        }
        ProfileRun.run(new ProfileRun.Options(quick, backends, sizeClasses, ops, json, svg, cycles, profile,
                !noProgress, true, cmd.toString()), System.out);
        return 0;
    }
}
