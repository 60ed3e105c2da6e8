package org.jgrad.backend.opencl;

import static org.lwjgl.opencl.CL10.*;

import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Locale;
import org.jgrad.DType;
import org.jgrad.spi.Layout;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;

/**
 * Batched matrix product {@code out[t] = a[t] · b[t]} on one OpenCL device for a [B,M,K], b [B,K,N], out [B,M,N]
 * with any non-negative strides and offsets (transposed and stride-0 batch operands are read through their strides,
 * never copied on the host). F32 and F64. The tiling depends on the device type, because what is fast on one kind
 * is 50–100× slower on the other:
 *
 * <h2>CPU devices ({@code gemm_cpu.cl}: PoCL, Intel's CPU runtime)</h2>
 * A CPU runs a work-group as a loop over its work-items, so local memory is just more cache traffic and barriers
 * are loop splits: the GPU kernel runs at ~3 GFLOP/s on PoCL. Instead this is a Goto/BLIS micro-kernel in OpenCL C:
 * <pre>
 * pack A into MR-tall panels, k-major (MR contiguous values per k), zero-padded to a multiple of MR     (kernel pack)
 * pack B into NR-wide panels, k-major (NR contiguous values per k), zero-padded to a multiple of NR     (kernel pack)
 * one work-item (work-group of 1) per MR×NR tile of out:                                                (kernel gemm)
 *   for k: two NR/2-lane vector loads of B, MR broadcasts of A, 2·MR vector FMAs into registers
 * </pre>
 * MR×NR = 8×32 for F32 ({@code float16} vectors) and 8×16 for F64 ({@code double8}): 16 accumulators + 2 B vectors
 * + 1 broadcast = 19 of AVX-512's 32 registers, and 16 independent FMA chains hide the FMA latency — the same
 * micro-tile as the CPU backend's GEMM. MR = 6 and 12 measured slower on PoCL at 256³–1024³. Work-items are
 * numbered A-panel first, so the consecutive tiles a PoCL thread takes share one B panel (K·NR·4 B = 128 KiB at
 * K = 1024, in L2) while the A panels stream from L3. The packs cost O(MK + KN) against O(MNK) and remove every
 * tail from the inner loop; a stride-0 batch operand is packed once. Edges are clipped only when storing.
 *
 * <h2>GPUs and accelerators ({@code gemm_gpu.cl})</h2>
 * Classic local-memory tiling with register blocking, reading the operands in place through their strides: a
 * work-group of 16×16 work-items computes a TM×TN tile of out, staging TK-deep slices of A and B in local memory
 * (padded by one column against bank conflicts, filled in the operand's unit-stride direction so the global reads
 * coalesce for transposed operands too); each work-item accumulates a WM×WN register tile (8×8 for 128×128 tiles,
 * 4×4 for 64×64). 128×128 tiles halve the local-memory traffic per FMA against 64×64, but a matrix with fewer
 * 128×128 tiles than compute units would leave the device idle, so then 64×64 tiles are used. Any M, N, K: loads
 * outside the operands read zero and stores are clipped.
 *
 * <p>{@code -Djgrad.opencl.gemm=cpu|gpu|auto} (default auto: by {@code CL_DEVICE_TYPE}) forces a variant; the tests
 * use it to prove both correct on PoCL. Calls are serialised on this object (kernel arguments are per kernel) and
 * enqueued without waiting: the queue is in order, which also makes the packing scratch buffers safe to reuse.
 */
final class Gemm implements AutoCloseable {
    static final String PROPERTY = "jgrad.opencl.gemm";

    /** Which kernel family runs the product. */
    enum Variant { CPU, GPU }

    /**
     * The kernel {@code name} of the program built from {@code header} (macros that specialise it) followed by the
     * resources {@code files} of this package, built once and owned by the cache behind this.
     */
    interface Kernels {
        long kernel(String header, String name, String... files);
    }

    /** A GPU work-group tile: TM×TN of out, TK deep, each work-item WM×WN. */
    record Tile(int tm, int tn, int tk, int wm, int wn) {
        int items() {
            return tm / wm * (tn / wn);
        }

        long localBytes(int elemBytes) {
            return (long) tk * (tm + 1 + tn + 1) * elemBytes;
        }

        String header() {
            return define("TM", tm) + define("TN", tn) + define("TK", tk) + define("WM", wm) + define("WN", wn);
        }
    }

    /** Largest first; the first that the device and the problem allow is taken (see the class comment). */
    private static final List<Tile> TILES_F32 = List.of(new Tile(128, 128, 16, 8, 8), new Tile(64, 64, 16, 4, 4),
            new Tile(32, 32, 16, 4, 4));
    private static final List<Tile> TILES_F64 = List.of(new Tile(128, 128, 8, 8, 8), new Tile(64, 64, 16, 4, 4),
            new Tile(32, 32, 16, 4, 4));
    private static final int MR = 8;

