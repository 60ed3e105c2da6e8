package org.jgrad.spi;

import org.jgrad.DType;

/**
 * The primitive kernels a backend implements. Kernels know nothing of gradients, broadcasting rules or
 * validation: core has already checked shapes, dtypes and index ranges (the latter on the host only where
 * {@link #checksIndicesOnDevice} is false), expanded broadcast operands to the output's shape (stride 0) and allocated
 * the output. Every {@code out} is a fresh view that aliases no input, except
 * where {@link #binary} says otherwise.
 * Operands may have any non-negative strides and offsets.
 */
public interface Backend {

    /** The name of the backend, as {@code Device} reports it. */
    String name();

    /** A zero-filled storage of {@code size} elements. */
    Storage allocate(DType dtype, int size);

    /** A storage holding a copy of {@code data}: {@code float[]} (F32), {@code double[]} (F64), {@code int[]} (I32) or {@code byte[]} (I8, BOOL). */
    Storage upload(DType dtype, Object data);

    /** A copy of the whole storage as the Java array type {@link #upload} takes for its dtype. */
    Object download(Storage storage);

    /**
     * {@code dst[i] = convert(src[i])} for two views of the same shape. Float to integer truncates toward zero
     * and saturates; anything to BOOL is {@code x != 0}. {@code dst} may be a strided view but never overlaps itself.
     */
    void copy(View src, View dst);

    /**
     * {@code dst[i] += src[i]} for every i of their common shape, in an order of the backend's choosing. dst's
     * layout may reach one storage position from several i (overlapping windows: the adjoint of a strided view), and
     * all those contributions add up. dst is mutated in place; src and dst share a dtype.
     */
    void accumulate(View src, View dst);

    /** {@code dst[i] = value}, converted to dst's dtype as {@link #copy} converts. */
    void fill(View dst, double value);

    /** {@code out[i] = op(x[i])}; x and out have the same dtype and shape. */
    void unary(UnaryOp op, View x, View out);

    /**
     * {@code out[i] = op(a[i], b[i])}; a and b have the same dtype, all three the same shape. For an in-place update
     * (not a comparison) out may be the very view a, never overlapping itself: element i is read before it is written.
     */
    void binary(BinaryOp op, View a, View b, View out);

    /** {@code out[i] = mask[i] ? a[i] : b[i]}; mask is BOOL, a, b and out share a dtype; all have one shape. */
    void where(View mask, View a, View b, View out);

    /**
     * Reduces the trailing {@code reducedDims} dimensions of {@code x}: out's shape is x's leading dimensions.
     * ARGMAX/ARGMIN write I32; SUM writes out's dtype (which may be wider than x's); the others x's dtype.
     * Reduced blocks are never empty for MAX, MIN, ARGMAX, ARGMIN.
     */
    void reduce(ReduceOp op, View x, int reducedDims, View out);

    /** Batched matrix product {@code out[b] = a[b] · b[b]} for a {@code [B, M, K]}, b {@code [B, K, N]}, out {@code [B, M, N]}. */
    void matmul(View a, View b, View out);

    /**
     * {@code out[i] = x[i with i[axis] replaced by index[i]]}; index is I32 with out's shape, and x has out's
     * shape in every dimension but {@code axis}. Every index is in range unless {@link #checksIndicesOnDevice}.
     */
    void gather(View x, int axis, View index, View out);

    /**
     * {@code dst[i with i[axis] replaced by index[i]] += src[i]} for every i of src's shape, accumulating
     * duplicates; index is I32 with src's shape. dst is mutated in place. Every index is in range unless
     * {@link #checksIndicesOnDevice}.
     */
    void scatterAdd(View dst, int axis, View index, View src);

    /**
     * Optional capability: true when this backend checks index ranges itself, so that core need not read indices
     * back to the host before every indexed op (two downloads each, a round trip a device backend cannot afford).
     * Core routes every indexed op through {@link #gather} and {@link #scatterAdd}; a backend that returns true
     * promises that these never read or write out of bounds (an out-of-range element is skipped, and gather writes 0
     * there), that it records the first such index on the device, and that it raises it as an
     * {@link IllegalStateException} at the next {@link #download} or {@link #synchronize}, whichever comes first, after
     * which the record is cleared. The message names the op the user called ({@link org.jgrad.Grad#currentOp} at the
     * launch, else the primitive), the index and the axis size. Heap backends keep the default:
     * core checks eagerly, which costs them nothing, and the error names the op the user called.
     */
    default boolean checksIndicesOnDevice() {
        return false;
    }

