package io.kiln.train;

import io.kiln.cli.KilnCli;
import io.kiln.cli.TrainCommand;
import picocli.CommandLine;

/**
 * {@code java -cp ... io.kiln.train.TrainMain [kiln options] train [train options]}: KilnCli's command line with
 * {@link TrainCommand} added when it is not registered already (it is, on main), so it behaves exactly as
 * {@code kiln ... train ...}. Test scope; the tests use {@link #kilnWithTrain()}.
 */
public final class TrainMain {
    private TrainMain() {
    }

    /** KilnCli's command line with {@code train} added (a no-op once KilnCli registers it itself). */
    public static CommandLine kilnWithTrain() {
        CommandLine cl = KilnCli.commandLine();
        if (!cl.getSubcommands().containsKey("train")) {
            cl.addSubcommand(new TrainCommand());
        }
        return cl;
    }

    public static void main(String[] args) {
        System.exit(kilnWithTrain().execute(args));
    }
}
