package org.jgrad.backend.opencl;

import static org.lwjgl.opencl.CL10.*;

import java.nio.IntBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jgrad.DType;
import org.jgrad.spi.View;
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
 * micro-tile as the CPU backend's GEMM. MR = 6 and 12 measured no faster on PoCL at 256³–1024³. Work-items are
 * numbered A-panel first, so the consecutive tiles a PoCL thread takes share one B panel (K·NR·4 B = 128 KiB at
 * K = 1024, in L2) while the A panels stream from L3. The packs cost O(MK + KN) against O(MNK) (~6 % of the time
 * at 1024³) and remove every tail from the inner loop; a stride-0 batch operand is packed once. Edges are clipped
 * only when storing. Every kernel has a required work-group size: PoCL compiles a kernel anew for each
 * work-group size it meets, so a size left to the driver would mean one compilation per problem shape.
 * Measured on PoCL 3.1, 2 threads of an AMD EPYC (Zen 5), F32: 387 GFLOP/s at 1024³ on a quiet machine; on the
 * shared, loaded machine, in the same minute as the CPU backend's {@code jgrad bench gemm}: 256³ 144–182 against
 * 49–176, 512³ 172–197 against 47–173, 1024³ 60–195 against 55–95 (GFLOP/s). PoCL hands its many small
 * work-groups to whichever thread is free, which keeps it ahead when other processes take a core.
 *
 * <h2>GPUs and accelerators ({@code gemm_gpu.cl})</h2>
 * Classic local-memory tiling with register blocking, reading the operands in place through their strides: a
 * work-group of 16×16 work-items computes a TM×TN tile of out, staging TK-deep slices of A and B in local memory
 * (padded by one column against bank conflicts, filled in the operand's unit-stride direction so the global reads
 * coalesce for transposed operands too); each work-item accumulates a WM×WN register tile (8×8 for 128×128 tiles,
 * 4×4 for 64×64). 128×128 tiles halve the local- and global-memory traffic per FMA against 64×64, but a matrix
 * with fewer 128×128 tiles than compute units would leave the device idle, so then 64×64 tiles are used, and
 * 32×32 (64 work-items) below that or where a device allows no 256-item work-group. Any M, N, K: loads outside the
 * operands read zero and stores are clipped.
 *
 * <p>{@link #GPU_KERNELS} are candidate configurations of that kernel, picked by {@code -Djgrad.opencl.gemm.gpu=name}
 * ({@code bench/gpu/gemm-variants.sh} times them all on a GPU; {@code classic} is the kernel described above, the
 * default {@code vec} adds vector fetches and blocked register tiles to it). Besides the tile shape (TK, 128×64 and 64×128 tiles, a 32×8 work-group) they add: 4-vector global fetches
 * where an operand is unit-stride and 4-aligned along k or along its rows (any other layout is fetched one value at
 * a time, as before); blocked register tiles, whose rows and columns are groups of 4 adjacent ones, so each k step
 * reads 4-vectors from local memory (rows padded by 4 to keep them aligned); and double-buffered slices, the next
 * one fetched into registers while this one is multiplied, with one barrier per slice instead of two.
 *
 * <p>{@code -Djgrad.opencl.gemm=cpu|gpu|auto} (default auto: by {@code CL_DEVICE_TYPE}) forces a variant; the tests
 * construct both to prove them correct on PoCL. {@link OpenClBackend} serialises the calls (kernel arguments are
 * shared state); they are enqueued without waiting: the queue is in order, which also makes the packing scratch
 * buffers safe to reuse from call to call.
 */
final class Gemm implements AutoCloseable {
    static final String PROPERTY = "jgrad.opencl.gemm";

    /** Which kernel family runs the product. */
    enum Variant { CPU, GPU }

    /** A GPU work-group tile: TM×TN of out, TK deep, each work-item WM×WN. */
    record Tile(int tm, int tn, int tk, int wm, int wn) {
        int items() {
            return tm / wm * (tn / wn);
        }

        /** Whether a TK-deep slice of {@code rows} rows splits into 4-vectors evenly over the work-items. */
        boolean vectors(int rows) {
            return rows * tk % (4 * items()) == 0;
        }

        String defines() {
            return define("TM", tm) + define("TN", tn) + define("TK", tk) + define("WM", wm) + define("WN", wn);
        }
    }

    /**
     * A candidate GPU kernel, {@code -Djgrad.opencl.gemm.gpu=name}: the largest tile it tries (64×64 and 32×32 tiles
     * with 4×4 per work-item follow, F64 caps the largest tile's TK at 8) and the options of {@code gemm_gpu.cl}:
     * local-row padding, blocked (4-vector) local reads, double-buffered slices and 4-vector global fetches where
     * an operand is unit-stride and 4-aligned in k or in its rows; {@code fill}: the share of the compute units
     * a product must occupy with a tile, but the smallest, for that tile to be taken.
     */
    record GpuKernel(String name, Tile first, int pad, boolean blocked, boolean doubleBuffer, boolean vectorFetch,
                     double fill) {
        List<Tile> tiles(DType dtype) {
            Tile big = dtype == DType.F64 ? new Tile(first.tm(), first.tn(), Math.min(first.tk(), 8), first.wm(),
                    first.wn()) : first;
            return List.of(big, new Tile(64, 64, 16, 4, 4), new Tile(32, 32, 16, 4, 4));
        }

        long localBytes(Tile t, int elemBytes) {
            return (doubleBuffer ? 2L : 1L) * t.tk() * (t.tm() + pad + t.tn() + pad) * elemBytes;
        }

        String defines(Tile t, int modeA, int modeB) {
            return t.defines() + define("PAD", pad) + define("BLOCKED", blocked ? 1 : 0)
                    + define("DB", doubleBuffer ? 1 : 0) + define("MODE_A", modeA) + define("MODE_B", modeB);
        }
    }

    static final String GPU_PROPERTY = "jgrad.opencl.gemm.gpu";
    /**
     * The first is the default: on an H100 (bench/gpu/h100-2026-11-27-variants.log) {@code vec} ran at 35–38 TFLOP/s
     * for n = 4096–8192 against 25–26 for {@code classic}. Four double-buffered configurations (TK 16 with 128-row
     * tiles, and scalar-load {@code db}) failed at n = 8192 there with CL_MEM_OBJECT_ALLOCATION_FAILURE after passing
     * every smaller size and GemmTest, so they are not offered until that is understood.
     */
    static final List<GpuKernel> GPU_KERNELS = List.of(
            new GpuKernel("vec", new Tile(128, 128, 16, 8, 8), 4, true, false, true, 1),
            new GpuKernel("classic", new Tile(128, 128, 16, 8, 8), 1, false, false, false, 1),
            new GpuKernel("vec-db-k8", new Tile(128, 128, 8, 8, 8), 4, true, true, true, 1),
            new GpuKernel("vec-k32", new Tile(128, 128, 32, 8, 8), 4, true, false, true, 1),
            new GpuKernel("vec-db-64x128", new Tile(64, 128, 16, 4, 8), 4, true, true, true, 1),
            new GpuKernel("vec-db-wg32x8", new Tile(128, 128, 16, 16, 4), 4, true, true, true, 1));

    private static final int MR = 8;

    private final OpenClBackend backend;
    private final Cl cl;
    private final Variant variant;
    private final GpuKernel gpuKernel;
    private final int minGroups;
    private final long localMemBytes;
    private final Map<String, Long> kernels = new HashMap<>();
    private final Scratch packedA = new Scratch(), packedB = new Scratch();

    /**
     * The variant {@code -Djgrad.opencl.gemm} asks for, else the one for the device's type; the GPU kernel
     * {@code -Djgrad.opencl.gemm.gpu} names, else the default.
     */
    Gemm(OpenClBackend backend) {
        this(backend, chosen(System.getProperty(PROPERTY, "auto"), backend.cl().device.type()),
                gpuKernel(System.getProperty(GPU_PROPERTY, "")), computeUnits(backend.cl()));
    }

    /**
     * {@code minGroups}: the work-groups a product must get from a GPU tile for that tile to be taken, the device's
     * compute units in use; the tests pass 2, so that every tile size runs, and on any device.
     */
    Gemm(OpenClBackend backend, Variant variant, GpuKernel gpuKernel, int minGroups) {
        this.backend = backend;
        this.cl = backend.cl();
        this.variant = variant;
        this.gpuKernel = gpuKernel;
        this.minGroups = minGroups;
        this.localMemBytes = Discovery.deviceLong(cl.device.device(), CL_DEVICE_LOCAL_MEM_SIZE);
    }

    static int computeUnits(Cl cl) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer units = stack.mallocInt(1);
            Cl.check(clGetDeviceInfo(cl.device.device(), CL_DEVICE_MAX_COMPUTE_UNITS, units, null), "clGetDeviceInfo");
            return units.get(0);
        }
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

    static GpuKernel gpuKernel(String property) {
        String name = property.strip().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) return GPU_KERNELS.getFirst();
        return GPU_KERNELS.stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("-D" + GPU_PROPERTY + "=" + property + ": expected one of "
                        + GPU_KERNELS.stream().map(GpuKernel::name).toList()));
    }

    /**
     * Enqueues {@code out[t] = a[t] · b[t]} for a [B,M,K], b [B,K,N], out [B,M,N] of this backend, F32 or F64; only
     * {@code out} is written.
     */
    void matmul(View a, View b, View out) {
        DType dtype = out.dtype();
        if (dtype != DType.F32 && dtype != DType.F64)
            throw new IllegalArgumentException("matmul: the OpenCL GEMM multiplies F32 or F64, got " + dtype);
        int[] os = out.shape();
        if (os[0] == 0 || os[1] == 0 || os[2] == 0) return;
        if (variant == Variant.CPU) cpu(dtype, a, b, out);
        else gpu(dtype, a, b, out);
    }

    private void cpu(DType dtype, View a, View b, View out) {
        int batch = out.shape()[0], m = out.shape()[1], n = out.shape()[2], k = a.shape()[2];
        int vw = dtype == DType.F64 ? 8 : 16, nr = 2 * vw, es = dtype == DType.F64 ? 8 : 4;
        String defines = define("VW", vw) + define("MR", MR);
        int[] as = a.layout().strides(), bs = b.layout().strides();
        int pm = ceilDiv(m, MR), pn = ceilDiv(n, nr);
        int ta = as[0] == 0 ? 1 : batch, tb = bs[0] == 0 ? 1 : batch;
        long ast = (long) pm * MR * k, bst = (long) pn * nr * k;
        long pa = packedA.atLeast(ta * ast * es), pb = packedB.atLeast(tb * bst * es);
        long pack = kernel(dtype, defines, "gemm_cpu.cl", "pack");
        pack(pack, a, a.layout().offset(), as[0], as[1], as[2], m, k, MR, pm, ta, pa);
        pack(pack, b, b.layout().offset(), bs[0], bs[2], bs[1], n, k, nr, pn, tb, pb);
        operand(backend.args(kernel(dtype, defines, "gemm_cpu.cl", "gemm"), "matmul (gemm_cpu.cl)")
                .mem(pa).i64(ta == 1 ? 0 : ast).mem(pb).i64(tb == 1 ? 0 : bst).i32(k), out).i32(m).i32(n)
                .run(new long[] {pm, pn, batch}, new long[] {1, 1, 1});
    }

    /** Packs rows × k of {@code src} (row r, step kk at off + t·st + r·sr + kk·sk) into w-tall k-major panels. */
    private void pack(long pack, View src, int off, int st, int sr, int sk, int rows, int k, int w, int panels,
                      int batches, long dst) {
        backend.args(pack, "matmul (packing for gemm_cpu.cl)").mem(src).i32(off).i32(st).i32(sr).i32(sk).i32(rows)
                .i32(k).i32(w).mem(dst).run(new long[] {panels, batches}, new long[] {1, 1});
    }

    /**
     * Runs the largest tile whose work-group the device and the compiled kernel allow and that still gives every
     * compute unit a work-group; the smallest when none does.
     */
    private void gpu(DType dtype, View a, View b, View out) {
        int batch = out.shape()[0], m = out.shape()[1], n = out.shape()[2], k = a.shape()[2];
        int[] as = a.layout().strides(), bs = b.layout().strides();
        List<Tile> tiles = gpuKernel.tiles(dtype);
        for (Tile tile : tiles) {
            boolean last = tile == tiles.getLast();
            boolean fits = tile.items() <= cl.maxWorkGroup
                    && gpuKernel.localBytes(tile, dtype == DType.F64 ? 8 : 4) <= localMemBytes;
            boolean fills = (long) ceilDiv(m, tile.tm()) * ceilDiv(n, tile.tn()) * batch >= minGroups * gpuKernel.fill();
            if (!last && !(fits && fills)) continue;
            String defines = gpuKernel.defines(tile, mode(tile, tile.tm(), a.layout().offset(), as[0], as[1], as[2]),
                    mode(tile, tile.tn(), b.layout().offset(), bs[0], bs[2], bs[1]));
            long kernel = kernel(dtype, defines, "gemm_gpu.cl", "gemm");
            if (!last && groupSize(kernel) < tile.items()) continue;
            int lx = tile.tn() / tile.wn(), ly = tile.tm() / tile.wm();
            operand(operand(operand(backend.args(kernel, "matmul (gemm_gpu.cl)"), a), b), out).i32(m).i32(n).i32(k)
                    .run(new long[] {(long) ceilDiv(n, tile.tn()) * lx, (long) ceilDiv(m, tile.tm()) * ly, batch},
                            new long[] {lx, ly, 1});
            return;
        }
    }

    /**
     * How {@code gemm_gpu.cl} fetches an operand (offset, batch, row and k strides): in 4-vectors along k (1) or
     * along the rows (2) where that direction has unit stride and every vector starts 4-aligned, else one value
     * at a time (0).
     */
    private int mode(Tile tile, int rows, int off, int st, int sr, int sk) {
        if (!gpuKernel.vectorFetch() || !tile.vectors(rows) || (off | st) % 4 != 0) return 0;
        if (sk == 1 && sr % 4 == 0) return 1;
        if (sr == 1 && sk % 4 == 0) return 2;
        return 0;
    }

    /** The operand's buffer, offset and three strides. */
    private static OpenClBackend.Args operand(OpenClBackend.Args args, View v) {
        int[] s = v.layout().strides();
        return args.mem(v).i32(v.layout().offset()).i32(s[0]).i32(s[1]).i32(s[2]);
    }

    /** Kernel {@code name} of {@code file} behind the backend's dtype header and {@code defines}, looked up once. */
    private long kernel(DType dtype, String defines, String file, String name) {
        return kernels.computeIfAbsent(dtype + "\n" + defines + file + " " + name,
                // The array picks program(header, files...): two strings would mean program(source, options).
                key -> cl.kernel(cl.program(backend.header(dtype) + defines, new String[] {file}), name));
    }

    private long groupSize(long kernel) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            Cl.check(clGetKernelWorkGroupInfo(kernel, cl.device.device(), CL_KERNEL_WORK_GROUP_SIZE, size, null),
                    "clGetKernelWorkGroupInfo");
            return size.get(0);
        }
    }

    /** Releases the packing buffers; the kernels belong to {@link Cl}'s cache. */
    @Override
    public void close() {
        packedA.release();
        packedB.release();
    }

    /**
     * A device buffer that only grows, reused by every call (the in-order queue serialises its users). Zero bytes
     * (K = 0) leave it null, which the kernels never dereference then.
     */
    private final class Scratch {
        private long buffer, bytes;

        long atLeast(long need) {
            if (need <= bytes) return buffer;
            release();
            try (MemoryStack stack = MemoryStack.stackPush()) {
                IntBuffer err = stack.mallocInt(1);
                buffer = clCreateBuffer(cl.context, CL_MEM_READ_WRITE, need, err);
                Cl.check(err.get(0), "clCreateBuffer (" + need + " bytes of GEMM packing space)");
            }
            bytes = need;
            return buffer;
        }

        void release() {
            if (buffer != 0) Cl.check(clReleaseMemObject(buffer), "clReleaseMemObject");
            buffer = 0;
            bytes = 0;
        }
    }

    private static String define(String name, Object value) {
        return "#define " + name + " " + value + "\n";
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
