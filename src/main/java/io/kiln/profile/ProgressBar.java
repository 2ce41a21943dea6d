package io.kiln.profile;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on stderr: redrawn in place ({@code \r}) on a terminal, one line per tenth otherwise (so logs
 * stay readable). Shows done/total, the elapsed time and what runs now.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream err;
    private final int total;
    private final boolean interactive;
    private final long start = System.nanoTime();
    private int done;
    private int lastTenth = -1;

    ProgressBar(PrintStream err, int total, boolean interactive) {
        this.err = err;
        this.total = Math.max(1, total);
        this.interactive = interactive;
    }

    /** Shows that {@code label} starts now. */
    void step(String label) {
        String line = render(label);
        if (interactive) {
            err.print("\r" + line + "\u001b[K");
            err.flush();
        } else {
            int tenth = done * 10 / total;
            if (tenth != lastTenth) {
                lastTenth = tenth;
                err.println(line);
            }
        }
        done++;
    }

    /** Shows {@code label} without counting a step. */
    void label(String label) {
        if (interactive) {
            err.print("\r" + render(label) + "\u001b[K");
            err.flush();
        } else {
            err.println(render(label));
        }
    }

    String render(String label) {
        int filled = done * WIDTH / total;
        double secs = (System.nanoTime() - start) / 1e9;
        return String.format(Locale.ROOT, "[%s%s] %d/%d %5.0fs  %s", "#".repeat(filled), ".".repeat(WIDTH - filled),
                done, total, secs, label);
    }

    void finish() {
        done = total;
        if (interactive) {
            err.print("\r" + render("done") + "\u001b[K\n");
        } else {
            err.println(render("done"));
        }
        err.flush();
    }
}
