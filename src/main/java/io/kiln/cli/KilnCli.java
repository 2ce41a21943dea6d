package io.kiln.cli;

import io.kiln.core.Backends;
import io.kiln.hw.profile.CalibrateCommand;
import io.kiln.profile.ProfileCommand;
import io.kiln.core.KilnException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExecutionException;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code kiln} command line. Global options ({@code --backend}, {@code --verbose}) may be written before or after
 * the subcommand. Exit codes: 0 success, 1 a Kiln error (one line {@code kiln: <message>}; the stack trace too with
 * {@code --verbose}) or an internal error (always with its stack trace), 2 a usage error.
 */
@Command(name = "kiln",
        mixinStandardHelpOptions = true,
        versionProvider = KilnCli.Version.class,
        description = "Kiln: hardware-accelerated ML kernels for the JVM (reference, Vector API SIMD and OpenCL "
                + "backends behind one kernel SPI).",
        subcommands = {TrainCommand.class, ProfileCommand.class, HwCommand.class, CalibrateCommand.class,
                GraphCommand.class, CommandLine.HelpCommand.class},
        usageHelpAutoWidth = true)
public final class KilnCli implements Callable<Integer> {
    /** Exit code of a Kiln error. */
    public static final int EXIT_ERROR = 1;
    /** Exit code of a usage error (bad option, missing subcommand). */
    public static final int EXIT_USAGE = 2;

    @Spec
    private CommandSpec spec;

    private String backend;
    private boolean verbose;

    @Option(names = "--backend", paramLabel = "<name>", scope = ScopeType.INHERIT,
            description = "Backend to run on: reference, simd, opencl or auto (the available one of highest "
                    + "priority). Sets the system property kiln.backend. Default: that property, else auto.")
    void setBackend(String name) {
        this.backend = name;
    }

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Print stack traces with error messages.")
    void setVerbose(boolean verbose) {
        this.verbose = verbose;
    }

    /** The backend asked for with {@code --backend}, or {@code null}. */
    public String backend() {
        return backend;
    }

    public boolean verbose() {
        return verbose;
    }

    /** {@code kiln} with no subcommand: a usage error that prints the usage. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("kiln: missing subcommand");
        spec.commandLine().usage(err);
        return EXIT_USAGE;
    }

    /** A {@code kiln} command line with Kiln's error handling and exit codes. */
    public static CommandLine commandLine() {
        KilnCli root = new KilnCli();
        CommandLine cl = new CommandLine(root);
        cl.setExecutionStrategy(root::execute);
        cl.setParameterExceptionHandler(PARAMETER_ERRORS);
        cl.setExecutionExceptionHandler(root.executionErrors());
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Help and version first, then the global options, then the subcommand (or this command's usage). */
    private int execute(ParseResult parseResult) {
        Integer helped = CommandLine.executeHelpRequest(parseResult);
        if (helped != null) {
            return helped;
        }
        String previous = System.getProperty(Backends.PROPERTY);
        try {
            if (backend != null) {
                try {
                    System.setProperty(Backends.PROPERTY, backend);
                    Backends.select(backend);
                } catch (KilnException e) {
                    throw new ExecutionException(spec.commandLine(), e.getMessage(), e);
                }
            }
            return new RunLast().execute(parseResult);
        } finally {
            // In-process callers (tests, embedding applications) get their property back.
            if (previous == null) {
                System.clearProperty(Backends.PROPERTY);
            } else {
                System.setProperty(Backends.PROPERTY, previous);
            }
        }
    }

    private IExecutionExceptionHandler executionErrors() {
        return (ex, cl, parseResult) -> {
            PrintWriter err = cl.getErr();
            if (ex instanceof KilnException) {
                err.println("kiln: " + ex.getMessage());
                if (verbose) {
                    ex.printStackTrace(err);
                }
            } else {
                err.println("kiln: internal error: " + ex);
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_ERROR;
        };
    }

    private static final IParameterExceptionHandler PARAMETER_ERRORS = (ParameterException ex, String[] args) -> {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("kiln: " + ex.getMessage());
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return EXIT_USAGE;
    };

    /** {@code kiln --version}: Kiln's version (from the build) and the JVM's. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{
                    "kiln " + kilnVersion(),
                    "JVM " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor")
                            + ", " + System.getProperty("java.vm.name") + ")"};
        }
    }

    /** The project version Maven wrote into {@code io/kiln/cli/version.properties}, or {@code unknown}. */
    public static String kilnVersion() {
        try (InputStream in = KilnCli.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through
        }
        String impl = KilnCli.class.getPackage().getImplementationVersion();
        return impl != null ? impl : "unknown";
    }
}
