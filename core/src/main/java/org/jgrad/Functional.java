package org.jgrad;

import java.util.Arrays;
import org.jgrad.spi.Conv2dGeometry;
import org.jgrad.spi.Distribution;

/**
 * Neural-network functions in functional form, as {@code torch.nn.functional}: losses, linear, convolution,
 * pooling, dropout, embedding and normalization. All are composites of Tensor ops, so they run and
 * differentiate (to any order) on every backend.
 */
public final class Functional {
    private Functional() {
    }

    /** {@code exp(x − max) / Σ exp(x − max)} along {@code axis}; one fused kernel where the backend has it. */
    public static Tensor softmax(Tensor x, int axis) {
        return Fused.softmax(x, axis, false);
    }

    /** {@code x − logsumexp(x)} along {@code axis}; one fused kernel where the backend has it. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return Fused.softmax(x, axis, true);
    }

    /**
     * {@code act(y + bias)}, with bias {@code [C]} added along {@code axis} of y (the features of a linear layer,
     * the channels of a convolution): one fused kernel where the backend has it.
     */
    public static Tensor biasActivation(Tensor y, Tensor bias, int axis, Activation act) {
        return Fused.biasActivation(y, bias, axis, act);
    }

    /** Cross-entropy of logits {@code [N, C]} (or {@code [C]}, or {@code [N, C, d…]}) and I32 class targets, averaged. */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return crossEntropy(logits, target, 0, -100, Reduction.MEAN);
    }

    /**
     * Cross-entropy from logits: {@code −(1−ε)·log p[target] − ε·mean_c log p[c]} per sample, where ε is
     * {@code labelSmoothing}; samples whose target is {@code ignoreIndex} contribute nothing and are not counted.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target, double labelSmoothing, int ignoreIndex,
            Reduction reduction) {
        try (var scope = Autograd.composite("crossEntropy")) {
            if (labelSmoothing < 0 || labelSmoothing > 1)
                throw Errors.arg("crossEntropy", "label smoothing must be in [0, 1], got " + labelSmoothing);
            return classLoss("crossEntropy", logits, target, labelSmoothing, ignoreIndex, reduction, true);
        }
    }

    /** Negative log-likelihood of log-probabilities {@code [N, C]} and I32 class targets. */
    public static Tensor nllLoss(Tensor logProbs, Tensor target, int ignoreIndex, Reduction reduction) {
        try (var scope = Autograd.composite("nllLoss")) {
            return classLoss("nllLoss", logProbs, target, 0, ignoreIndex, reduction, false);
        }
    }

    public static Tensor nllLoss(Tensor logProbs, Tensor target) {
        return nllLoss(logProbs, target, -100, Reduction.MEAN);
    }

    private static Tensor classLoss(String op, Tensor x, Tensor target, double smoothing, int ignoreIndex,
            Reduction reduction, boolean fromLogits) {
        if (target.dtype() != DType.I32) throw Errors.arg(op, "targets must be I32 class indices, got " + Errors.describe(target));
        if (x.rank() == 0) throw Errors.arg(op, "needs class scores of rank 1 or more, got " + Errors.describe(x));
        int[] expected = x.rank() == 1 ? new int[0] : withoutDim(x.layout.shape(), 1);
        if (!Arrays.equals(target.layout.shape(), expected))
            throw Errors.arg(op, "targets " + Errors.describe(target) + " do not match scores " + Errors.describe(x)
                    + ": expected targets of shape " + Errors.shape(expected));
        int classes = x.rank() == 1 ? x.size(0) : x.size(1);
        Tensor scores = x.rank() == 1 ? x.unsqueeze(0) : x.rank() == 2 ? x : x.transpose(1, -1).reshape(-1, classes);
        Tensor t = target.reshape(-1);
        Tensor valid = t.ne(ignoreIndex), safe = Tensor.where(valid, t, t.like(0));
        Integer bad = Structure.outOfRange(safe, classes);
        if (bad != null) throw Errors.arg(op, "target " + bad + " is out of range for " + classes + " classes");
        Tensor logp = fromLogits ? logSoftmax(scores, 1) : scores;
        Tensor loss = Structure.gatherChecked(logp, 1, safe.unsqueeze(1)).squeeze(1).neg();
        if (smoothing > 0) loss = loss.mul(1 - smoothing).sub(logp.mean(new int[] {1}, false).mul(smoothing));
        loss = Tensor.where(valid, loss, loss.like(0));
        return switch (reduction) {
            case NONE -> loss.reshape(target.layout.shape());
            case SUM -> loss.sum();
            case MEAN -> loss.sum().div(valid.sum().to(loss.dtype()));
        };
    }

    private static int[] withoutDim(int[] shape, int d) {
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != d) out[j++] = shape[i];
        return out;
    }

    /** Mean squared error {@code (x − y)²}; the shapes must match. */
    public static Tensor mseLoss(Tensor x, Tensor y, Reduction reduction) {
        try (var scope = Autograd.composite("mseLoss")) {
            sameShape("mseLoss", x, y);
            return reduce(x.sub(y).square(), reduction);
        }
    }

    public static Tensor mseLoss(Tensor x, Tensor y) {
        return mseLoss(x, y, Reduction.MEAN);
    }

    /** Mean absolute error {@code |x − y|}; the shapes must match. */
    public static Tensor l1Loss(Tensor x, Tensor y, Reduction reduction) {
        try (var scope = Autograd.composite("l1Loss")) {
            sameShape("l1Loss", x, y);
            return reduce(x.sub(y).abs(), reduction);
        }
    }

    public static Tensor l1Loss(Tensor x, Tensor y) {
        return l1Loss(x, y, Reduction.MEAN);
    }

    /**
     * Binary cross-entropy of logits x and targets y in [0, 1], as {@code max(x, 0) − x·y + log(1 + e^(−|x|))}:
     * finite for any finite x.
     */
    public static Tensor bceWithLogits(Tensor x, Tensor y, Reduction reduction) {
        try (var scope = Autograd.composite("bceWithLogits")) {
            sameShape("bceWithLogits", x, y);
            return reduce(x.relu().sub(x.mul(y)).add(x.abs().neg().exp().add(1).log()), reduction);
        }
    }

    public static Tensor bceWithLogits(Tensor x, Tensor y) {
        return bceWithLogits(x, y, Reduction.MEAN);
    }

    private static void sameShape(String op, Tensor x, Tensor y) {
        if (!Arrays.equals(x.layout.shape(), y.layout.shape()))
            throw Errors.arg(op, "input " + Errors.describe(x) + " and target " + Errors.describe(y) + " must have the same shape");
    }

    private static Tensor reduce(Tensor loss, Reduction reduction) {
        return switch (reduction) {
            case NONE -> loss;
            case SUM -> loss.sum();
            case MEAN -> loss.mean();
        };
    }

    /** {@code x · wᵀ + b} for weight {@code [out, in]} and bias {@code [out]} (null for none). */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        try (var scope = Autograd.composite("linear")) {
            if (weight.rank() != 2) throw Errors.arg("linear", "weight must be [out, in], got " + Errors.describe(weight));
            if (x.rank() == 0 || x.size(-1) != weight.size(1))
                throw Errors.arg("linear", "input " + Errors.describe(x) + " does not match weight " + Errors.describe(weight)
                        + ": the input's last dimension must be " + weight.size(1));
            if (bias != null && (bias.rank() != 1 || bias.size(0) != weight.size(0)))
                throw Errors.arg("linear", "bias " + Errors.describe(bias) + " does not match weight "
                        + Errors.describe(weight) + ": expected [" + weight.size(0) + "]");
            Tensor y = x.matmul(weight.mT());
            return bias == null ? y : y.add(bias);
        }
    }

    /** 2-d convolution with stride 1, no padding, no dilation, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1);
    }

    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(x, weight, bias, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {1, 1}, 1);
    }

    /**
     * 2-d cross-correlation of x {@code [N, C, H, W]} with weight {@code [O, C/groups, KH, KW]}, plus bias
     * {@code [O]} (null for none); {@code stride}, {@code padding} (zeros) and {@code dilation} are {@code {h, w}}.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
            int groups) {
        Window.of("conv2d", x, new int[] {weight.rank() == 4 ? weight.size(2) : 0, weight.rank() == 4 ? weight.size(3) : 0},
                stride, padding, dilation);
        if (weight.rank() != 4) throw Errors.arg("conv2d", "weight must be [O, C/groups, KH, KW], got " + Errors.describe(weight));
        int c = x.size(1), o = weight.size(0);
        if (groups <= 0 || c % groups != 0 || o % groups != 0)
            throw Errors.arg("conv2d", groups + " groups must divide the input's " + c + " channels and the weight's "
                    + o + " output channels");
        if (weight.size(1) != c / groups)
            throw Errors.arg("conv2d", "weight " + Errors.describe(weight) + " expects " + weight.size(1) * groups
                    + " input channels but input " + Errors.describe(x) + " has " + c);
        if (bias != null && (bias.rank() != 1 || bias.size(0) != o))
            throw Errors.arg("conv2d", "bias " + Errors.describe(bias) + " does not match " + o + " output channels");
        return Convolution.conv2d(x, weight, bias,
                new Conv2dGeometry(stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1], groups));
    }

    /** Max over {@code kernel} windows of x {@code [N, C, H, W]}, stride = kernel, no padding. */
    public static Tensor maxPool2d(Tensor x, int kernel) {
        return maxPool2d(x, new int[] {kernel, kernel}, new int[] {kernel, kernel}, new int[] {0, 0});
    }

    /**
     * Max pooling; padding (at most half the kernel) never wins, as if it were −∞. The gradient goes to the first
     * maximum of each window in row-major order, as PyTorch routes it; one fused kernel where the backend has it.
     */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        Window w = Window.of("maxPool2d", x, kernel, stride, padding, new int[] {1, 1});
        int n = x.size(0), c = x.size(1), hp = x.size(2) + 2 * w.ph, wp = x.size(3) + 2 * w.pw;
        int[] outShape = {n, c, w.oh, w.ow};
        if (!x.dtype().isFloating() || (long) n * c * w.oh * w.ow == 0 || !x.device.backend().hasFusedKernels())
            return maxPool2dComposite(x, w);
        Tensor out = Factories.empty(x.device, x.dtype(), outShape), at = Factories.empty(x.device, DType.I32, outShape);
        if (!x.device.backend().maxPool2d(x.view(), kernel.clone(), stride.clone(), padding.clone(), out.view(), at.view()))
            return maxPool2dComposite(x, w);
        // the composite's gradient, in one scatter: each output's gradient to its window's first maximum
        return Autograd.record("maxPool2d", out, new Tensor[] {x}, new Tensor[0], g -> new Tensor[] {
                Structure.scatterIntoZeros(new int[] {n, c, hp * wp}, 2, at.reshape(n, c, -1), g.reshape(n, c, -1))
                        .reshape(n, c, hp, wp).narrow(2, w.ph, x.size(2)).narrow(3, w.pw, x.size(3))});
    }

    /** The definition of max pooling: the window's first maximum (its argmax), gathered. */
    private static Tensor maxPool2dComposite(Tensor x, Window w) {
        try (var scope = Autograd.composite("maxPool2d")) {
            int n = x.size(0), c = x.size(1);
            Tensor windows = w.windows(x.pad(Double.NEGATIVE_INFINITY, w.pw, w.pw, w.ph, w.ph))
                    .reshape(n, c, w.oh, w.ow, w.kh * w.kw);
            return Structure.gatherChecked(windows, 4, windows.detach().argmax(4, true)).reshape(n, c, w.oh, w.ow);
        }
    }

    /** Mean over {@code kernel} windows, stride = kernel, no padding. */
    public static Tensor avgPool2d(Tensor x, int kernel) {
        return avgPool2d(x, new int[] {kernel, kernel}, new int[] {kernel, kernel}, new int[] {0, 0}, true);
    }

    /** Average pooling; {@code countIncludePad} says whether padded zeros count in the divisor. */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        try (var scope = Autograd.composite("avgPool2d")) {
            Window w = Window.of("avgPool2d", x, kernel, stride, padding, new int[] {1, 1});
            Tensor sum = w.windows(x.pad(w.pw, w.pw, w.ph, w.ph)).sum(4, 5);
            if (countIncludePad || (w.ph == 0 && w.pw == 0)) return sum.div(w.kh * w.kw);
            Tensor ones = Factories.full(x.device, x.dtype(), 1, 1, 1, x.size(2), x.size(3));    // N or C may be 0
            return sum.div(w.windows(ones.pad(w.pw, w.pw, w.ph, w.ph)).sum(4, 5));
        }
    }

    /** Geometry shared by convolution and pooling: kernel, stride, padding, dilation and the output size. */
    private record Window(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow) {
        static Window of(String op, Tensor x, int[] k, int[] s, int[] p, int[] d) {
            if (x.rank() != 4) throw Errors.arg(op, "input must be [N, C, H, W], got " + Errors.describe(x));
            for (int[] a : new int[][] {k, s, p, d})
                if (a.length != 2) throw Errors.arg(op, "kernel, stride, padding and dilation take {h, w}, got " + Arrays.toString(a));
            if (k[0] <= 0 || k[1] <= 0 || s[0] <= 0 || s[1] <= 0 || d[0] <= 0 || d[1] <= 0 || p[0] < 0 || p[1] < 0)
                throw Errors.arg(op, "kernel " + Arrays.toString(k) + ", stride " + Arrays.toString(s) + " and dilation "
                        + Arrays.toString(d) + " must be positive, padding " + Arrays.toString(p) + " non-negative");
            if (!op.equals("conv2d") && (2 * p[0] > k[0] || 2 * p[1] > k[1]))
                throw Errors.arg(op, "padding " + Arrays.toString(p) + " must be at most half the kernel " + Arrays.toString(k));
            int ekh = d[0] * (k[0] - 1) + 1, ekw = d[1] * (k[1] - 1) + 1;
            int hp = x.size(2) + 2 * p[0], wp = x.size(3) + 2 * p[1];
            if (hp < ekh || wp < ekw)
                throw Errors.arg(op, "the " + k[0] + "×" + k[1] + " kernel (dilation " + Arrays.toString(d)
                        + ") does not fit the " + x.size(2) + "×" + x.size(3) + " input padded by " + Arrays.toString(p));
            return new Window(k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], (hp - ekh) / s[0] + 1, (wp - ekw) / s[1] + 1);
        }

        /**
         * The windows of a padded {@code [N, C, Hp, Wp]} tensor as a view {@code [N, C, OH, OW, KH, KW]}. Windows that
         * tile the input (stride = kernel, no dilation: the usual pooling) are a reshape, whose gradient is a view
         * too; overlapping ones are a strided view, whose gradient adds the overlaps up.
         */
        Tensor windows(Tensor xp) {
            int c = xp.size(1), hp = xp.size(2), wp = xp.size(3);
            if (sh == kh && sw == kw && dh == 1 && dw == 1)
                return xp.narrow(2, 0, oh * kh).narrow(3, 0, ow * kw).reshape(xp.size(0), c, oh, kh, ow, kw)
                        .permute(0, 1, 2, 4, 3, 5);
            return xp.asStrided(new int[] {xp.size(0), c, oh, ow, kh, kw},
                    new int[] {c * hp * wp, hp * wp, sh * wp, sw, dh * wp, dw}, 0);
        }
    }

    /**
     * Inverted dropout: in training, each element is zeroed with probability p and the rest scaled by
     * {@code 1/(1−p)}; the mask is drawn from {@code rng}, so a seed reproduces it on every backend.
     */
    public static Tensor dropout(Tensor x, double p, boolean training, Rng rng) {
        try (var scope = Autograd.composite("dropout")) {
            if (p < 0 || p > 1) throw Errors.arg("dropout", "probability must be in [0, 1], got " + p);
            if (!training || p == 0) return x;
            if (!x.dtype().isFloating()) throw Errors.arg("dropout", "needs F32 or F64, got " + Errors.describe(x));
            Tensor keep = Factories.random(x.device, Distribution.UNIFORM, rng, x.dtype(), x.layout.shape()).ge(p);
            return Tensor.where(keep, p == 1 ? x.mul(0) : x.div(1 - p), x.like(0));
        }
    }

    /** Rows of {@code weight [V, D]} picked by I32 indices of any shape: shape {@code indices.shape + [D]}. */
    public static Tensor embedding(Tensor indices, Tensor weight) {
        try (var scope = Autograd.composite("embedding")) {
            if (weight.rank() != 2) throw Errors.arg("embedding", "weight must be [V, D], got " + Errors.describe(weight));
            if (indices.dtype() != DType.I32) throw Errors.arg("embedding", "indices must be I32, got " + Errors.describe(indices));
            Structure.checkRange("embedding", indices, weight.size(0), () -> "the rows of weight " + Errors.describe(weight));
            int[] shape = Arrays.copyOf(indices.layout.shape(), indices.rank() + 1);
            shape[indices.rank()] = weight.size(1);
            return Structure.indexSelectChecked(weight, 0, indices.reshape(-1)).reshape(shape);
        }
    }

    /**
     * Batch normalization of x {@code [N, C, …]} over every axis but 1. In training it uses the batch's
     * statistics and, when given, updates {@code runningMean} and {@code runningVar} in place
     * ({@code r = (1 − momentum)·r + momentum·batch}, the variance unbiased); otherwise it uses the running ones.
     * weight and bias ({@code [C]}) may be null.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
            boolean training, double momentum, double eps) {
        try (var scope = Autograd.composite("batchNorm")) {
            if (x.rank() < 2) throw Errors.arg("batchNorm", "input must be [N, C, …], got " + Errors.describe(x));
            int c = x.size(1);
            int[] axes = new int[x.rank() - 1], bshape = new int[x.rank()];
            Arrays.fill(bshape, 1);
            bshape[1] = c;
            for (int i = 0, j = 0; i < x.rank(); i++) if (i != 1) axes[j++] = i;
            for (Tensor t : new Tensor[] {runningMean, runningVar, weight, bias})
                if (t != null && !Arrays.equals(t.layout.shape(), new int[] {c}))
                    throw Errors.arg("batchNorm", "statistics and affine parameters must be [" + c + "] for input "
                            + Errors.describe(x) + ", got " + Errors.describe(t));
            Tensor mean, var;
            if (training) {
                int n = x.numel() / Math.max(c, 1);
                if (n <= 1) throw Errors.arg("batchNorm", "training needs more than one value per channel, got " + Errors.describe(x));
                mean = x.mean(axes, true);
                var = x.var(axes, 0, true);
                if (runningMean != null && runningVar != null) {
                    try (var off = Grad.disabled()) {
                        runningMean.copyFrom(runningMean.mul(1 - momentum).add(mean.reshape(c).mul(momentum)));
                        runningVar.copyFrom(runningVar.mul(1 - momentum).add(var.reshape(c).mul(momentum * n / (n - 1.0))));
                    }
                }
            } else {
                if (runningMean == null || runningVar == null)
                    throw Errors.arg("batchNorm", "evaluation needs the running mean and variance");
                mean = runningMean.reshape(bshape);
                var = runningVar.reshape(bshape);
            }
            Tensor y = x.sub(mean).mul(var.add(eps).rsqrt());
            if (weight != null) y = y.mul(weight.reshape(bshape));
            return bias == null ? y : y.add(bias.reshape(bshape));
        }
    }

    /** Layer normalization over the trailing dimensions {@code normalizedShape}; weight and bias may be null. */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        try (var scope = Autograd.composite("layerNorm")) {
            int k = normalizedShape.length, r = x.rank();
            if (k == 0 || k > r || !Arrays.equals(Arrays.copyOfRange(x.layout.shape(), r - k, r), normalizedShape))
                throw Errors.arg("layerNorm", "normalized shape " + Errors.shape(normalizedShape) + " must be the trailing"
                        + " dimensions of " + Errors.describe(x));
            for (Tensor t : new Tensor[] {weight, bias})
                if (t != null && !Arrays.equals(t.layout.shape(), normalizedShape))
                    throw Errors.arg("layerNorm", "weight and bias must be " + Errors.shape(normalizedShape) + ", got "
                            + Errors.describe(t));
            int[] axes = new int[k];
            for (int i = 0; i < k; i++) axes[i] = r - k + i;
            Tensor y = x.sub(x.mean(axes, true)).mul(x.var(axes, 0, true).add(eps).rsqrt());
            if (weight != null) y = y.mul(weight);
            return bias == null ? y : y.add(bias);
        }
    }
}
