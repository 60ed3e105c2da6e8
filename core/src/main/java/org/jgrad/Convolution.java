package org.jgrad;

import org.jgrad.spi.Conv2dGeometry;

/**
 * 2-d convolution and its two adjoints (the gradients in the input and in the weight), each run as one fused kernel
 * where the backend has it and as its composite definition otherwise. Convolution is bilinear, so the three close
 * under differentiation: with {@code y = conv(x, w)}, {@code gx = inputGrad(g, w)} and {@code gw = weightGrad(x, g)}
 * are the partial adjoints of one trilinear form {@code ⟨g, conv(x, w)⟩}, and each one's gradients are the other two
 * (and conv itself). The fused nodes' rules are therefore written in these three functions, and gradients of any
 * order run fused. The composites are im2col as one strided view of the padded input and a batched matmul; their
 * gradients are autograd's own, and they are the definitions the fused kernels are tested against.
 */
final class Convolution {
    private Convolution() {
    }

    /** y {@code [N, O, OH, OW]} = x ⋆ w (+ bias); the caller has validated the shapes. */
    static Tensor conv2d(Tensor x, Tensor w, Tensor bias, Conv2dGeometry geo) {
        int[] ys = {x.size(0), w.size(0), geo.outHeight(x.size(2), w.size(2)), geo.outWidth(x.size(3), w.size(3))};
        if (fusable(ys, x, w, bias)) {
            Tensor out = Factories.empty(x.device, x.dtype(), ys);
            if (x.device.backend().conv2d(x.view(), w.view(), bias == null ? null : bias.view(), geo, out.view())) {
                Tensor[] inputs = bias == null ? new Tensor[] {x, w} : new Tensor[] {x, w, bias};
                int[] xs = x.shape(), ws = w.shape();
                return Autograd.record("conv2d", out, inputs, new Tensor[] {x, w}, g -> {
                    Tensor gx = x.requiresGrad() ? inputGrad(g, w, geo, xs) : null;
                    Tensor gw = w.requiresGrad() ? weightGrad(x, g, geo, ws) : null;
                    return bias == null ? new Tensor[] {gx, gw}
                            : new Tensor[] {gx, gw, bias.requiresGrad() ? g.sum(2, 3).sum(0) : null};
                });
            }
        }
        try (var scope = Autograd.composite("conv2d")) {
            int n = x.size(0), o = w.size(0), groups = geo.groups(), k = w.size(1) * w.size(2) * w.size(3);
            Tensor y = w.reshape(groups, o / groups, k).matmul(columns(x, w.size(2), w.size(3), geo))
                    .reshape(groups, o / groups, n, ys[2], ys[3]).permute(2, 0, 1, 3, 4).reshape(ys);
            return bias == null ? y : y.add(bias.reshape(1, o, 1, 1));
        }
    }

    /** The gradient in x {@code [N, C, H, W]} (shape {@code xs}) of {@code Σ g·conv2d(x, w)}, for g {@code [N, O, OH, OW]}. */
    static Tensor inputGrad(Tensor g, Tensor w, Conv2dGeometry geo, int[] xs) {
        if (fusable(xs, g, w, null)) {
            Tensor out = Factories.empty(g.device, g.dtype(), xs);
            if (g.device.backend().conv2dInputGrad(g.view(), w.view(), geo, out.view()))
                return Autograd.record("conv2dInputGrad", out, new Tensor[] {g, w}, new Tensor[] {g, w}, h -> new Tensor[] {
                        g.requiresGrad() ? conv2d(h, w, null, geo) : null,
                        w.requiresGrad() ? weightGrad(h, g, geo, w.shape()) : null});
        }
        try (var scope = Autograd.composite("conv2dInputGrad")) {
            int n = xs[0], c = xs[1], groups = geo.groups(), kh = w.size(2), kw = w.size(3);
            int o = w.size(0), oh = g.size(2), ow = g.size(3), k = w.size(1) * kh * kw;
            Tensor cols = w.reshape(groups, o / groups, k).mT()
                    .matmul(g.reshape(n, groups, o / groups, oh * ow).permute(1, 2, 0, 3).reshape(groups, o / groups, n * oh * ow));
            int hp = xs[2] + 2 * geo.padH(), wp = xs[3] + 2 * geo.padW();
            int[] shape = columnShape(c, n, kh, kw, oh, ow, geo);
            return Views.asStridedAdjoint(cols.reshape(shape), new int[] {n, c, hp, wp}, shape, columnStrides(c, hp, wp, geo), 0)
                    .narrow(2, geo.padH(), xs[2]).narrow(3, geo.padW(), xs[3]);
        }
    }

