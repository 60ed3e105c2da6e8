package org.jgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Tensor;
import org.jgrad.spi.UnaryOp;
import org.junit.jupiter.api.Test;

/**
 * The same input gives the same bits whether the kernels run interpreted or C2-compiled: a child JVM started with
 * -Xint (where the Vector API runs its Java fallback lane by lane) computes sums, softmax and the transcendental
 * functions of fixed seeded inputs, and this JVM computes the same after warming the kernels up until C2 has compiled
 * them. NaNs compare as NaN (Java does not fix their payload); every other result must match bit for bit.
 */
final class DeterminismTest {
    /** Lengths around the vector width (tails included) and a few longer runs with several pairwise leaves. */
    private static final int[] SIZES = {1, 7, 15, 16, 17, 33, 100, 517, 5000};
    private static final long WARM_UP_NANOS = 2_000_000_000L;
    private static final int WARM_UP_ROUNDS = 20_000;

    /** Runs in the -Xint child: one line per case on stdout. */
    public static void main(String[] args) {
        for (String line : results(SIZES)) System.out.println(line);
    }

    @Test
    void interpretedAndCompiledKernelsGiveTheSameBits() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no java command"));
        Process child = new ProcessBuilder(java, "-Xint", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), DeterminismTest.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> interpreted = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) interpreted.add(line);
        }
        if (!child.waitFor(5, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            fail("the -Xint child did not finish");
        }
        assertEquals(0, child.exitValue(), "the -Xint child failed");

        warmUp();
        for (int pass = 0; pass < 3; pass++) {
            List<String> compiled = results(SIZES);
            assertEquals(interpreted.size(), compiled.size(), "cases in the -Xint child and here");
            for (int i = 0; i < compiled.size(); i++)
                assertEquals(interpreted.get(i), compiled.get(i), "interpreted (first) and compiled (second) bits differ, pass " + pass);
        }
    }

    /**
     * The kernels themselves on short runs with tails, called directly (through tensors each call would cost far more
     * than the kernel) until C2 has compiled them, their VectorMath calls and the masked tails; later calls from any
     * tier run that code.
     */
    private static void warmUp() {
        UnaryOp[] ops = {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.SIN, UnaryOp.COS, UnaryOp.ERF};
        Random random = new Random(1);
        double[] xd = uniform(random, 37, -5, 5), od = new double[xd.length];
        float[] xf = new float[xd.length], of = new float[xd.length];
        for (int i = 0; i < xd.length; i++) xf[i] = (float) xd[i];
        long end = System.nanoTime() + WARM_UP_NANOS;
        for (int round = 0; round < WARM_UP_ROUNDS || System.nanoTime() < end; round++) {
            int n = round % 2 == 0 ? 19 : 37;
            for (UnaryOp op : ops) {
                Transcendental.unary(op, xf, 0, of, 0, n);
                Transcendental.unary(op, xd, 0, od, 0, n);
            }
            Reduce.sum(xf, 0, n);
            Reduce.sum(xd, 0, n);
            FusedKernels.row(xf, 0, of, 0, n, round % 4 < 2);
            FusedKernels.row(xd, 0, od, 0, n, round % 4 < 2);
        }
    }

    /** Every case in F32 and F64, for each length. */
    private static List<String> results(int[] sizes) {
        Device cpu = Device.cpu();
        List<String> out = new ArrayList<>();
        for (DType t : new DType[] {DType.F32, DType.F64}) {
            for (int n : sizes) {
                Random random = new Random(n * 31L + t.ordinal());
                case_(out, "exp", t, n, uniform(random, n, -90, 90), Tensor::exp);
                case_(out, "log", t, n, positive(random, n), Tensor::log);
                case_(out, "tanh", t, n, uniform(random, n, -12, 12), Tensor::tanh);
                case_(out, "sigmoid", t, n, uniform(random, n, -40, 40), Tensor::sigmoid);
                case_(out, "sin", t, n, wide(random, n), Tensor::sin);
                case_(out, "cos", t, n, wide(random, n), Tensor::cos);
                case_(out, "erf", t, n, uniform(random, n, -7, 7), Tensor::erf);
                case_(out, "sum", t, n, uniform(random, n, -3, 3), Tensor::sum);
                case_(out, "softmax", t, n, uniform(random, n, -30, 30), x -> x.reshape(1, n).softmax(1));
                case_(out, "logSoftmax", t, n, uniform(random, n, -30, 30), x -> x.reshape(1, n).logSoftmax(1));
                case_(out, "columnSum", t, n, uniform(random, 3 * n, -3, 3), x -> x.reshape(3, n).sum(0));
            }
        }
        return out;
    }

    private static void case_(List<String> out, String name, DType t, int n, double[] x, UnaryOperator<Tensor> op) {
        Tensor in = Tensor.of(x, x.length).to(Device.cpu()).to(t);
        StringBuilder line = new StringBuilder(name).append(' ').append(t).append(' ').append(n).append(':');
        for (double v : op.apply(in).toDoubleArray()) line.append(' ').append(Long.toHexString(Double.doubleToLongBits(v)));
        out.add(line.toString());
    }

    /** Uniform in [lo, hi), with the special values mixed in at fixed places. */
    private static double[] uniform(Random r, int n, double lo, double hi) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * r.nextDouble();
        return specials(x);
    }

    /** Positive over the whole exponent range (subnormals included), with the special values. */
    private static double[] positive(Random r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = Math.scalb(1 + r.nextDouble(), r.nextInt(-1074, 1024));
        return specials(x);
    }

    /** Magnitudes from 1e-10 to 1e12, past VectorMath.TRIG_BOUND, either sign, with the special values. */
    private static double[] wide(Random r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = (r.nextBoolean() ? 1 : -1) * Math.pow(10, -10 + 22 * r.nextDouble());
        return specials(x);
    }

    private static double[] specials(double[] x) {
        double[] s = {Double.NaN, 0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -1.0};
        for (int i = 0; i < s.length && 5 * i + 3 < x.length; i++) x[5 * i + 3] = s[i];
        return x;
    }
}
