package io.kiln.train;

import io.kiln.cli.KilnCli;

/**
 * Runs {@code kiln train} without {@code KilnCli} (test scope, for {@code bench/train/compare.sh} and manual runs
 * until the command is registered in the main CLI): {@code java -cp ... io.kiln.train.TrainMain [options]}.
 */
public final class TrainMain {
    private TrainMain() {
    }

    public static void main(String[] args) {
        String[] all = new String[args.length + 1];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        System.exit(KilnCli.commandLine().execute(all));
    }
}
