package org.jgrad.testkit;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.jgrad.Autograd;
import org.jgrad.DType;
import org.jgrad.Grad;
import org.jgrad.Tensor;

/** The pieces of a gradient check: F64 leaves, analytic Jacobians by autograd, numeric ones by central differences. */
final class Jacobians {
    private Jacobians() {
    }

    /**
     * Fresh F64 leaves requiring grad for the floating inputs (copies: the caller's tensors are never touched or
     * recorded on), the integer inputs themselves.
     */
    static Tensor[] leaves(Tensor[] inputs) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            xs[i] = t.dtype().isFloating() ? leaf(t.toDoubleArray(), t) : t;
        }
        return xs;
    }

    /** An F64 leaf requiring grad with {@code values}, shaped and placed like {@code like}. */
    static Tensor leaf(double[] values, Tensor like) {
        return Tensor.of(values, like.shape()).to(like.device()).requiresGrad(true);
    }

    /** The positions of the inputs that are differentiated: the floating ones. */
    static int[] differentiable(Tensor[] xs) {
        int[] idx = IntStream.range(0, xs.length).filter(i -> xs[i].dtype().isFloating()).toArray();
        if (idx.length == 0)
            throw new IllegalArgumentException("GradCheck: no floating-point input to differentiate among "
                    + Props.describe(xs));
        return idx;
    }

    /** f's output with the graph recorded (even inside the caller's {@code Grad.disabled()}), for autograd to walk. */
    static Tensor record(Function<Tensor[], Tensor> f, Tensor[] xs) {
        try (var on = Grad.enabled()) {
            return apply(f, xs);
        }
    }

    /** f's output, which must be F64: finite differences with a step of 1e-6 mean nothing in F32. */
    static Tensor apply(Function<Tensor[], Tensor> f, Tensor[] xs) {
        Tensor y = f.apply(xs.clone());
        if (y == null) throw new IllegalArgumentException("GradCheck: f returned null");
        if (y.dtype() != DType.F64)
            throw new IllegalArgumentException("GradCheck: f returned a " + y.dtype() + " tensor " + Arrays.toString(y.shape())
                    + "; it must compute in F64 from its F64 inputs (finite differences are meaningless in lower precision)");
        return y;
    }

    /** f(xs) without recording a graph, as doubles, checked to have the shape of the reference output. */
    static double[] values(Function<Tensor[], Tensor> f, Tensor[] xs, int[] shape) {
        try (var off = Grad.disabled()) {
            Tensor y = apply(f, xs);
            if (!Arrays.equals(y.shape(), shape))
                throw new AssertionError("GradCheck: f returned shape " + Arrays.toString(y.shape()) + " for perturbed"
                        + " inputs but " + Arrays.toString(shape) + " for the original ones");
            return y.toDoubleArray();
        }
    }

    /**
     * Row j of the analytic Jacobians, {@code J[k][j][e] = ∂y_j/∂x_{diff[k]}[e]}, as one vector-Jacobian product
     * with the one-hot output gradient e_j per output element: {@code m} backward passes for m outputs.
     */
    static double[][][] analytic(Tensor y, Tensor[] xs, int[] diff) {
        int m = y.numel();
        double[][][] jac = new double[diff.length][m][];
        List<Tensor> wrt = Arrays.stream(diff).mapToObj(i -> xs[i]).toList();
        for (int j = 0; j < m; j++) {
            Tensor[] g = y.requiresGrad() ? Autograd.grad(y, oneHot(y, j), wrt, true, false) : new Tensor[diff.length];
            for (int k = 0; k < diff.length; k++) jac[k][j] = gradient(g[k], xs[diff[k]], diff[k]);
        }
        return jac;
    }

    /** The values of a gradient (zeros when autograd found no path), checked against its input's shape. */
    static double[] gradient(Tensor g, Tensor x, int index) {
        if (g == null) return new double[x.numel()];
        if (!Arrays.equals(g.shape(), x.shape()))
            throw new AssertionError("GradCheck: the gradient of input " + index + " has shape " + Arrays.toString(g.shape())
                    + " but the input has shape " + Arrays.toString(x.shape()));
        return g.toDoubleArray();
    }

    private static Tensor oneHot(Tensor y, int j) {
        double[] e = new double[y.numel()];
        e[j] = 1;
        return Tensor.of(e, y.shape()).to(y.device());
    }

    /**
     * Numeric Jacobians by central differences, {@code N[k][j][e] = (f(x + eps·δ_e)_j − f(x − eps·δ_e)_j) / 2eps}
     * where δ_e perturbs element e of input {@code diff[k]} only: two forward passes per input element.
     */
    static double[][][] numeric(Function<Tensor[], Tensor> f, Tensor[] xs, int[] diff, int[] outShape, double eps) {
        int m = Arrays.stream(outShape).reduce(1, Math::multiplyExact);
        double[][][] jac = new double[diff.length][m][];
        for (int k = 0; k < diff.length; k++) {
            Tensor x = xs[diff[k]];
            double[] v = x.toDoubleArray();
            for (int j = 0; j < m; j++) jac[k][j] = new double[v.length];
            for (int e = 0; e < v.length; e++) {
                double[] plus = f(f, xs, diff[k], perturbed(v, e, eps), outShape);
                double[] minus = f(f, xs, diff[k], perturbed(v, e, -eps), outShape);
                for (int j = 0; j < m; j++) jac[k][j][e] = (plus[j] - minus[j]) / (2 * eps);
            }
        }
        return jac;
    }

    private static double[] perturbed(double[] v, int e, double delta) {
        double[] p = v.clone();
        p[e] += delta;
        return p;
    }

    /** f's values with input {@code at} replaced by a leaf holding {@code values}. */
    static double[] f(Function<Tensor[], Tensor> f, Tensor[] xs, int at, double[] values, int[] outShape) {
        Tensor[] args = xs.clone();
        args[at] = leaf(values, xs[at]);
        return values(f, args, outShape);
    }

    /** A row-major position as coordinates, {@code [1, 2]}. */
    static String coordinates(int flat, int[] shape) {
        int[] c = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            c[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return Arrays.toString(c);
    }
}
