package org.jgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jgrad.Device;
import org.jgrad.Tensor;
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
    /** The bound for VectorMath's exp, log, sin and cos against StrictMath over their whole domains. */
    private static final int CORE_ULPS = 2;
    private static final double[] SPECIALS = {Double.NaN, 0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE, -Double.MIN_VALUE, Float.MIN_VALUE, Double.MIN_NORMAL, Float.MIN_NORMAL, Double.MAX_VALUE,
            Float.MAX_VALUE, 1.0, -1.0, 1e-300, -1e-300};

    @Test
    void everyTranscendentalIsWithinMaxUlpsOfTheReferenceOnAGrid() {
        List<String> report = new ArrayList<>(), bad = new ArrayList<>();
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.SIN, UnaryOp.COS, UnaryOp.ERF}) {
            double[] x = grid(op);
            float[] xf = new float[x.length];
            for (int i = 0; i < x.length; i++) xf[i] = (float) x[i];
            double[] xw = new double[x.length];
            for (int i = 0; i < x.length; i++) xw[i] = xf[i];
            double[] ed = reference(op, x), ef = reference(op, xw);
            double[] worst = new double[2];
            long end = System.nanoTime() + WARM_UP_NANOS;
            for (int round = 0; round < MIN_ROUNDS || System.nanoTime() < end; round++) {
                double[] e = maxUlps(op, x, xf, ed, ef);
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

    /**
     * exp, log, sin and cos over their whole domains (random bit patterns, values near the overflow and underflow
     * thresholds and near 1, near multiples of π/2, beyond VectorMath.TRIG_BOUND) and at the special values, against
     * StrictMath (fdlibm) rounded once to the dtype: within {@value #CORE_ULPS} ulps, zeros with their sign, NaN as NaN.
     */
    @Test
    void expLogSinCosAreWithinCoreUlpsOfStrictMathOverTheirDomains() {
        List<String> report = new ArrayList<>(), bad = new ArrayList<>();
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.SIN, UnaryOp.COS}) {
            for (boolean f32 : new boolean[] {true, false}) {
                double[] x = domain(op, f32, new Random(op.ordinal() * 2L + (f32 ? 1 : 0)));
                double[] got = new double[x.length];
                if (f32) {
                    float[] xf = new float[x.length], of = new float[x.length];
                    for (int i = 0; i < x.length; i++) xf[i] = (float) x[i];
                    Transcendental.unary(op, xf, 0, of, 0, x.length);
                    for (int i = 0; i < x.length; i++) got[i] = of[i];
                } else {
                    Transcendental.unary(op, x, 0, got, 0, x.length);
                }
                double worst = 0;
                int at = 0;
                for (int i = 0; i < x.length; i++) {
                    double e = strict(op, x[i]), u;
                    if (f32) {
                        e = (float) e;
                        u = Math.ulp((float) e);
                    } else {
                        u = Math.ulp(e);
                    }
                    double err = Double.compare(got[i], e) == 0 ? 0 : ulps(got[i], e, u);
                    if (e == 0 && got[i] == 0 && Double.compare(got[i], e) != 0) err = Double.POSITIVE_INFINITY;
                    if (err > worst) {
                        worst = err;
                        at = i;
                    }
                }
                String what = op + (f32 ? " F32 " : " F64 ") + worst + " ulp (x = " + x[at] + ")";
                report.add(what);
                if (worst > CORE_ULPS) bad.add(what);
            }
        }
        System.out.println("max error vs StrictMath: " + String.join("; ", report));
        assertTrue(bad.isEmpty(), "over " + CORE_ULPS + " ulps: " + bad);
    }

    private static double strict(UnaryOp op, double x) {
        return switch (op) {
            case EXP -> StrictMath.exp(x);
            case LOG -> StrictMath.log(x);
            case SIN -> StrictMath.sin(x);
            case COS -> StrictMath.cos(x);
            default -> throw new IllegalArgumentException(op.name());
        };
    }

    /** Test points for op, all representable in the dtype: a quarter each of four kinds, then the special values. */
    private static double[] domain(UnaryOp op, boolean f32, Random r) {
        int n = 1 << 16;
        double[] x = new double[n + SPECIALS.length];
        double overflow = f32 ? 88.73 : 709.79, underflow = f32 ? -103.98 : -745.14;
        for (int i = 0; i < n; i++) {
            int kind = i & 3;
            double sign = r.nextBoolean() ? 1 : -1, logUniform = Math.pow(10, -20 + 20 * r.nextDouble());
            x[i] = switch (op) {
                case EXP -> switch (kind) {
                    case 0 -> underflow + (overflow + 1 - underflow) * r.nextDouble();
                    case 1 -> sign * logUniform;
                    case 2 -> overflow - 2 + 3 * r.nextDouble();
                    default -> underflow - 1 + (f32 ? 20 : 40) * r.nextDouble();   // the subnormal results
                };
                case LOG -> switch (kind) {
                    case 0 -> f32 ? Float.intBitsToFloat(r.nextInt() & Integer.MAX_VALUE) : Double.longBitsToDouble(r.nextLong() & Long.MAX_VALUE);
                    case 1 -> 1 + sign * logUniform;
                    case 2 -> 0.5 + 1.5 * r.nextDouble();
                    default -> f32 ? Float.MIN_VALUE * r.nextInt(1 << 23) : Double.MIN_VALUE * r.nextLong(1L << 52);
                };
                default -> switch (kind) {
                    case 0 -> sign * Math.pow(10, -10 + 19 * r.nextDouble());
                    case 1 -> sign * 2 * Math.PI * r.nextDouble();
                    case 2 -> Math.PI / 2 * r.nextInt(-(1 << 20), 1 << 20);      // near multiples of π/2
                    default -> sign * Math.pow(10, 9 + (f32 ? 29 : 299) * r.nextDouble());   // beyond the reduction
                };
            };
        }
        System.arraycopy(SPECIALS, 0, x, n, SPECIALS.length);
        if (f32) for (int i = 0; i < x.length; i++) x[i] = (float) x[i];
        return x;
    }

    /** One call of the F32 and of the F64 kernel on the grid: their max errors in ulps of the reference's values. */
    private static double[] maxUlps(UnaryOp op, double[] x, float[] xf, double[] ed, double[] ef) {
        float[] of = new float[x.length];
        double[] od = new double[x.length];
        Transcendental.unary(op, xf, 0, of, 0, xf.length);
        Transcendental.unary(op, x, 0, od, 0, x.length);
        double f32 = 0, f64 = 0;
        for (int i = 0; i < x.length; i++) {
            float e = (float) ef[i];
            f32 = Math.max(f32, ulps(of[i], e, Math.ulp(e)));
            f64 = Math.max(f64, ulps(od[i], ed[i], Math.ulp(ed[i])));
        }
        return new double[] {f32, f64};
    }

    /** The reference backend's values of op at x, in F64 (its F32 results are these rounded once). */
    private static double[] reference(UnaryOp op, double[] x) {
        Tensor t = Tensor.of(x, x.length).to(Device.reference());
        Tensor y = switch (op) {
            case EXP -> t.exp();
            case LOG -> t.log();
            case TANH -> t.tanh();
            case SIGMOID -> t.sigmoid();
            case SIN -> t.sin();
            case COS -> t.cos();
            case ERF -> t.erf();
            case NEG, SQRT, ABS, SIGN, RELU -> throw new IllegalArgumentException(op.name());
        };
        return y.toDoubleArray();
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