    /** The gradient in w (shape {@code ws}) of {@code Σ g·conv2d(x, w)}, for g {@code [N, O, OH, OW]}. */
    static Tensor weightGrad(Tensor x, Tensor g, Conv2dGeometry geo, int[] ws) {
        if (fusable(ws, x, g, null)) {
            Tensor out = Factories.empty(x.device, x.dtype(), ws);
            if (x.device.backend().conv2dWeightGrad(x.view(), g.view(), geo, out.view()))
                return Autograd.record("conv2dWeightGrad", out, new Tensor[] {x, g}, new Tensor[] {x, g}, h -> new Tensor[] {
                        x.requiresGrad() ? inputGrad(g, h, geo, x.shape()) : null,
                        g.requiresGrad() ? conv2d(x, h, null, geo) : null});
        }
        try (var scope = Autograd.composite("conv2dWeightGrad")) {
            int n = x.size(0), groups = geo.groups(), og = ws[0] / groups, p = g.size(2) * g.size(3);
            return g.reshape(n, groups, og, p).permute(1, 2, 0, 3).reshape(groups, og, n * p)
                    .matmul(columns(x, ws[2], ws[3], geo).mT()).reshape(ws);
        }
    }

    /**
     * Whether a fused kernel may run: a backend that has some, one floating dtype throughout and nothing empty (the
     * composite covers those).
     */
    private static boolean fusable(int[] outShape, Tensor a, Tensor b, Tensor bias) {
        if (!a.dtype().isFloating() || a.dtype() != b.dtype() || a.device != b.device) return false;
        if (!a.device.backend().hasFusedKernels()) return false;
        if (bias != null && (bias.dtype() != a.dtype() || bias.device != a.device)) return false;
        if (a.numel() == 0 || b.numel() == 0) return false;
        for (int d : outShape) if (d == 0) return false;
        return true;
    }

    /** im2col as one strided view of the padded input, copied once: {@code [groups, C/groups·KH·KW, N·OH·OW]}. */
    private static Tensor columns(Tensor x, int kh, int kw, Conv2dGeometry geo) {
        int n = x.size(0), c = x.size(1), groups = geo.groups();
        Tensor xp = x.pad(geo.padW(), geo.padW(), geo.padH(), geo.padH());
        int[] shape = columnShape(c, n, kh, kw, geo.outHeight(x.size(2), kh), geo.outWidth(x.size(3), kw), geo);
        return xp.asStrided(shape, columnStrides(c, xp.size(2), xp.size(3), geo), 0)
                .reshape(groups, shape[1] * kh * kw, n * shape[5] * shape[6]);
    }

    /** The columns' view shape {@code [groups, C/groups, KH, KW, N, OH, OW]}. */
    private static int[] columnShape(int c, int n, int kh, int kw, int oh, int ow, Conv2dGeometry geo) {
        return new int[] {geo.groups(), c / geo.groups(), kh, kw, n, oh, ow};
    }

    /** The strides of {@link #columnShape} over a contiguous padded input {@code [N, C, HP, WP]}. */
    private static int[] columnStrides(int c, int hp, int wp, Conv2dGeometry geo) {
        int plane = hp * wp;
        return new int[] {c / geo.groups() * plane, plane, geo.dilationH() * wp, geo.dilationW(), c * plane,
                geo.strideH() * wp, geo.strideW()};
    }
}
