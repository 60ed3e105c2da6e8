package org.jgrad;

import java.util.Arrays;
import java.util.Locale;

/** {@link Tensor#toString()} in PyTorch's style: nested rows, long dimensions elided with "...". */
final class Printer {
    private static final int EDGE = 3, LIMIT = 1000;

    private Printer() {
    }

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder("tensor(");
        double[] v = t.toDoubleArray();
        boolean elide = v.length > LIMIT;
        body(sb, v, t.layout.shape(), 0, 0, t.dtype(), elide, 7);
        sb.append(", shape=").append(Arrays.toString(t.layout.shape())).append(", dtype=").append(t.dtype())
                .append(", device=").append(t.device);
        if (t.gradFn != null) sb.append(", gradFn=").append(t.gradFn.op);
        else if (t.requiresGrad) sb.append(", requiresGrad=true");
        return sb.append(')').toString();
    }

    private static void body(StringBuilder sb, double[] v, int[] shape, int dim, int base, DType dtype,
            boolean elide, int indent) {
        if (dim == shape.length) {
            sb.append(number(v[base], dtype));
            return;
        }
        int n = shape[dim], inner = 1;
        for (int d = dim + 1; d < shape.length; d++) inner *= shape[d];
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (elide && n > 2 * EDGE && i == EDGE) {
                sb.append(dim == shape.length - 1 ? "..., " : "...,\n" + " ".repeat(indent + dim + 1));
                i = n - EDGE;
            }
            body(sb, v, shape, dim + 1, base + i * inner, dtype, elide, indent);
            if (i < n - 1) sb.append(dim == shape.length - 1 ? ", " : ",\n" + " ".repeat(indent + dim + 1));
        }
        sb.append(']');
    }

    private static String number(double x, DType dtype) {
        if (dtype == DType.BOOL) return x != 0 ? "True" : "False";
        if (!dtype.isFloating()) return Long.toString((long) x);
        if (Double.isNaN(x)) return "nan";
        if (Double.isInfinite(x)) return x > 0 ? "inf" : "-inf";
        double a = Math.abs(x);
        return a != 0 && (a >= 1e5 || a < 1e-4) ? String.format(Locale.ROOT, "%.4e", x) : String.format(Locale.ROOT, "%.4f", x);
    }
}
