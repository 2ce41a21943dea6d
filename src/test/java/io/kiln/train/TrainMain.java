package io.kiln.train;

import io.kiln.cli.KilnCli;
import io.kiln.cli.TrainCommand;
import picocli.CommandLine;

/**
 * {@code kiln train} before the lead registers {@link TrainCommand} in {@link KilnCli}: runs KilnCli with the train
 * command added, so {@code java -cp ... io.kiln.train.TrainMain [kiln options] train [train options]} behaves as
 * {@code kiln ... train ...} will (global {@code --backend}, error handling, exit codes). Test scope: used by
 * {@code bench/train/compare.sh} and for manual runs.
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
