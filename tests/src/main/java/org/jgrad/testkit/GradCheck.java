package org.jgrad.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.jgrad.Autograd;
import org.jgrad.DType;
import org.jgrad.Tensor;

/**
 * Gradient checks with PyTorch's {@code gradcheck} semantics, in F64: autograd's Jacobian against central finite
 * differences, second order ({@link #checkGradGrad}), and the transpose identity {@code ⟨u, J·v⟩ = ⟨Jᵀu, v⟩} for
 * inputs too large for a full Jacobian ({@link #checkJvpVjp}). The caller's tensors are never modified: floating
 * inputs are copied into fresh F64 leaves, integer inputs (indices, targets) are passed through and not
 * differentiated. Gradients come from {@link Autograd#grad}, so no {@code grad} field is touched.
 * <pre>{@code
 * GradCheck.check(in -> in[0].matmul(in[1]).tanh(), a, b);
 * GradCheck.checkGradGrad(in -> in[0].exp().sum(), x);
 * }</pre>
 */
public final class GradCheck {
    /** Unit roundoff of F64, {@code 2^-53}: the relative error of one rounded operation. */
    private static final double UNIT_ROUNDOFF = Math.ulp(1.0) / 2;
    /**
     * The relative rounding allowed in accumulated sums of the transpose identity: half the digits of F64, the usual
     * bound for an unknown amount of cancellation, still 10^5 below the error a wrong gradient makes.
     */
    private static final double SUM_ROUNDING = Math.sqrt(Math.ulp(1.0));
    /** The seed of checkGradGrad's random output gradient: fixed so a failure reproduces. */
    private static final long GRAD_OUTPUT_SEED = 0x6A09E667F3BCC908L;

    /**
     * Tolerances of a check: central differences with step {@code eps}, and an element passes when
     * {@code |analytic − numeric| <= atol + rtol·|numeric|}.
     *
     * @param eps  the finite-difference step
     * @param atol the absolute tolerance
     * @param rtol the tolerance relative to the numeric value
     */
    public record Options(double eps, double atol, double rtol) {
        /** PyTorch's gradcheck defaults: {@code eps 1e-6, atol 1e-5, rtol 1e-3}. */
        public static final Options DEFAULT = new Options(1e-6, 1e-5, 1e-3);

        /** Checks that the step is positive and the tolerances are not negative. */
        public Options {
            if (!(eps > 0) || !(atol >= 0) || !(rtol >= 0))
                throw new IllegalArgumentException("GradCheck.Options: needs eps > 0, atol >= 0, rtol >= 0, got "
                        + eps + ", " + atol + ", " + rtol);
        }
    }

    private GradCheck() {
    }

