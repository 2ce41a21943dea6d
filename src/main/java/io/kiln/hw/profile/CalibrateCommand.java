package io.kiln.hw.profile;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kiln calibrate}: measures clock, peak FP32, bandwidth and the Vector API check, writes a profile and prints
 * its difference to the matched one. A picocli subcommand; {@code io.kiln.cli.KilnCli} registers it.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Measure this machine (clock, peak FP32 FMA rate on 1..N threads, copy and triad bandwidth, "
                + "Vector API check) and write a hardware profile; prints the difference to the matched profile.",
                "Default about a minute, --quick about 20 seconds."})
public final class CalibrateCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Shorter trials and 64 MiB arrays.")
    boolean quick;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the profile here (default: <id>.json in the "
            + "current directory).")
    Path out;

    @Option(names = "--id", paramLabel = "ID", description = "Id of the new profile (default: the matched "
            + "profile's id + '-calibrated').")
    String id;

    @Option(names = "--threads", paramLabel = "N", description = "Measure on 1..N threads (default: the cores this "
            + "process can use).")
    int threads;

    @Option(names = "--trials", paramLabel = "N", description = "Trials per measurement, best kept (default 5, "
            + "quick 2).")
    int trials;

    @Option(names = "--array-mib", paramLabel = "MIB", description = "Size of each bandwidth array (default 256, "
            + "quick 64).")
    int arrayMiB;

    @Option(names = "--no-write", description = "Print only; write no file.")
    boolean noWrite;

    @Override
    public Integer call() throws Exception {
        StringBuilder cmd = new StringBuilder("kiln calibrate");
        if (quick) {
            cmd.append(" --quick");
        }
        if (threads > 0) {
            cmd.append(" --threads ").append(threads);
        }
        if (trials > 0) {
            cmd.append(" --trials ").append(trials);
        }
        if (arrayMiB > 0) {
            cmd.append(" --array-mib ").append(arrayMiB);
        }
        Path target = noWrite ? null : out;
        Calibration.Options options = new Calibration.Options(quick, threads, trials, arrayMiB, id, target, true,
                cmd.toString());
        if (!noWrite && target == null) {
            // the id is known only after matching: run, then write next to the current directory
            HardwareProfile p = Calibration.run(options, System.out);
            Path file = Path.of(p.id() + ".json");
            HardwareProfiles.write(p, file);
            System.out.println();
            System.out.println("wrote " + file);
            return 0;
        }
        Calibration.run(options, System.out);
        return 0;
    }
}
