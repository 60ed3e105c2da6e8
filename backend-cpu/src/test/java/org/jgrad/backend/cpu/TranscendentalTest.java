package org.jgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jgrad.spi.ReferenceBackend;
import org.jgrad.spi.UnaryOp;
import org.junit.jupiter.api.Test;

/**
 * The vectorised transcendental kernels stay within Transcendental.MAX_ULPS ulps of the reference backend (exact
 * double math rounded once) on dense grids, F32 and F64, in every tier: each kernel runs on the grid for a second,
 * long enough for C2 to compile it to the SVML calls (before that the Vector API runs Math per lane), and the
 * largest error of all rounds counts.
 */
final class TranscendentalTest {
    private static final int POINTS = 8193;
    /** Rounds of measurement: the max is taken over all of them, from the interpreter's lanes to C2's SVML calls. */
    private static final int MIN_ROUNDS = 20;
    private static final long WARM_UP_NANOS = 1_000_000_000L;

    @Test
    void everyTranscendentalIsWithinMaxUlpsOfTheReferenceOnAGrid() {
        List<String> report = new ArrayList<>(), bad = new ArrayList<>();
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.SIN, UnaryOp.COS, UnaryOp.ERF}) {
            double[] x = grid(op);
            float[] xf = new float[x.length];
            for (int i = 0; i < x.length; i++) xf[i] = (float) x[i];
            double[] worst = new double[2];
            long end = System.nanoTime() + WARM_UP_NANOS;
            for (int round = 0; round < MIN_ROUNDS || System.nanoTime() < end; round++) {
                double[] e = maxUlps(op, x, xf);
                worst[0] = Math.max(worst[0], e[0]);
                worst[1] = Math.max(worst[1], e[1]);
            }
            double f32 = worst[0], f64 = worst[1];
            report.add(op + " F32 " + f32 + " ulp, F64 " + f64 + " ulp");
            if (f32 > Transcendental.MAX_ULPS || f64 > Transcendental.MAX_ULPS) bad.add(op + ": F32 " + f32 + ", F64 " + f64);
        }
        System.out.println("max error vs reference: " + String.join("; ", report));
        assertTrue(bad.isEmpty(), "over " + Transcendental.MAX_ULPS + " ulps: " + bad + " (all: " + report + ")");
    }

    /** One call of the F32 and of the F64 kernel on the grid: their max errors in ulps. */
    private static double[] maxUlps(UnaryOp op, double[] x, float[] xf) {
        float[] of = new float[x.length];
        double[] od = new double[x.length];
        Transcendental.unary(op, xf, 0, of, 0, xf.length);
        Transcendental.unary(op, x, 0, od, 0, x.length);
        double f32 = 0, f64 = 0;
        for (int i = 0; i < x.length; i++) {
            double ef = (float) reference(op, xf[i]), ed = reference(op, x[i]);
            f32 = Math.max(f32, ulps(of[i], ef, Math.ulp((float) ef)));
            f64 = Math.max(f64, ulps(od[i], ed, Math.ulp(ed)));
        }
        return new double[] {f32, f64};
    }

    /** The reference backend's value of op at x, through its public kernel on one element. */
    private static double reference(UnaryOp op, double x) {
        return switch (op) {
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case ERF -> Transcendental.erf(x);
            case NEG, SQRT, ABS, SIGN, RELU -> throw new IllegalArgumentException(op.name());
        };
    }

    /** Ulps of the reference's result between got and expected (0 when both are the same infinity or NaN). */
    private static double ulps(double got, double expected, double ulp) {
        if (got == expected || (Double.isNaN(got) && Double.isNaN(expected))) return 0;
        if (Double.isNaN(got) || Double.isNaN(expected) || Double.isInfinite(expected)) return Double.POSITIVE_INFINITY;
        return Math.abs(got - expected) / ulp;
    }

    private static double[] grid(UnaryOp op) {
        double lo = -20, hi = 20;
        if (op == UnaryOp.LOG) { lo = 1e-6; hi = 1e4; }
        if (op == UnaryOp.SIN || op == UnaryOp.COS) { lo = -100; hi = 100; }
        if (op == UnaryOp.EXP) { lo = -80; hi = 80; }
        double[] x = new double[POINTS];
        for (int i = 0; i < POINTS; i++) x[i] = lo + (hi - lo) * i / (POINTS - 1);
        return x;
    }
}
