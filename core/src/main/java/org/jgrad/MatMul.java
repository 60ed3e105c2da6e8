package org.jgrad;

import java.util.Arrays;
import org.jgrad.spi.Layout;

/** Matrix products: every case reduces to one batched kernel {@code [B, M, K] · [B, K, N]}. */
final class MatMul {
    private MatMul() {
    }

    static Tensor matmul(Tensor a, Tensor b) {
        Elementwise.sameDevice("matmul", a, b);
        if (a.rank() == 0 || b.rank() == 0)
            throw Errors.arg("matmul", "needs tensors of rank 1 or more, got " + Errors.describe(a) + " and " + Errors.describe(b));
        DType t = DType.promote(a.dtype(), b.dtype());
        if (!t.isFloating())
            throw Errors.arg("matmul", "needs F32 or F64 operands, got " + Errors.describe(a) + " and " + Errors.describe(b));
        a = a.to(t);
        b = b.to(t);
        int ka = a.layout.shape()[a.rank() - 1], kb = b.layout.shape()[b.rank() == 1 ? 0 : b.rank() - 2];
        if (ka != kb)
            throw Errors.arg("matmul", "cannot multiply " + Errors.shape(a.layout.shape()) + " by "
                    + Errors.shape(b.layout.shape()) + ": inner dimensions " + ka + " and " + kb + " differ");
        if (a.rank() == 1 && b.rank() == 1) return batched(a.reshape(1, 1, ka), b.reshape(1, kb, 1)).reshape();
        if (b.rank() == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
        if (a.rank() == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
        int[] as = a.layout.shape(), bs = b.layout.shape();
        int[] batch;
        try {
            batch = Views.broadcastShapes("batch", Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2));
        } catch (IllegalArgumentException e) {
            throw Errors.arg("matmul", "cannot multiply " + Errors.shape(as) + " by " + Errors.shape(bs) + ": their "
                    + e.getMessage().replaceFirst("^batch: shapes", "batch shapes"));
        }
        int m = as[as.length - 2], n = bs[bs.length - 1];
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        int nb = Layout.numel(batch);     // not -1: it cannot be inferred when m or k is 0
        Tensor x = a.expand(concat(batch, m, ka)).reshape(nb, m, ka);
        Tensor y = b.expand(concat(batch, ka, n)).reshape(nb, ka, n);
        return batched(x, y).reshape(outShape);
    }

    private static int[] concat(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    /**
     * {@code out[b] = x[b] · y[b]}; dX = g·yᵀ, dY = xᵀ·g, each formed only when its operand needs it (a layer's input
     * data does not: that product would be a third of the layer's work). A gradient takes its operand's layout: for
     * a transposed operand (a weight used as {@code w.mT()}) it is computed as the transpose of the product
     * transposed, so the weight's gradient comes out dense and row-major, as the weight is.
     */
    private static Tensor batched(Tensor x, Tensor y) {
        int[] xs = x.layout.shape(), ys = y.layout.shape();
        Tensor out = Factories.empty(x.device, x.dtype(), new int[] {xs[0], xs[1], ys[2]});
        if (out.numel() > 0) {
            if (xs[2] == 0) x.device.backend().fill(out.view(), 0);
            else x.device.backend().matmul(x.view(), y.view(), out.view());
        }
        return Autograd.record("matmul", out, new Tensor[] {x, y}, new Tensor[] {x, y},
                g -> new Tensor[] {
                    !x.requiresGrad() ? null : transposed(x) ? y.matmul(g.mT()).mT() : g.matmul(y.mT()),
                    !y.requiresGrad() ? null : transposed(y) ? g.mT().matmul(x).mT() : x.mT().matmul(g)});
    }

    /** Whether a {@code [B, R, C]} operand is stored column-major (its rows are the unit-stride direction). */
    private static boolean transposed(Tensor t) {
        int[] s = t.layout.strides(), shape = t.layout.shape();
        return shape[1] > 1 && shape[2] > 1 && s[1] == 1 && s[2] >= shape[1];
    }
}
