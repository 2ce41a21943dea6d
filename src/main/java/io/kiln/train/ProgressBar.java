package io.kiln.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The training progress shown on stderr: on a terminal, one line redrawn in place at most 10 times a second
 * ({@code epoch 3/10 [=====>    ] 45% loss 0.4231 12,345 ex/s ETA 0:12}); always, one line per finished epoch.
 * ETA comes from overall progress (steps or time budget) and the time spent so far.
 */
public final class ProgressBar implements TrainingListener {
    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean interactive;
    private String lossName = "loss";
    private int epochs;
    private long lastDraw;
    private long lastExamples;
    private double lastSeconds;
    private int drawnWidth;
    private double lastProgress;

    /** @param interactive redraw a live bar (only on a terminal); else print only the per-epoch lines */
    public ProgressBar(PrintWriter out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** True when stderr is a terminal. */
    public static boolean stderrIsTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    @Override
    public void start(String what, String lossName, int epochs, long stepsPerEpoch, double budgetSeconds) {
        this.lossName = lossName;
        this.epochs = epochs;
        this.lastExamples = 0;
        this.lastSeconds = 0;
        this.lastProgress = 0;
        out.println("training " + what + (budgetSeconds > 0 ? String.format(Locale.ROOT, ", time budget %s",
                TimeBudget.format(budgetSeconds)) : ""));
        out.flush();
    }

    @Override
    public void step(int epoch, long stepInEpoch, double runningLoss, long examples, double seconds,
                     double progress) {
        if (!interactive) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        int filled = (int) Math.round(Math.min(1, Math.max(0, progress)) * WIDTH);
        StringBuilder bar = new StringBuilder(WIDTH);
        for (int i = 0; i < WIDTH; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        double rate = seconds > 0 ? examples / seconds : 0;
        double eta = progress > 0 ? seconds * (1 - progress) / progress : Double.NaN;
        String line = String.format(Locale.ROOT, "epoch %s [%s] %3.0f%% %s %s %s ex/s ETA %s", epochLabel(epoch),
                bar, 100 * progress, shortName(), formatLoss(runningLoss), grouped(rate), TimeBudget.format(eta));
        draw(line);
    }

    @Override
    public void epochEnd(TrainingHistory.Epoch e) {
        double dt = e.seconds() - lastSeconds;
        long dn = e.examples();
        double rate = dt > 0 ? dn / dt : 0;
        lastSeconds = e.seconds();
        lastExamples += dn;
        double eta = lastProgress > 0 && lastProgress < 1 ? e.seconds() * (1 - lastProgress) / lastProgress : 0;
        String line = String.format(Locale.ROOT, "epoch %s  %s %s  %s ex/s  %s%s", epochLabel(e.epoch()), shortName(),
                formatLoss(e.loss()), grouped(rate), TimeBudget.format(e.seconds()),
                eta > 0 ? "  ETA " + TimeBudget.format(eta) : "");
        if (interactive) {
            draw(line);
            out.println();
            drawnWidth = 0;
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void end(TrainingHistory history) {
        if (interactive && drawnWidth > 0) {
            out.println();
            drawnWidth = 0;
        }
        out.println(String.format(Locale.ROOT, "trained in %s (%s examples, %s ex/s); stopped by: %s",
                TimeBudget.format(history.seconds()), grouped(history.examples()),
                grouped(history.examplesPerSecond()), history.stoppedBy()));
        out.flush();
    }

    private void draw(String line) {
        StringBuilder sb = new StringBuilder("\r").append(line);
        for (int i = line.length(); i < drawnWidth; i++) {
            sb.append(' ');
        }
        drawnWidth = line.length();
        out.print(sb);
        out.flush();
    }

    private String epochLabel(int epoch) {
        return epochs > 0 ? epoch + "/" + epochs : Integer.toString(epoch);
    }

    private String shortName() {
        return lossName.startsWith("cross-entropy") || lossName.startsWith("mse") || lossName.startsWith("objective")
                ? "loss" : lossName;
    }

    private static String formatLoss(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static String grouped(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }
}