    /**
     * Waits for the work queued so far and raises any error the device recorded (see {@link #checksIndicesOnDevice});
     * nothing to do for a backend that runs each call to completion and checks eagerly.
     */
    default void synchronize() {
    }

    /** Fills out with {@code dist} draws: element {@code k} in row-major order is {@link Philox}'s number for counter {@code offset + k}. */
    void random(Distribution dist, long seed, long offset, View out);

    /**
     * False when the backend has none of the optional fused kernels below: core then runs the composites without
     * first allocating the fused kernels' outputs, which on a device are buffers that would be dropped unused.
     */
    default boolean hasFusedKernels() {
        return true;
    }

    /**
     * Optional fused kernel: {@code out = softmax(x)}, or {@code log softmax(x)} when {@code log}, along the last
     * dimension. Returns false when the backend has none, and core runs the composite, which stays the definition
     * this must match.
     */
    default boolean softmax(View x, View out, boolean log) {
        return false;
    }

    /**
     * Optional fused kernel: {@code out = act(y + bias)} with bias already expanded to y's shape; {@code act} is
     * RELU, SIGMOID, TANH, or null for none. Returns false when the backend has none (core runs the composite).
     */
    default boolean biasActivation(View y, View bias, UnaryOp act, View out) {
        return false;
    }

    /**
     * Optional fused kernel: the gradient through an activation, {@code out = grad · act'(x)} written with the
     * activation's output {@code y = act(x)}: RELU {@code y > 0 ? grad : 0}, SIGMOID {@code grad·y·(1 − y)}, TANH
     * {@code grad·(1 − y²)}; all three views share a floating dtype and a shape. Returns false when the backend has
     * none, and core runs the composite, which stays the definition.
     */
    default boolean activationGrad(UnaryOp act, View grad, View y, View out) {
        return false;
    }

    /**
     * Optional fused kernel: max pooling of x {@code [N, C, H, W]} over {@code kernel} windows ({@code {h, w}}) at
     * {@code stride}, x padded by {@code padding} with −∞ on each side. {@code out [N, C, OH, OW]} gets each window's
     * maximum, and the I32 {@code indices} (same shape) its position {@code row · (W + 2·padding[1]) + col} in the padded
     * plane: the first maximum in row-major window order, where a NaN wins once and is kept (as {@code ARGMAX}
     * reduces). Returns false when the backend has none, and core runs the composite, which stays the definition.
     */
    default boolean maxPool2d(View x, int[] kernel, int[] stride, int[] padding, View out, View indices) {
        return false;
    }

    /**
     * Optional fused kernel: the 2-d cross-correlation {@code out [N, O, OH, OW] = Σ x·weight (+ bias)} of x
     * {@code [N, C, H, W]} and weight {@code [O, C/groups, KH, KW]} with {@code geometry}'s stride, zero padding,
     * dilation and groups; {@code bias} {@code [O]} is added when not null. All share a floating dtype and no dimension
     * is 0. Returns false when the backend has none for these operands, and core runs the composite (im2col as a
     * strided view, then a batched matmul), which stays the definition this must match.
     */
    default boolean conv2d(View x, View weight, View bias, Conv2dGeometry geometry, View out) {
        return false;
    }

    /**
     * Optional fused kernel: the adjoint of {@link #conv2d} in x, {@code out [N, C, H, W]} = the gradient of
     * {@code Σ grad·conv2d(x, weight)} with respect to x, for {@code grad [N, O, OH, OW]} (out's H and W are given, as
     * several input sizes share one output size when a stride exceeds 1). Returns false when the backend has none.
     */
    default boolean conv2dInputGrad(View grad, View weight, Conv2dGeometry geometry, View out) {
        return false;
    }

    /**
     * Optional fused kernel: the adjoint of {@link #conv2d} in the weight, {@code out [O, C/groups, KH, KW]} = the
     * gradient of {@code Σ grad·conv2d(x, weight)} with respect to the weight. Returns false when the backend has none.
     */
    default boolean conv2dWeightGrad(View x, View grad, Conv2dGeometry geometry, View out) {
        return false;
    }
}