    private final long context, device, queue;
    private final Kernels kernels;
    private final Variant variant;
    private final int computeUnits;
    private final long maxGroupSize, localMemBytes;
    private final Scratch packedA = new Scratch(), packedB = new Scratch();

    /** The variant {@code -Djgrad.opencl.gemm} asks for, else the one for the device's type. */
    Gemm(long context, long device, long queue, Kernels kernels) {
        this(context, device, queue, kernels, chosen(System.getProperty(PROPERTY, "auto"), deviceLong(device, CL_DEVICE_TYPE)));
    }

    Gemm(long context, long device, long queue, Kernels kernels, Variant variant) {
        this.context = context;
        this.device = device;
        this.queue = queue;
        this.kernels = kernels;
        this.variant = variant;
        this.computeUnits = deviceInt(device, CL_DEVICE_MAX_COMPUTE_UNITS);
        this.maxGroupSize = devicePointer(device, CL_DEVICE_MAX_WORK_GROUP_SIZE);
        this.localMemBytes = deviceLong(device, CL_DEVICE_LOCAL_MEM_SIZE);
    }

    static Variant chosen(String property, long deviceType) {
        return switch (property.strip().toLowerCase(Locale.ROOT)) {
            case "cpu" -> Variant.CPU;
            case "gpu" -> Variant.GPU;
            case "auto", "" -> (deviceType & CL_DEVICE_TYPE_CPU) != 0 ? Variant.CPU : Variant.GPU;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + property
                    + ": expected cpu, gpu or auto");
        };
    }

    Variant variant() {
        return variant;
    }

    /**
     * Enqueues {@code out[t] = a[t] · b[t]} on the buffers {@code a}, {@code b}, {@code out} (cl_mem handles) seen
     * through their layouts; only {@code out} is written. Shapes are [B,M,K], [B,K,N], [B,M,N] with K ≥ 1.
     */
    synchronized void matmul(DType dtype, long a, Layout la, long b, Layout lb, long out, Layout lo) {
        int[] os = lo.shape();
        int batch = os[0], m = os[1], n = os[2], k = la.shape()[2];
        if (batch == 0 || m == 0 || n == 0) return;
        if (variant == Variant.CPU) cpu(dtype, a, la, b, lb, out, lo, batch, m, n, k);
        else gpu(dtype, a, la, b, lb, out, lo, batch, m, n, k);
    }

    private void cpu(DType dtype, long a, Layout la, long b, Layout lb, long out, Layout lo, int batch, int m, int n, int k) {
        int vw = dtype == DType.F64 ? 8 : 16, nr = 2 * vw, es = elemBytes(dtype);
        String header = typeHeader(dtype) + define("VW", vw) + define("MR", MR);
        long pack = kernels.kernel(header, "pack", "gemm_cpu.cl"), gemm = kernels.kernel(header, "gemm", "gemm_cpu.cl");
        int[] as = la.strides(), bs = lb.strides(), cs = lo.strides();
        int pm = ceilDiv(m, MR), pn = ceilDiv(n, nr);
        int ta = as[0] == 0 ? 1 : batch, tb = bs[0] == 0 ? 1 : batch;
        long ast = (long) pm * MR * k, bst = (long) pn * nr * k;
        long pa = packedA.atLeast(ta * ast * es), pb = packedB.atLeast(tb * bst * es);
        try (MemoryStack stack = MemoryStack.stackPush()) {
            enqueuePack(stack, pack, a, la.offset(), as[0], as[1], as[2], m, k, MR, pm, ta, pa);
            enqueuePack(stack, pack, b, lb.offset(), bs[0], bs[2], bs[1], n, k, nr, pn, tb, pb);
            int i = 0;
            clSetKernelArg1p(gemm, i++, pa);
            clSetKernelArg1l(gemm, i++, ta == 1 ? 0 : ast);
            clSetKernelArg1p(gemm, i++, pb);
            clSetKernelArg1l(gemm, i++, tb == 1 ? 0 : bst);
            clSetKernelArg1i(gemm, i++, k);
            setOperand(gemm, i, out, lo.offset(), cs);
            clSetKernelArg1i(gemm, i + 5, m);
            clSetKernelArg1i(gemm, i + 6, n);
            enqueue(gemm, stack.pointers(pm, pn, batch), stack.pointers(1, 1, 1));
        }
    }

    /** Packs rows × k of {@code src} (row r, step kk at off + t·st + r·sr + kk·sk) into w-tall k-major panels. */
    private void enqueuePack(MemoryStack stack, long pack, long src, int off, int st, int sr, int sk, int rows, int k,
                             int w, int panels, int batches, long dst) {
        int i = 0;
        clSetKernelArg1p(pack, i++, src);
        for (int v : new int[] {off, st, sr, sk, rows, k, w}) clSetKernelArg1i(pack, i++, v);
        clSetKernelArg1p(pack, i, dst);
        enqueue(pack, stack.pointers(panels, batches), stack.pointers(1, 1));
    }

    private void gpu(DType dtype, long a, Layout la, long b, Layout lb, long out, Layout lo, int batch, int m, int n, int k) {
        Tile tile = tile(dtype, m, n, batch);
        long gemm = gpuKernel(dtype, tile);
        setOperand(gemm, 0, a, la.offset(), la.strides());
        setOperand(gemm, 5, b, lb.offset(), lb.strides());
        setOperand(gemm, 10, out, lo.offset(), lo.strides());
        clSetKernelArg1i(gemm, 15, m);
        clSetKernelArg1i(gemm, 16, n);
        clSetKernelArg1i(gemm, 17, k);
        int lx = tile.tn() / tile.wn(), ly = tile.tm() / tile.wm();
        try (MemoryStack stack = MemoryStack.stackPush()) {
            enqueue(gemm, stack.pointers((long) ceilDiv(n, tile.tn()) * lx, (long) ceilDiv(m, tile.tm()) * ly, batch),
                    stack.pointers(lx, ly, 1));
        }
    }

    /**
     * The largest tile whose work-group the device and the compiled kernel allow and that still gives every
     * compute unit a work-group; the smallest when none does.
     */
    private Tile tile(DType dtype, int m, int n, int batch) {
        List<Tile> tiles = dtype == DType.F64 ? TILES_F64 : TILES_F32;
        for (Tile t : tiles.subList(0, tiles.size() - 1)) {
            boolean fits = t.items() <= maxGroupSize && t.localBytes(elemBytes(dtype)) <= localMemBytes;
            boolean fills = (long) ceilDiv(m, t.tm()) * ceilDiv(n, t.tn()) * batch >= computeUnits;
            if (fits && fills && kernelGroupSize(gpuKernel(dtype, t)) >= t.items()) return t;
        }
        return tiles.getLast();
    }

    private long gpuKernel(DType dtype, Tile tile) {
        return kernels.kernel(typeHeader(dtype) + tile.header(), "gemm", "gemm_gpu.cl");
    }

    /** Arguments i .. i+4: buffer, offset and the three strides. */
    private static void setOperand(long kernel, int i, long buffer, int offset, int[] strides) {
        clSetKernelArg1p(kernel, i, buffer);
        clSetKernelArg1i(kernel, i + 1, offset);
        for (int d = 0; d < 3; d++) clSetKernelArg1i(kernel, i + 2 + d, strides[d]);
    }

    private void enqueue(long kernel, PointerBuffer global, PointerBuffer local) {
        check(clEnqueueNDRangeKernel(queue, kernel, global.remaining(), null, global, local, null, null),
                "clEnqueueNDRangeKernel");
    }

    private long kernelGroupSize(long kernel) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            check(clGetKernelWorkGroupInfo(kernel, device, CL_KERNEL_WORK_GROUP_SIZE, size, null),
                    "clGetKernelWorkGroupInfo");
            return size.get(0);
        }
    }

    /** Releases the packing buffers; the kernels belong to {@link Kernels}. */
    @Override
    public synchronized void close() {
        packedA.release();
        packedB.release();
    }

    /** A device buffer that only grows, reused by every call (the in-order queue serialises its users). */
    private final class Scratch {
        private long buffer, bytes;

        long atLeast(long need) {
            if (need <= bytes) return buffer;
            release();
            try (MemoryStack stack = MemoryStack.stackPush()) {
                IntBuffer err = stack.mallocInt(1);
                buffer = clCreateBuffer(context, CL_MEM_READ_WRITE, need, err);
                check(err.get(0), "clCreateBuffer (" + need + " bytes of GEMM packing space)");
            }
            bytes = need;
            return buffer;
        }

        void release() {
            if (buffer != 0) check(clReleaseMemObject(buffer), "clReleaseMemObject");
            buffer = 0;
            bytes = 0;
        }
    }

    private static String typeHeader(DType dtype) {
        return dtype == DType.F64 ? "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n" + define("T", "double")
                : define("T", "float");
    }

    private static String define(String name, Object value) {
        return "#define " + name + " " + value + "\n";
    }

    private static int elemBytes(DType dtype) {
        return dtype == DType.F64 ? 8 : 4;
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static void check(int err, String what) {
        if (err != CL_SUCCESS) throw new IllegalStateException("OpenCL GEMM: " + what + " failed with error " + err);
    }

    private static long deviceLong(long device, int param) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            LongBuffer v = stack.mallocLong(1);
            check(clGetDeviceInfo(device, param, v, null), "clGetDeviceInfo");
            return v.get(0);
        }
    }

    private static int deviceInt(long device, int param) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer v = stack.mallocInt(1);
            check(clGetDeviceInfo(device, param, v, null), "clGetDeviceInfo");
            return v.get(0);
        }
    }

    private static long devicePointer(long device, int param) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            PointerBuffer v = stack.mallocPointer(1);
            check(clGetDeviceInfo(device, param, v, null), "clGetDeviceInfo");
            return v.get(0);
        }
    }
}
