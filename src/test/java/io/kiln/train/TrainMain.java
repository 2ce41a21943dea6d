package io.kiln.train;

import io.kiln.cli.TrainCommand;
import picocli.CommandLine;

/**
 * Runs {@code kiln train} without {@code KilnCli} (test scope, for {@code bench/train/compare.sh} and manual runs
 * until the command is registered in the main CLI): {@code java -cp ... io.kiln.train.TrainMain [options]}.
 */
public final class TrainMain {
    private TrainMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainCommand()).execute(args));
    }
}
