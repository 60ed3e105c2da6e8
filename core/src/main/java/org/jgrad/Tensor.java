package org.jgrad;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jgrad.spi.BinaryOp;
import org.jgrad.spi.Distribution;
import org.jgrad.spi.Layout;
import org.jgrad.spi.ReduceOp;
import org.jgrad.spi.Storage;
import org.jgrad.spi.UnaryOp;
import org.jgrad.spi.View;

/**
 * An n-dimensional array on a {@link Device}: an immutable view (shape, strides, offset) of a storage, with the
 * autograd state of PyTorch ({@code requiresGrad}, {@code grad}, the op that made it). Ops never modify their
 * operands; views share storage and copy nothing. Binary ops broadcast by NumPy's rules and promote dtypes
 * ({@code BOOL < I8 < I32 < F32 < F64}). The only writers are the {@code ...InPlace} methods, {@link #copyFrom}
 * and {@link #fill}, which bump the storage's version so that autograd can refuse stale saved tensors.
 */
public final class Tensor {
    final Storage storage;
    final Layout layout;
    final Device device;
    boolean requiresGrad;
    Tensor grad;
    Node gradFn;
    List<UnaryOperator<Tensor>> hooks;

    Tensor(Device device, Storage storage, Layout layout) {
        this.device = device;
        this.storage = storage;
        this.layout = layout;
    }

    // ---------------------------------------------------------------- factories

    /** An F32 tensor of {@code shape} holding a copy of {@code data} in row-major order. */
    public static Tensor of(float[] data, int... shape) {
        return Factories.of(DType.F32, data, data.length, shape);
    }

    /** An F64 tensor of {@code shape} holding a copy of {@code data}. */
    public static Tensor of(double[] data, int... shape) {
        return Factories.of(DType.F64, data, data.length, shape);
    }

    /** An I32 tensor of {@code shape} holding a copy of {@code data}. */
    public static Tensor of(int[] data, int... shape) {
        return Factories.of(DType.I32, data, data.length, shape);
    }

    /** An I8 tensor of {@code shape} holding a copy of {@code data}. */
    public static Tensor of(byte[] data, int... shape) {
        return Factories.of(DType.I8, data, data.length, shape);
    }

    /** A 0-d F32 tensor. */
    public static Tensor scalar(double value) {
        return full(DType.F32, value);
    }

    /** A 0-d tensor of {@code dtype}. */
    public static Tensor scalar(DType dtype, double value) {
        return full(dtype, value);
    }

    public static Tensor zeros(int... shape) {
        return full(DType.F32, 0, shape);
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return full(dtype, 0, shape);
    }

