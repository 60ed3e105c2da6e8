package org.jgrad.cli;

import java.util.Arrays;
import java.util.Locale;
import org.jgrad.bench.Workload;

/**
 * Times a workload the way JMH would by hand: warm-up until C2 has compiled the hot kernels (the Vector API is
 * ~1000× slower before that) and the times have settled, then {@code samples} samples of enough back-to-back
 * runs to last {@code minSampleMs} each, and the median of their per-run times (robust to the odd GC pause or a
 * neighbour's build).
 */
final class Measure {
    /** One measurement: the median and fastest per-run times of the samples, in seconds. */
    record Result(Workload workload, double medianS, double minS, int samples, int runsPerSample) {
        double gflops() {
            return workload.flops() / medianS / 1e9;
        }

        /** The one line {@code ./jgrad bench} prints per measurement; bench/compare.py parses its key=value fields. */
        String line(String device, int threads, String dtype) {
            return String.format(Locale.ROOT, "%-28s device=%s threads=%d dtype=%s median_ms=%.4f min_ms=%.4f gflops=%.2f samples=%d x%d",
                    workload.name(), device, threads, dtype, medianS * 1e3, minS * 1e3, gflops(), samples, runsPerSample);
        }
    }

    private Measure() {
    }

    /**
     * Runs {@code w} for {@code warmupS} seconds (at least 3 runs), then on in windows of a quarter of that until a
     * window's fastest run is within 3 % of the previous window's (C2 has settled), at most 3 × {@code warmupS}
     * in all; returns the fastest run seen, in seconds.
     */
    private static double warmUp(Workload w, double warmupS) {
        long start = System.nanoTime();
        double best = Double.MAX_VALUE, previousWindow = Double.MAX_VALUE, window = Double.MAX_VALUE;
        long windowEnd = start + (long) (warmupS * 1e9);
        for (int i = 0; ; i++) {
            long t0 = System.nanoTime();
            w.run();
            long t1 = System.nanoTime();
            double t = (t1 - t0) / 1e9;
            best = Math.min(best, t);
            window = Math.min(window, t);
            if (i >= 1 && best * 3 > warmupS) return best; // one run longer than the warm-up: nothing to settle
            if (i < 2 || t1 < windowEnd) continue;
            if (window >= previousWindow * 0.97 || t1 - start > 3 * warmupS * 1e9) return best;
            previousWindow = window;
            window = Double.MAX_VALUE;
            windowEnd = t1 + (long) (warmupS * 0.25e9);
        }
    }

    static Result run(Workload w, double warmupS, int samples, double minSampleMs) {
        double last = warmUp(w, warmupS);
        int reps = (int) Math.max(1, Math.ceil(minSampleMs / 1e3 / last));
        double[] perRun = new double[samples];
        for (int s = 0; s < samples; s++) {
            long t0 = System.nanoTime();
            for (int r = 0; r < reps; r++) w.run();
            perRun[s] = (System.nanoTime() - t0) / 1e9 / reps;
        }
        Arrays.sort(perRun);
        double median = samples % 2 == 1 ? perRun[samples / 2] : (perRun[samples / 2 - 1] + perRun[samples / 2]) / 2;
        return new Result(w, median, perRun[0], samples, reps);
    }
}
