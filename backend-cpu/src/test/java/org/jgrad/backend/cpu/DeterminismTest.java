package org.jgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jgrad.spi.UnaryOp;
import org.junit.jupiter.api.Test;

/**
 * The same input gives the same bits whether the kernels run interpreted or C2-compiled: a child JVM started with
 * -Xint (where the Vector API runs its Java fallback lane by lane) runs the transcendental kernels, the pairwise sum
 * and the fused softmax rows on fixed seeded inputs, and this JVM runs the same after running them until C2 has
 * compiled them. NaNs compare as NaN (Java does not fix their payload); every other result must match bit for bit.
 * Changing VectorMath's lane sum back to {@code reduceLanes(ADD)}, or its exp to {@code lanewise(EXP)}, fails this.
 */
final class DeterminismTest {
    private static final UnaryOp[] UNARY = {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.SIN,
            UnaryOp.COS, UnaryOp.ERF};
    /** Lengths around the vector width (tails included) and longer runs with several pairwise leaves. */
    private static final int[] SIZES = {1, 7, 15, 16, 17, 33, 100, 517, 1500};
    /** Warm-up lengths: a vector loop with a masked tail, and a sum long enough to split into leaves. */
    private static final int[] WARM_UP_SIZES = {19, 37, 600};
    private static final long WARM_UP_NANOS = 2_000_000_000L;
    private static final int WARM_UP_ROUNDS = 20_000;
    /** Written by the warm-up so that its results are used. */
    private static long sink;

    /** Runs in the -Xint child: one line per case on stdout. */
    public static void main(String[] args) {
        for (String line : results(SIZES, true)) System.out.println(line);
    }

    @Test
    void interpretedAndCompiledKernelsGiveTheSameBits() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no java command"));
        List<String> command = new ArrayList<>(List.of(java, "-Xint", "--add-modules", "jdk.incubator.vector"));
        // the vector width decides the lane sums' order, so the child must have this JVM's (-XX:MaxVectorSize=32
        // runs the suite as an AVX2 machine would)
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
            if (arg.startsWith("-XX:MaxVectorSize=") || arg.startsWith("-XX:UseAVX=")) command.add(arg);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DeterminismTest.class.getName()));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> interpreted = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) interpreted.add(line);
        }
        if (!child.waitFor(5, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            fail("the -Xint child did not finish");
        }
        assertEquals(0, child.exitValue(), "the -Xint child failed");

        long end = System.nanoTime() + WARM_UP_NANOS;
        for (int round = 0; round < WARM_UP_ROUNDS || System.nanoTime() < end; round++) results(WARM_UP_SIZES, false);
        for (int pass = 0; pass < 3; pass++) {
            List<String> compiled = results(SIZES, true);
            assertEquals(interpreted.size(), compiled.size(), "cases in the -Xint child and here");
            for (int i = 0; i < compiled.size(); i++)
                assertEquals(interpreted.get(i), compiled.get(i), "interpreted (first) and compiled (second) bits differ, pass " + pass);
        }
    }

    /**
     * An element's result does not depend on where it sits: each element of a run (vector body, masked tail, special
     * values beside ordinary ones) gives the same bits computed alone.
     */
    @Test
    void anElementsValueDoesNotDependOnItsPositionOrItsNeighbours() {
        for (UnaryOp op : UNARY) {
            double[] x = input(op, new Random(op.ordinal()), 53);
            float[] xf = narrow(x), of = new float[x.length], one = new float[1];
            double[] od = new double[x.length], oneD = new double[1];
            Transcendental.unary(op, xf, 0, of, 0, x.length);
            Transcendental.unary(op, x, 0, od, 0, x.length);
            for (int i = 0; i < x.length; i++) {
                Transcendental.unary(op, xf, i, one, 0, 1);
                Transcendental.unary(op, x, i, oneD, 0, 1);
                assertEquals(Float.floatToIntBits(of[i]), Float.floatToIntBits(one[0]), op + " F32 of " + xf[i] + " at " + i);
                assertEquals(Double.doubleToLongBits(od[i]), Double.doubleToLongBits(oneD[0]), op + " F64 of " + x[i] + " at " + i);
            }
        }
    }

    /** Every case in F32 and F64 for each length: its result bits as a line, or only folded into the sink. */
    private static List<String> results(int[] sizes, boolean print) {
        List<String> out = new ArrayList<>();
        for (boolean f32 : new boolean[] {true, false}) {
            for (int n : sizes) {
                Random random = new Random(n * 2L + (f32 ? 1 : 0));
                String at = (f32 ? " F32 " : " F64 ") + n;
                for (UnaryOp op : UNARY) {
                    double[] x = input(op, random, n);
                    if (f32) {
                        float[] xf = narrow(x), o = new float[n];
                        Transcendental.unary(op, xf, 0, o, 0, n);
                        add(out, print, op + at, widen(o));
                    } else {
                        double[] o = new double[n];
                        Transcendental.unary(op, x, 0, o, 0, n);
                        add(out, print, op + at, o);
                    }
                }
                double[] x = uniform(random, n, -30, 30);
                add(out, print, "sum" + at, new double[] {f32 ? Reduce.sum(narrow(x), 0, n) : Reduce.sum(x, 0, n)});
                for (boolean log : new boolean[] {false, true}) {
                    String name = (log ? "logSoftmax" : "softmax") + at;
                    if (f32) {
                        float[] o = new float[n];
                        FusedKernels.row(narrow(x), 0, o, 0, n, log);
                        add(out, print, name, widen(o));
                    } else {
                        double[] o = new double[n];
                        FusedKernels.row(x, 0, o, 0, n, log);
                        add(out, print, name, o);
                    }
                }
            }
        }
        return out;
    }

    private static void add(List<String> out, boolean print, String name, double[] values) {
        StringBuilder line = print ? new StringBuilder(name).append(':') : null;
        for (double v : values) {
            long bits = Double.doubleToLongBits(v);
            sink ^= bits;
            if (print) line.append(' ').append(Long.toHexString(bits));
        }
        if (print) out.add(line.toString());
    }

    /** Inputs over each function's interesting range, with the special values mixed in at fixed places. */
    private static double[] input(UnaryOp op, Random r, int n) {
        double[] x = switch (op) {
            case EXP -> uniform(r, n, -110, 110);
            case LOG -> positive(r, n);
            case TANH -> uniform(r, n, -12, 12);
            case SIGMOID -> uniform(r, n, -40, 40);
            case SIN, COS -> wide(r, n);
            default -> uniform(r, n, -7, 7);
        };
        double[] s = {Double.NaN, 0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -1.0,
                Float.MIN_VALUE};
        for (int i = 0; i < s.length && 5 * i + 3 < n; i++) x[5 * i + 3] = s[i];
        return x;
    }

    private static double[] uniform(Random r, int n, double lo, double hi) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * r.nextDouble();
        return x;
    }

    /** Positive over the whole exponent range, subnormals included. */
    private static double[] positive(Random r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Math.scalb(1 + r.nextDouble(), r.nextInt(-1074, 1024));
        return x;
    }

    /** Magnitudes from 1e-10 to 1e12, past VectorMath.TRIG_BOUND, either sign. */
    private static double[] wide(Random r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = (r.nextBoolean() ? 1 : -1) * Math.pow(10, -10 + 22 * r.nextDouble());
        return x;
    }

    private static float[] narrow(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }

    private static double[] widen(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }
}
