package org.jgrad.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where an op's inputs are drawn from: uniform in {@code [lo, hi]} but at least {@code gap} away from every kink,
 * the points where the op is not differentiable (relu and abs at 0, ties of max) or where finite differences
 * straddle a jump. Formally the set {@code [lo, hi] \ ∪ₖ (kₖ − gap, kₖ + gap)}, sampled uniformly.
 *
 * @param lo    the smallest value
 * @param hi    the largest value
 * @param gap   the least distance from every kink ({@code >= 0})
 * @param kinks the points to keep away from (copied)
 */
public record Domain(double lo, double hi, double gap, double[] kinks) {

    /** Validates the bounds and that some value is left once the kinks are cut out. */
    public Domain {
        if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo > hi)
            throw new IllegalArgumentException("Domain: needs finite lo <= hi, got [" + lo + ", " + hi + "]");
        if (!(gap >= 0)) throw new IllegalArgumentException("Domain: gap must be >= 0, got " + gap);
        kinks = kinks == null ? new double[0] : kinks.clone();
        if (allowed(lo, hi, gap, kinks).isEmpty())
            throw new IllegalArgumentException("Domain: no value of [" + lo + ", " + hi + "] is at least " + gap
                    + " away from the kinks " + Arrays.toString(kinks));
    }

    /** {@code [-2, 2]}, no kinks: smooth ops such as exp, tanh, sin, mul. */
    public static Domain real() {
        return range(-2, 2);
    }

    /** {@code [0.25, 3]}: log, sqrt, reciprocal, pow's base; 0.25 keeps {@code 1/x} and {@code log'} below 4. */
    public static Domain positive() {
        return range(0.25, 3);
    }

    /** {@code [lo, hi]}, no kinks. */
    public static Domain range(double lo, double hi) {
        return new Domain(lo, hi, 0, new double[0]);
    }

    /** {@code [lo, hi]} without the open intervals {@code (k − gap, k + gap)} around each kink. */
    public static Domain awayFrom(double lo, double hi, double gap, double... kinks) {
        return new Domain(lo, hi, gap, kinks);
    }

    /** The kinks (a copy). */
    @Override
    public double[] kinks() {
        return kinks.clone();
    }

    /** Whether {@code x} lies in the domain: inside {@code [lo, hi]} and at least {@code gap} from every kink. */
    public boolean contains(double x) {
        if (!(x >= lo && x <= hi)) return false;
        for (double k : kinks) if (Math.abs(x - k) < gap) return false;
        return true;
    }

    /** A value uniform over the domain, drawn from {@code random}. */
    public double sample(SplittableRandom random) {
        List<double[]> parts = allowed(lo, hi, gap, kinks);
        double total = 0;
        for (double[] p : parts) total += p[1] - p[0];
        if (total == 0) return parts.getFirst()[0];             // only isolated points remain: take the first
        double u = random.nextDouble() * total;
        for (double[] p : parts) {
            double len = p[1] - p[0];
            if (u < len) return Math.min(p[0] + u, p[1]);
            u -= len;
        }
        double[] last = parts.getLast();
        return last[1];
    }

    /** The closed intervals that remain of {@code [lo, hi]} once each {@code (k − gap, k + gap)} is removed. */
    private static List<double[]> allowed(double lo, double hi, double gap, double[] kinks) {
        double[] ks = kinks.clone();
        Arrays.sort(ks);
        List<double[]> parts = new ArrayList<>();
        double start = lo;
        for (double k : ks) {
            double cutLo = k - gap, cutHi = k + gap;
            boolean open = gap > 0;                             // gap 0 removes nothing: the kink may be hit
            if (!open || cutHi < start || cutLo > hi) continue;
            if (cutLo >= start) parts.add(new double[] {start, cutLo});
            start = Math.max(start, cutHi);
        }
        if (start <= hi) parts.add(new double[] {start, hi});
        return parts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Domain d && Double.compare(lo, d.lo) == 0 && Double.compare(hi, d.hi) == 0
                && Double.compare(gap, d.gap) == 0 && Arrays.equals(kinks, d.kinks);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new double[] {lo, hi, gap}) * 31 + Arrays.hashCode(kinks);
    }

    @Override
    public String toString() {
        return kinks.length == 0 ? "Domain[" + lo + ", " + hi + "]"
                : "Domain[" + lo + ", " + hi + "] at least " + gap + " from " + Arrays.toString(kinks);
    }
}