    public static Tensor ones(int... shape) {
        return full(DType.F32, 1, shape);
    }

    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1, shape);
    }

    /** A tensor of {@code shape} with every element {@code value}. */
    public static Tensor full(double value, int... shape) {
        return full(DType.F32, value, shape);
    }

    public static Tensor full(DType dtype, double value, int... shape) {
        return Factories.full(Device.defaultDevice(), dtype, value, shape);
    }

    /** Zeros with the shape, dtype and device of {@code t}. */
    public static Tensor zerosLike(Tensor t) {
        return Factories.full(t.device, t.dtype(), 0, t.layout.shape());
    }

    /** Ones with the shape, dtype and device of {@code t}. */
    public static Tensor onesLike(Tensor t) {
        return Factories.full(t.device, t.dtype(), 1, t.layout.shape());
    }

    /** I32 {@code [0, 1, …, n-1]}. */
    public static Tensor arange(int n) {
        return arange(DType.I32, 0, n, 1);
    }

    /** {@code start, start+step, …} up to but excluding {@code end}. */
    public static Tensor arange(DType dtype, double start, double end, double step) {
        return Factories.arange(dtype, start, end, step);
    }

    /** The {@code n × n} F32 identity matrix. */
    public static Tensor eye(int n) {
        return eye(DType.F32, n);
    }

    public static Tensor eye(DType dtype, int n) {
        return Factories.eye(dtype, n);
    }

    /** F32 uniform on [0, 1) from Philox with this seed: the same numbers on every backend. */
    public static Tensor rand(long seed, int... shape) {
        return rand(new Rng(seed), DType.F32, shape);
    }

    /** Uniform on [0, 1), drawing the next {@code numel} counters of {@code rng}. */
    public static Tensor rand(Rng rng, DType dtype, int... shape) {
        return Factories.random(Distribution.UNIFORM, rng, dtype, shape);
    }

    /** F32 standard normal from Philox with this seed. */
    public static Tensor randn(long seed, int... shape) {
        return randn(new Rng(seed), DType.F32, shape);
    }

    public static Tensor randn(Rng rng, DType dtype, int... shape) {
        return Factories.random(Distribution.NORMAL, rng, dtype, shape);
    }

    // ---------------------------------------------------------------- properties

    /** A copy of the shape. */
    public int[] shape() {
        return layout.shape().clone();
    }

    /** The size of dimension {@code dim} (negative counts from the end). */
    public int size(int dim) {
        return layout.shape()[Errors.axis("size", dim, rank())];
    }

    public int rank() {
        return layout.rank();
    }

    public int numel() {
        return layout.numel();
    }

    public DType dtype() {
        return storage.dtype();
    }

    public Device device() {
        return device;
    }

    /** The storage seen through this tensor's layout, for code that calls a backend directly. */
    public View view() {
        return new View(storage, layout);
    }

    /** Whether the elements are dense and row-major in storage. */
    public boolean isContiguous() {
        return layout.isContiguous();
    }

    /** The storage's in-place write count. */
    public int version() {
        return storage.version();
    }

    // ---------------------------------------------------------------- reading values

    /** The value of a one-element tensor. */
    public double item() {
        if (numel() != 1) throw Errors.arg("item", "expected a one-element tensor, got " + Errors.describe(this));
        return toDoubleArray()[0];
    }

    /** The element at {@code index} (one coordinate per dimension). */
    public double get(int... index) {
        if (index.length != rank())
            throw Errors.arg("get", index.length + " coordinates for " + Errors.describe(this));
        Tensor t = this;
        for (int d = index.length - 1; d >= 0; d--) t = t.select(d, index[d]);
        return t.item();
    }

    /** The elements in row-major order as doubles (any dtype). */
    public double[] toDoubleArray() {
        return (double[]) Factories.download(this, DType.F64);
    }

    public float[] toFloatArray() {
        return (float[]) Factories.download(this, DType.F32);
    }

    public int[] toIntArray() {
        return (int[]) Factories.download(this, DType.I32);
    }

    public byte[] toByteArray() {
        return (byte[]) Factories.download(this, DType.I8);
    }

    // ---------------------------------------------------------------- autograd

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a floating-point leaf as a variable whose gradient {@link #backward()} computes; returns this. */
    public Tensor requiresGrad(boolean on) {
        if (gradFn != null)
            throw Errors.arg("requiresGrad", Errors.describe(this) + " was computed by '" + gradFn.op
                    + "'; only leaves can change requiresGrad (use detach())");
        if (on && !dtype().isFloating())
            throw Errors.arg("requiresGrad", "only F32 and F64 tensors can require grad, got " + Errors.describe(this));
        requiresGrad = on;
        return this;
    }

    /** The gradient accumulated by backward, or null. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the accumulated gradient (null clears it, as before a new step). */
    public void setGrad(Tensor g) {
        grad = g;
    }

    /** The name of the op that computed this tensor, or null for a leaf. */
    public String gradFn() {
        return gradFn == null ? null : gradFn.op;
    }

    /** Whether this tensor was created by the user rather than by a recorded op. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /**
     * Registers {@code hook} to see (and optionally replace, by returning a tensor) the gradient flowing into
     * this tensor during backward.
     */
    public Tensor registerHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad) throw Errors.arg("registerHook", Errors.describe(this) + " does not require grad");
        if (hooks == null) hooks = new ArrayList<>(1);
        hooks.add(hook);
        return this;
    }

    /** Backpropagates from this one-element tensor with seed 1, accumulating into the leaves' grad. */
    public void backward() {
        Autograd.backward(this, null, false, false);
    }

    /** Backpropagates with {@code gradient} as d(loss)/d(this). */
    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient, false, false);
    }

    /**
     * The full form: {@code retainGraph} keeps the graph for another backward; {@code createGraph} records the
     * backward pass itself so the gradients can be differentiated again (implies retaining).
     */
    public void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
        Autograd.backward(this, gradient, retainGraph || createGraph, createGraph);
    }

    /** The same data, cut from the graph: a leaf that does not require grad. */
    public Tensor detach() {
        return new Tensor(device, storage, layout);
    }

    // ---------------------------------------------------------------- elementwise

    public Tensor neg() { return Elementwise.unary(UnaryOp.NEG, this); }
    public Tensor exp() { return Elementwise.unary(UnaryOp.EXP, this); }
    public Tensor log() { return Elementwise.unary(UnaryOp.LOG, this); }
    public Tensor sqrt() { return Elementwise.unary(UnaryOp.SQRT, this); }
    public Tensor abs() { return Elementwise.unary(UnaryOp.ABS, this); }
    public Tensor sign() { return Elementwise.unary(UnaryOp.SIGN, this); }
    public Tensor tanh() { return Elementwise.unary(UnaryOp.TANH, this); }
    public Tensor sigmoid() { return Elementwise.unary(UnaryOp.SIGMOID, this); }
    public Tensor relu() { return Elementwise.unary(UnaryOp.RELU, this); }
    public Tensor sin() { return Elementwise.unary(UnaryOp.SIN, this); }
    public Tensor cos() { return Elementwise.unary(UnaryOp.COS, this); }
    public Tensor erf() { return Elementwise.unary(UnaryOp.ERF, this); }

    /** {@code 1 / sqrt(x)} */
    public Tensor rsqrt() {
        try (var scope = Autograd.composite("rsqrt")) {
            return sqrt().reciprocal();
        }
    }

    /** {@code 1 / x} */
    public Tensor reciprocal() {
        try (var scope = Autograd.composite("reciprocal")) {
            return like(1).div(this);
        }
    }

    /** {@code x²} */
    public Tensor square() { return mul(this); }

    /** {@code x > 0 ? x : slope·x} */
    public Tensor leakyRelu(double slope) {
        try (var scope = Autograd.composite("leakyRelu")) {
            return where(gt(0), this, mul(slope));
        }
    }

    /** Exact GELU, {@code x·Φ(x) = x/2·(1 + erf(x/√2))}. */
    public Tensor gelu() {
        try (var scope = Autograd.composite("gelu")) {
            return mul(0.5).mul(mul(Math.sqrt(0.5)).erf().add(1));
        }
    }

    /** {@code x·sigmoid(x)} */
    public Tensor silu() {
        try (var scope = Autograd.composite("silu")) {
            return mul(sigmoid());
        }
    }

    /** {@code min(max(x, lo), hi)} */
    public Tensor clamp(double lo, double hi) {
        if (lo > hi) throw Errors.arg("clamp", "lower bound " + lo + " exceeds upper bound " + hi);
        try (var scope = Autograd.composite("clamp")) {
            return maximum(like(lo)).minimum(like(hi));
        }
    }

    public Tensor add(Tensor b) { return Elementwise.binary(BinaryOp.ADD, this, b); }
    public Tensor sub(Tensor b) { return Elementwise.binary(BinaryOp.SUB, this, b); }
    public Tensor mul(Tensor b) { return Elementwise.binary(BinaryOp.MUL, this, b); }
    public Tensor div(Tensor b) { return Elementwise.binary(BinaryOp.DIV, this, b); }
    public Tensor pow(Tensor b) { return Elementwise.binary(BinaryOp.POW, this, b); }
    public Tensor maximum(Tensor b) { return Elementwise.binary(BinaryOp.MAX, this, b); }
    public Tensor minimum(Tensor b) { return Elementwise.binary(BinaryOp.MIN, this, b); }
    public Tensor lt(Tensor b) { return Elementwise.binary(BinaryOp.LT, this, b); }
    public Tensor le(Tensor b) { return Elementwise.binary(BinaryOp.LE, this, b); }
    public Tensor gt(Tensor b) { return Elementwise.binary(BinaryOp.GT, this, b); }
    public Tensor ge(Tensor b) { return Elementwise.binary(BinaryOp.GE, this, b); }
    public Tensor eq(Tensor b) { return Elementwise.binary(BinaryOp.EQ, this, b); }
    public Tensor ne(Tensor b) { return Elementwise.binary(BinaryOp.NE, this, b); }

    public Tensor add(double b) { return add(like(b)); }
    public Tensor sub(double b) { return sub(like(b)); }
    public Tensor mul(double b) { return mul(like(b)); }
    public Tensor div(double b) { return div(like(b)); }
    public Tensor pow(double b) { return pow(like(b)); }
    public Tensor maximum(double b) { return maximum(like(b)); }
    public Tensor minimum(double b) { return minimum(like(b)); }
    public Tensor lt(double b) { return lt(like(b)); }
    public Tensor le(double b) { return le(like(b)); }
    public Tensor gt(double b) { return gt(like(b)); }
    public Tensor ge(double b) { return ge(like(b)); }
    public Tensor eq(double b) { return eq(like(b)); }
    public Tensor ne(double b) { return ne(like(b)); }

    /** {@code mask ? a : b} elementwise, broadcasting all three; mask must be BOOL. */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) {
        return Elementwise.where(mask, a, b);
    }

    /** This tensor converted to {@code dtype} (itself when it already has it). */
    public Tensor to(DType dtype) {
        return Elementwise.cast(this, dtype);
    }

    /** This tensor copied to {@code target} (itself when it is already there); differentiable. */
    public Tensor to(Device target) {
        return Factories.transfer(this, target);
    }

    /**
     * A 0-d tensor of {@code value} on this device: this dtype when it is floating or the value is integral,
     * F32 otherwise, so that {@code intTensor.mul(0.5)} computes in floating point.
     */
    Tensor like(double value) {
        DType t = dtype().isFloating() || value == Math.rint(value) ? dtype() : DType.F32;
        if (t == DType.BOOL && value != 0 && value != 1) t = DType.I32;
        return Factories.full(device, t, value);
    }

    // ---------------------------------------------------------------- views

    /** The same elements in a new shape (one dimension may be -1); a view when strides allow, else a copy. */
    public Tensor reshape(int... shape) { return Views.reshape(this, shape, true); }

    /** Like {@link #reshape} but never copies: fails when the strides do not allow a view. */
    public Tensor view(int... shape) { return Views.reshape(this, shape, false); }

    /** All elements in one dimension. */
    public Tensor flatten() { return reshape(-1); }

    /** Dimensions {@code start..end} (inclusive) merged into one. */
    public Tensor flatten(int start, int end) { return Views.flatten(this, start, end); }

    /** The dimensions reordered: result dimension i is this tensor's dimension {@code dims[i]}. */
    public Tensor permute(int... dims) { return Views.permute(this, dims); }

    /** Dimensions {@code a} and {@code b} swapped. */
    public Tensor transpose(int a, int b) { return Views.transpose(this, a, b); }

    /** The last two dimensions swapped (matrix transpose). */
    public Tensor mT() { return transpose(-2, -1); }

    /** Size-1 dimensions repeated (stride 0) to {@code shape}; new leading dimensions may be added. */
    public Tensor expand(int... shape) { return Views.expand(this, shape); }

    /** Elements {@code start..start+length-1} of dimension {@code dim}. */
    public Tensor narrow(int dim, int start, int length) { return Views.narrow(this, dim, start, length); }

    /** Element {@code index} of dimension {@code dim}, that dimension removed. */
    public Tensor select(int dim, int index) {
        int d = Errors.axis("select", dim, rank());
        return narrow(d, index, 1).squeeze(d);
    }

    /** Dimension {@code dim}, which must have size 1, removed. */
    public Tensor squeeze(int dim) { return Views.squeeze(this, dim); }

    /** A size-1 dimension inserted at {@code dim}. */
    public Tensor unsqueeze(int dim) { return Views.unsqueeze(this, dim); }

    /**
     * A view whose element {@code (i0, i1, …)} is element {@code offset + Σ ik·strides[k]} of this tensor's
     * row-major order; windows may overlap (their gradients then add up).
     */
    public Tensor asStrided(int[] shape, int[] strides, int offset) { return Views.asStrided(this, shape, strides, offset); }

    /** This tensor if its elements are row-major and dense, else a dense copy. */
    public Tensor contiguous() { return Views.contiguous(this); }

    /** A dense copy that shares nothing with this tensor. */
    public Tensor copy() { return Views.copy(this); }

    /** The sum of this (broadcast) gradient down to {@code shape}: the inverse of {@link #expand}. */
    public Tensor sumTo(int... shape) { return Views.sumTo(this, shape); }

    // ---------------------------------------------------------------- reductions

    /** The sum of all elements. */
    public Tensor sum() { return Reductions.reduce(ReduceOp.SUM, this, new int[0], false); }
    public Tensor sum(int... axes) { return Reductions.reduce(ReduceOp.SUM, this, axes, false); }
    public Tensor sum(int[] axes, boolean keepDim) { return Reductions.reduce(ReduceOp.SUM, this, axes, keepDim); }

    public Tensor mean() { return Reductions.mean(this, new int[0], false); }
    public Tensor mean(int... axes) { return Reductions.mean(this, axes, false); }
    public Tensor mean(int[] axes, boolean keepDim) { return Reductions.mean(this, axes, keepDim); }

    public Tensor max() { return Reductions.reduce(ReduceOp.MAX, this, new int[0], false); }
    public Tensor max(int... axes) { return Reductions.reduce(ReduceOp.MAX, this, axes, false); }
    public Tensor max(int[] axes, boolean keepDim) { return Reductions.reduce(ReduceOp.MAX, this, axes, keepDim); }

    public Tensor min() { return Reductions.reduce(ReduceOp.MIN, this, new int[0], false); }
    public Tensor min(int... axes) { return Reductions.reduce(ReduceOp.MIN, this, axes, false); }
    public Tensor min(int[] axes, boolean keepDim) { return Reductions.reduce(ReduceOp.MIN, this, axes, keepDim); }

    /** I32 position of the largest element in row-major order (first one on ties; NaN counts as largest). */
    public Tensor argmax() { return Reductions.arg(ReduceOp.ARGMAX, this, null, false); }
    public Tensor argmax(int axis, boolean keepDim) { return Reductions.arg(ReduceOp.ARGMAX, this, axis, keepDim); }
    public Tensor argmin() { return Reductions.arg(ReduceOp.ARGMIN, this, null, false); }
    public Tensor argmin(int axis, boolean keepDim) { return Reductions.arg(ReduceOp.ARGMIN, this, axis, keepDim); }

    /** Variance by two passes, {@code Σ(x − mean)² / (n − correction)}; correction 1 is the unbiased estimate. */
    public Tensor var(int[] axes, int correction, boolean keepDim) { return Reductions.var("var", this, axes, correction, keepDim); }
    public Tensor var() { return var(new int[0], 1, false); }

    public Tensor std(int[] axes, int correction, boolean keepDim) { return Reductions.var("std", this, axes, correction, keepDim).sqrt(); }
    public Tensor std() { return var().sqrt(); }

    /** {@code log Σ exp(x)}, computed around the maximum so it neither overflows nor underflows. */
    public Tensor logsumexp(int[] axes, boolean keepDim) { return Reductions.logsumexp(this, axes, keepDim); }
    public Tensor logsumexp(int... axes) { return logsumexp(axes, false); }

    // ---------------------------------------------------------------- linear algebra and structure

    /**
     * Matrix product with PyTorch's rules: vector·vector (dot), matrix·vector, vector·matrix, matrix·matrix,
     * and batches whose leading dimensions broadcast.
     */
    public Tensor matmul(Tensor b) { return MatMul.matmul(this, b); }

    /** Tensors joined along {@code dim}; all other dimensions must agree. */
    public static Tensor cat(int dim, Tensor... tensors) { return Structure.cat(dim, tensors); }

    /** Tensors of one shape stacked along a new dimension {@code dim}. */
    public static Tensor stack(int dim, Tensor... tensors) { return Structure.stack(dim, tensors); }

    /**
     * Constant padding, PyTorch's order: {@code (left, right)} of the last dimension, then of the one before, …
     */
    public Tensor pad(int... pads) { return Structure.pad(this, pads, 0); }

    public Tensor pad(double value, int... pads) { return Structure.pad(this, pads, value); }

    /** {@code out[i] = x[i with i[axis] := index[i]]}; index is I32 of this rank. */
    public Tensor gather(int axis, Tensor index) { return Structure.gather(this, axis, index); }

    /** A copy of this tensor with {@code src[i]} added at {@code i with i[axis] := index[i]} (duplicates accumulate). */
    public Tensor scatterAdd(int axis, Tensor index, Tensor src) { return Structure.scatterAdd(this, axis, index, src); }

    /** The slices {@code index[0], index[1], …} of dimension {@code axis}; index is a 1-d I32 tensor. */
    public Tensor indexSelect(int axis, Tensor index) { return Structure.indexSelect(this, axis, index); }

    /** I32 one-hot encoding of these I32 class indices: a new last dimension of {@code numClasses}. */
    public Tensor oneHot(int numClasses) { return Structure.oneHot(this, numClasses); }

    /** {@code exp(x − logsumexp(x))} along {@code axis}. */
    public Tensor softmax(int axis) { return Functional.softmax(this, axis); }

    /** {@code x − logsumexp(x)} along {@code axis}: finite for finite x. */
    public Tensor logSoftmax(int axis) { return Functional.logSoftmax(this, axis); }

    // ---------------------------------------------------------------- in-place writes

    /** Writes {@code src} (broadcast and converted) into this tensor's elements. Returns this. */
    public Tensor copyFrom(Tensor src) { return InPlace.assign("copyFrom", this, src); }

    /** Sets every element to {@code value}. Returns this. */
    public Tensor fill(double value) { return InPlace.assign("fill", this, like(value)); }

    /** {@code this += b}. Returns this. */
    public Tensor addInPlace(Tensor b) { return InPlace.binary("addInPlace", this, BinaryOp.ADD, b); }

    /** {@code this -= b}. Returns this. */
    public Tensor subInPlace(Tensor b) { return InPlace.binary("subInPlace", this, BinaryOp.SUB, b); }

    /** {@code this *= b}. Returns this. */
    public Tensor mulInPlace(Tensor b) { return InPlace.binary("mulInPlace", this, BinaryOp.MUL, b); }

    /** {@code this *= b}. Returns this. */
    public Tensor mulInPlace(double b) { return InPlace.binary("mulInPlace", this, BinaryOp.MUL, like(b)); }

    @Override
    public String toString() {
        return Printer.format(this);
    }
}