    /** {@link #check(Function, Options, Tensor...)} with {@link Options#DEFAULT}. */
    public static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(f, Options.DEFAULT, inputs);
    }

    /**
     * Checks {@code ∂f/∂inputs}: for every floating input k, output element j and input element e,
     * {@code |J[j][e] − (f(x + eps·δ_e) − f(x − eps·δ_e))_j / 2eps| <= atol + rtol·|numeric|}, where J comes from
     * autograd. Throws an {@link AssertionError} naming, per failing input, the worst (output, input) element,
     * both values and the tolerance. {@code f} must return an F64 tensor of any shape.
     */
    public static void check(Function<Tensor[], Tensor> f, Options options, Tensor... inputs) {
        String[] names = new String[inputs.length];
        for (int i = 0; i < names.length; i++) names[i] = "input " + i;
        String failure = mismatch(f, options, Jacobians.leaves(inputs), names);
        if (failure != null) throw new AssertionError("GradCheck: " + failure);
    }

    /** {@link #checkGradGrad(Function, Options, Tensor...)} with {@link Options#DEFAULT}. */
    public static void checkGradGrad(Function<Tensor[], Tensor> f, Tensor... inputs) {
        checkGradGrad(f, Options.DEFAULT, inputs);
    }

    /**
     * Checks second-order gradients: {@link #check} of {@code g(x, v) = Jᵀv}, the vector-Jacobian product of f
     * computed by autograd with {@code createGraph = true}, for a random (seeded) output gradient v; both x and v
     * are differentiated, so the backward of every backward rule that f uses is checked.
     */
    public static void checkGradGrad(Function<Tensor[], Tensor> f, Options options, Tensor... inputs) {
        Tensor[] xs = Jacobians.leaves(inputs);
        int[] diff = Jacobians.differentiable(xs);
        Tensor y = Jacobians.record(f, xs);
        Tensor v = Jacobians.leaf(Gens.tensor(y.shape(), Domain.real(), DType.F64, GRAD_OUTPUT_SEED).toDoubleArray(), y);
        int n = xs.length;
        Function<Tensor[], Tensor> vjp = args -> vjp(f, Arrays.copyOf(args, n), args[n], diff);
        Tensor[] args = Arrays.copyOf(xs, n + 1);
        args[n] = v;
        String[] names = new String[n + 1];
        for (int i = 0; i < n; i++) names[i] = "input " + i;
        names[n] = "the output gradient v";
        String failure = mismatch(vjp, options, args, names);
        if (failure != null)
            throw new AssertionError("GradCheck.checkGradGrad: the second-order gradient is wrong. Checked g(x, v) = Jᵀv,"
                    + " the vector-Jacobian product of f (createGraph = true) flattened and concatenated over the"
                    + " floating inputs " + Arrays.toString(diff) + ", for v = " + Props.describe(v) + ":\n" + failure);
    }

    /** {@code Jᵀv} for each differentiable input, flattened and concatenated; recorded so it can be differentiated. */
    private static Tensor vjp(Function<Tensor[], Tensor> f, Tensor[] xs, Tensor v, int[] diff) {
        Tensor y = Jacobians.record(f, xs);                  // recorded even while the numeric pass disables grad
        List<Tensor> wrt = Arrays.stream(diff).mapToObj(i -> xs[i]).toList();
        Tensor[] g = y.requiresGrad() ? Autograd.grad(y, v, wrt, true, true) : new Tensor[diff.length];
        Tensor[] parts = new Tensor[diff.length];
        for (int k = 0; k < diff.length; k++) {
            Tensor x = xs[diff[k]];
            parts[k] = (g[k] == null ? Tensor.zerosLike(x) : g[k]).reshape(x.numel());
        }
        return Tensor.cat(0, parts);
    }

    /** The failure text of a first-order check of f at the leaves xs, or null when every element agrees. */
    private static String mismatch(Function<Tensor[], Tensor> f, Options o, Tensor[] xs, String[] names) {
        int[] diff = Jacobians.differentiable(xs);
        Tensor y = Jacobians.record(f, xs);
        int[] outShape = y.shape();
        double[][][] analytic = Jacobians.analytic(y, xs, diff);
        double[][][] numeric = Jacobians.numeric(f, xs, diff, outShape, o.eps());
        List<String> bad = new ArrayList<>();
        for (int k = 0; k < diff.length; k++) {
            String worst = worst(analytic[k], numeric[k], o, outShape, xs[diff[k]].shape());
            if (worst != null) bad.add(names[diff[k]] + " (" + Props.describe(xs[diff[k]]) + "): " + worst);
        }
        if (bad.isEmpty()) return null;
        return String.format(Locale.ROOT, "the analytic gradient disagrees with central differences (eps %.3g,"
                + " element passes when |a - n| <= %.3g + %.3g·|n|)%n  output: %s%n  ", o.eps(), o.atol(), o.rtol(),
                Props.describe(y)) + String.join("\n  ", bad);
    }

    /** The worst element of one input's Jacobians, or null when all pass (a NaN on either side fails). */
    private static String worst(double[][] a, double[][] n, Options o, int[] outShape, int[] inShape) {
        int wj = -1, we = -1, count = 0, total = 0;
        double worstRatio = 0;
        for (int j = 0; j < a.length; j++) {
            for (int e = 0; e < a[j].length; e++) {
                total++;
                double tol = o.atol() + o.rtol() * Math.abs(n[j][e]);
                double ratio = Math.abs(a[j][e] - n[j][e]) / tol;
                boolean fails = !(ratio <= 1) && !(a[j][e] == n[j][e]);    // NaN compares false: it fails
                if (!fails) continue;
                count++;
                if (wj < 0 || Double.isNaN(ratio) || ratio > worstRatio) {
                    wj = j;
                    we = e;
                    worstRatio = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
                }
            }
        }
        if (wj < 0) return null;
        double av = a[wj][we], nv = n[wj][we];
        return String.format(Locale.ROOT, "worst at output %s, input element %s: analytic %.9g, numeric %.9g,"
                + " |a - n| = %.3g > tolerance %.3g%s; %d of %d Jacobian entries fail",
                Jacobians.coordinates(wj, outShape), Jacobians.coordinates(we, inShape), av, nv, Math.abs(av - nv),
                o.atol() + o.rtol() * Math.abs(nv), nv != 0 && av != 0 ? String.format(Locale.ROOT, " (analytic/numeric = %.4g)", av / nv) : "",
                count, total);
    }

    /**
     * Checks the transpose identity {@code ⟨u, J_k·v_k⟩ = ⟨J_kᵀu, v_k⟩} for each floating input k, with random
     * directions u (output-shaped) and v_k drawn from {@code seed}: {@code J_k·v_k} by central differences along
     * v_k with step {@link Options#DEFAULT}'s eps, {@code J_kᵀu} by one backward pass. Costs one backward and four
     * forwards per input, so it suits inputs far too large for {@link #check}. The tolerance is estimated, not set:
     * the difference between the central differences at steps eps and 2·eps (which bounds their truncation error),
     * plus the rounding of f's values divided by the step, plus {@code sqrt(ulp(1))} of the sums' absolute terms.
     */
    public static void checkJvpVjp(Function<Tensor[], Tensor> f, long seed, Tensor... inputs) {
        double eps = Options.DEFAULT.eps();
        Tensor[] xs = Jacobians.leaves(inputs);
        int[] diff = Jacobians.differentiable(xs);
        Tensor y = Jacobians.record(f, xs);
        int[] outShape = y.shape();
        SplittableRandom random = new SplittableRandom(seed);
        double[] u = Gens.tensor(outShape, Domain.real(), DType.F64, random.nextLong()).toDoubleArray();
        List<Tensor> wrt = Arrays.stream(diff).mapToObj(i -> xs[i]).toList();
        Tensor[] vjp = y.requiresGrad() ? Autograd.grad(y, Tensor.of(u, outShape).to(y.device()), wrt, false, false)
                : new Tensor[diff.length];
        List<String> bad = new ArrayList<>();
        for (int k = 0; k < diff.length; k++) {
            Tensor x = xs[diff[k]];
            double[] v = Gens.tensor(x.shape(), Domain.real(), DType.F64, random.nextLong()).toDoubleArray();
            String failure = transposeMismatch(f, xs, diff[k], u, v, Jacobians.gradient(vjp[k], x, diff[k]), outShape, eps);
            if (failure != null) bad.add("input " + diff[k] + " (" + Props.describe(x) + "): " + failure);
        }
        if (!bad.isEmpty())
            throw new AssertionError("GradCheck.checkJvpVjp: ⟨u, J·v⟩ by central differences (eps " + eps + ") disagrees"
                    + " with ⟨Jᵀu, v⟩ by autograd (seed " + seed + ", u and v uniform in [-2, 2])\n  output: "
                    + Props.describe(y) + "\n  " + String.join("\n  ", bad));
    }

    /** The failure text of the identity for input {@code at}, or null when the two sides agree within the estimate. */
    private static String transposeMismatch(Function<Tensor[], Tensor> f, Tensor[] xs, int at, double[] u, double[] v,
            double[] vjp, int[] outShape, double eps) {
        double[] x = xs[at].toDoubleArray();
        double[] p1 = Jacobians.f(f, xs, at, along(x, v, eps), outShape), m1 = Jacobians.f(f, xs, at, along(x, v, -eps), outShape);
        double[] p2 = Jacobians.f(f, xs, at, along(x, v, 2 * eps), outShape), m2 = Jacobians.f(f, xs, at, along(x, v, -2 * eps), outShape);
        double lhs = 0, lhsTerms = 0, fdError = 0;
        for (int j = 0; j < u.length; j++) {
            double jv = (p1[j] - m1[j]) / (2 * eps), jv2 = (p2[j] - m2[j]) / (4 * eps);
            double rounding = UNIT_ROUNDOFF * (Math.abs(p1[j]) + Math.abs(m1[j])) / (2 * eps);
            lhs += u[j] * jv;
            lhsTerms += Math.abs(u[j] * jv);
            fdError += Math.abs(u[j]) * (Math.abs(jv2 - jv) + rounding);
        }
        double rhs = 0, rhsTerms = 0;
        for (int e = 0; e < v.length; e++) {
            rhs += vjp[e] * v[e];
            rhsTerms += Math.abs(vjp[e] * v[e]);
        }
        double tol = fdError + SUM_ROUNDING * (lhsTerms + rhsTerms);
        double diffAbs = Math.abs(lhs - rhs);
        if (diffAbs <= tol) return null;
        return String.format(Locale.ROOT, "⟨u, J·v⟩ = %.12g but ⟨Jᵀu, v⟩ = %.12g: |difference| %.3g > estimated error %.3g"
                + " (finite differences %.3g + rounding %.3g)%s", lhs, rhs, diffAbs, tol, fdError,
                SUM_ROUNDING * (lhsTerms + rhsTerms), lhs != 0 ? String.format(Locale.ROOT, "; ratio %.4g", rhs / lhs) : "");
    }

    /** {@code x + t·v}. */
    private static double[] along(double[] x, double[] v, double t) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] + t * v[i];
        return out;
    }
}
