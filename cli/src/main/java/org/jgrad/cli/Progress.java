package org.jgrad.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The training display of one epoch: on a terminal a progress bar with loss, accuracy, samples/s and ETA; otherwise
 * (a pipe, a CI log) a plain line every tenth of the epoch. Either way the running loss and accuracy are read from
 * the device only when shown.
 */
abstract class Progress implements AutoCloseable {
    /** How often a terminal bar refreshes its numbers: reading them costs a device round trip. */
    private static final long REFRESH_NS = 500_000_000L;

    private final long start = System.nanoTime();
    private int seen;

    static Progress open(PrintStream out, int epoch, int epochs, int steps) {
        var console = System.console();
        return console != null && console.isTerminal() ? new Bar(epoch, epochs, steps) : new Lines(out, epoch, epochs, steps);
    }

    /** Samples seen so far in this epoch. */
    final int seen() {
        return seen;
    }

    /** Records one finished step; {@code stats} (mean loss, accuracy) is called only when they are displayed. */
    final void step(int seenSoFar, Supplier<double[]> stats) {
        seen = seenSoFar;
        advance(stats);
    }

    final double samplesPerSecond() {
        return seen / Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    }

    abstract void advance(Supplier<double[]> stats);

    @Override
    public abstract void close();

    private static final class Bar extends Progress {
        private final ProgressBar bar;
        private long shown;
        private Supplier<double[]> latest;

        Bar(int epoch, int epochs, int steps) {
            bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
                    .setInitialMax(steps).setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                    .setUpdateIntervalMillis(200).continuousUpdate().build();
        }

        @Override
        void advance(Supplier<double[]> stats) {
            bar.step();
            latest = stats;
            long now = System.nanoTime();
            if (now - shown >= REFRESH_NS) {
                shown = now;
                show();
            }
        }

        private void show() {
            double[] s = latest.get();
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f acc %.2f%% %,.0f/s", s[0], 100 * s[1], samplesPerSecond()));
        }

        @Override
        public void close() {
            if (latest != null) show(); // the epoch's final numbers, not the last refresh's
            bar.close();
        }
    }

    private static final class Lines extends Progress {
        private final PrintStream out;
        private final int epoch, epochs, steps, every;
        private int step;

        Lines(PrintStream out, int epoch, int epochs, int steps) {
            this.out = out;
            this.epoch = epoch;
            this.epochs = epochs;
            this.steps = steps;
            this.every = Math.max(1, steps / 10);
        }

        @Override
        void advance(Supplier<double[]> stats) {
            step++;
            if (step % every != 0 || step == steps) return;
            double[] s = stats.get();
            double sps = samplesPerSecond();
            double eta = (steps - step) * (seen() / (double) step) / Math.max(sps, 1e-9);
            out.printf(Locale.ROOT, "epoch %d/%d  step %d/%d  loss %.4f  acc %.2f%%  %,.0f samples/s  ETA %.0f s%n",
                    epoch, epochs, step, steps, s[0], 100 * s[1], sps, eta);
        }

        @Override
        public void close() {
        }
    }
}
