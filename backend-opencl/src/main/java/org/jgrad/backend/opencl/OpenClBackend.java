package org.jgrad.backend.opencl;

import static org.lwjgl.opencl.CL10.*;
import static org.lwjgl.opencl.CL12.clEnqueueFillBuffer;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jgrad.DType;
import org.jgrad.Grad;
import org.jgrad.spi.Backend;
import org.jgrad.spi.BinaryOp;
import org.jgrad.spi.Distribution;
import org.jgrad.spi.Layout;
import org.jgrad.spi.ReduceOp;
import org.jgrad.spi.Storage;
import org.jgrad.spi.UnaryOp;
import org.jgrad.spi.View;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

/**
 * The OpenCL backend: one context and in-order queue on the device {@link Discovery} chose, one {@link ClStorage}
 * buffer per storage, every primitive as an OpenCL C 1.2 kernel. Kernels come from one program per dtype
 * (common.cl, elementwise.cl, reduce.cl behind a header of dtype macros; {@link Gemm} has its own), built on first use
 * and cached.
 * Data crosses between host and device only in {@link #upload} and {@link #download}, which {@link #uploads()} and
 * {@link #downloads()} count; {@link #liveBuffers()} counts the device buffers not yet released. Reach them through
 * {@code ((OpenClBackend) Device.opencl().backend())}. Calls are serialised: kernel objects carry their arguments as
 * shared state.
 *
 * <p>Index ranges are checked on the device ({@link #checksIndicesOnDevice}): the gather and scatterAdd kernels skip an
 * out-of-range index and record the first one in a four-int buffer of this backend, which every {@link #download}
 * reads behind the data in the same wait and {@link #synchronize} reads on request. The record names the composite op
 * the launch was part of ({@link Grad#currentOp}), as the host checks would have.
 *
 * <p>Operands may have any strides and offsets; after size-1 dimensions are dropped and contiguous runs merged, at
 * most {@value Geo#MAX_RANK} dimensions may remain (a clear error otherwise). F64 needs {@code cl_khr_fp64}; without it
 * every F64 operation fails with an error naming the device. Integer and BOOL arithmetic computes in double (float
 * without fp64), rounding once at the store, as the reference backend does.
 */
public final class OpenClBackend implements Backend, AutoCloseable {
    /**
     * Work-group size of the reduction trees (fewer where the device allows fewer). Fixed rather than fitted to the
     * block length because PoCL compiles a kernel anew for each work-group size it meets.
     */
    private static final int REDUCE_GROUP = 64;
    /** Work groups a reduction aims to keep running at once (see {@link #parts}). */
    private static final int BUSY_GROUPS = 256;
    private static final String[] PROGRAM = {"common.cl", "elementwise.cl", "reduce.cl"};

    /**
     * Dropped tensors give their buffers back only through the Cleaner, i.e. after a collection, and device buffers
     * put no pressure on the Java heap: a loop making a 4 MiB result per step held thousands of them (GBs) between
     * collections, and PoCL ran 3–5× slower so (jgrad bench gemm, 1024³: 116 against 385 GFLOP/s; 512³: 70 against
     * 360). So every this many bytes of new buffers ask for a collection, as the JDK does for direct buffers.
     */
    private static final long COLLECT_EVERY_BYTES = 256L << 20;

    private final Cl cl;
    private long allocatedSinceCollection;
    final Set<ClStorage.Release> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong uploads = new AtomicLong(), downloads = new AtomicLong();
    private final Map<DType, Long> programs = new EnumMap<>(DType.class);
    private final Map<Long, Integer> groupLimits = new HashMap<>();
    private final Gemm gemm;
    /**
     * The index-error record of the gather and scatter_add kernels: primitive code (0: none), index, axis size, and
     * the caller: 0 for none, else 1 + its position in {@link #callers}, the composite ops seen so far (a fixed set of
     * names in core).
     */
    private final long indexErrors;
    private final List<String> callers = new ArrayList<>();

    OpenClBackend(Discovery.Found device) {
        cl = new Cl(device);
        gemm = new Gemm(this);
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            indexErrors = clCreateBuffer(cl.context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, stack.callocInt(4), err);
            Cl.check(err.get(0), "clCreateBuffer(index-error record)");
        }
    }

    /** None yet (softmax, bias + activation, pooling and convolution run as composites of the primitives). */
    @Override
    public boolean hasFusedKernels() {
        return false;
    }

    @Override
    public String name() {
        return "opencl";
    }

    /** The device's name, its platform and device index ({@code 0:0 pthread-AMD EPYC ...}). */
    public String deviceName() {
        return cl.device.toString();
    }

    /** Device buffers currently allocated by this backend (released by close() or the Cleaner). */
    public int liveBuffers() {
        return live.size();
    }

    /** How many host-to-device copies of tensor data ({@link #upload}) this backend has made. */
    public long uploads() {
        return uploads.get();
    }

    /** How many device-to-host copies of tensor data ({@link #download}) this backend has made. */
    public long downloads() {
        return downloads.get();
    }

    /** Always: see the class comment; core skips its host-side range checks, which would download the indices. */
    @Override
    public boolean checksIndicesOnDevice() {
        return true;
    }

    @Override
    public synchronized void synchronize() {
        raiseIndexError();
    }

    /**
     * Waits for the queue (a blocking read of the index-error record, behind everything queued), then raises the first
     * out-of-range index a kernel recorded since the last check, clearing the record so that the backend stays usable.
     */
    private void raiseIndexError() {
        int op, index, size, caller;
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer record = stack.mallocInt(4);
            Cl.check(clEnqueueReadBuffer(cl.queue, indexErrors, true, 0, record, null, null), "clEnqueueReadBuffer(index-error record)");
            op = record.get(0);
            index = record.get(1);
            size = record.get(2);
            caller = record.get(3);
            if (op == 0) return;
            Cl.check(clEnqueueFillBuffer(cl.queue, indexErrors, stack.calloc(4), 0, 16, null, null), "clEnqueueFillBuffer(index-error record)");
        }
        String primitive = op == 1 ? "gather" : "scatterAdd";
        throw new IllegalStateException((caller == 0 ? primitive : callers.get(caller - 1)) + ": index " + index
                + " is out of range for an axis of size " + size + " (found on the opencl device by " + primitive
                + "; raised at the next host read; the out-of-range elements were skipped)");
    }

    /** The record's id of the composite op this launch is part of. */
    private int caller() {
        String op = Grad.currentOp();
        if (op == null) return 0;
        int at = callers.indexOf(op);
        if (at < 0) {
            callers.add(op);
            at = callers.size() - 1;
        }
        return at + 1;
    }

    @Override
    public synchronized Storage allocate(DType dtype, int size) {
        requireDtype("allocate", dtype);
        long mem = createBuffer(dtype, size, 0, null);
        if (size > 0) {
            try (MemoryStack stack = MemoryStack.stackPush()) {
                Cl.check(clEnqueueFillBuffer(cl.queue, mem, stack.calloc(1), 0, bytes(dtype, size), null, null), "clEnqueueFillBuffer");
            }
        }
        return new ClStorage(this, dtype, size, mem);
    }

    @Override
    public synchronized Storage upload(DType dtype, Object data) {
        requireDtype("upload", dtype);
        int size = switch (dtype) {
            case F32 -> ((float[]) data).length;
            case F64 -> ((double[]) data).length;
            case I32 -> ((int[]) data).length;
            case I8, BOOL -> ((byte[]) data).length;
        };
        ByteBuffer host = MemoryUtil.memAlloc((int) bytes(dtype, size));
        try {
            switch (dtype) {
                case F32 -> host.asFloatBuffer().put((float[]) data);
                case F64 -> host.asDoubleBuffer().put((double[]) data);
                case I32 -> host.asIntBuffer().put((int[]) data);
                case I8, BOOL -> host.put((byte[]) data).flip();
            }
            long mem = size == 0 ? createBuffer(dtype, 0, 0, null) : createBuffer(dtype, size, CL_MEM_COPY_HOST_PTR, host);
            uploads.incrementAndGet();
            return new ClStorage(this, dtype, size, mem);
        } finally {
            MemoryUtil.memFree(host);
        }
    }

    @Override
    public synchronized Object download(Storage storage) {
        ClStorage s = own(storage);
        DType t = s.dtype();
        int size = s.size();
        ByteBuffer host = MemoryUtil.memAlloc((int) bytes(t, size));
        boolean pending = false;
        try {
            // the data, then the index-error record behind it on the in-order queue: one wait covers both reads
            if (size > 0) {
                Cl.check(clEnqueueReadBuffer(cl.queue, s.mem, false, 0, host, null, null), "clEnqueueReadBuffer");
                pending = true;
            }
            downloads.incrementAndGet();
            raiseIndexError();
            pending = false;
            return switch (t) {
                case F32 -> { float[] a = new float[size]; host.asFloatBuffer().get(a); yield a; }
                case F64 -> { double[] a = new double[size]; host.asDoubleBuffer().get(a); yield a; }
                case I32 -> { int[] a = new int[size]; host.asIntBuffer().get(a); yield a; }
                case I8, BOOL -> { byte[] a = new byte[size]; host.get(a); yield a; }
            };
        } finally {
            if (pending) clFinish(cl.queue);      // a failed wait must not leave the read writing to freed memory
            MemoryUtil.memFree(host);
        }
    }

    /**
     * A zero-size storage still gets a one-byte buffer: OpenCL has no empty buffers. When the device is out of memory,
     * unreachable storages may still hold buffers that only the Cleaner frees, so one collection and a retry come
     * before the error.
     */
    private long createBuffer(DType dtype, int size, long flags, ByteBuffer host) {
        allocatedSinceCollection += bytes(dtype, size);
        if (allocatedSinceCollection > COLLECT_EVERY_BYTES) {
            allocatedSinceCollection = 0;
            System.gc();
        }
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            for (int attempt = 0; ; attempt++) {
                long mem = host == null ? clCreateBuffer(cl.context, CL_MEM_READ_WRITE | flags, Math.max(1, bytes(dtype, size)), err)
                        : clCreateBuffer(cl.context, CL_MEM_READ_WRITE | flags, host, err);
                int e = err.get(0);
                if (attempt == 0 && (e == CL_MEM_OBJECT_ALLOCATION_FAILURE || e == CL_OUT_OF_RESOURCES)) {
                    System.gc();
                    try {
                        Thread.sleep(50);      // the Cleaner thread releases what the collection found
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                    continue;
                }
                Cl.check(e, "clCreateBuffer(" + dtype + "[" + size + "])");
                return mem;
            }
        }
    }

    private static long bytes(DType dtype, int size) {
        return (long) dtype.bytes() * size;
    }

    @Override
    public synchronized void copy(View src, View dst) {
        Geo g = Geo.of("copy", dst.shape(), src.layout(), dst.layout());
        args(dst.dtype(), "copy_from_" + ctype(src.dtype()), src, dst).geo(g).mem(src).mem(dst).run(g.n);
    }

    /**
     * Plain adds where dst reaches each position once; where its layout overlaps itself, one work item per position of
     * dst's span gathers what lands there (accumulate_gather in elementwise.cl): deterministic, atomic-free, the same
     * for every dtype.
     */
    @Override
    public synchronized void accumulate(View src, View dst) {
        Layout dl = dst.layout();
        if (!Geo.overlaps(dl)) {
            Geo g = Geo.of("accumulate", dst.shape(), src.layout(), dl);
            args(dst.dtype(), "accumulate", src, dst).geo(g).mem(src).mem(dst).run(g.n);
            return;
        }
        int r = dl.rank();
        int[] ds = dl.strides(), ss = src.layout().strides();
        Integer[] order = new Integer[r];
        Arrays.setAll(order, d -> d);
        Arrays.sort(order, (x, y) -> Integer.compare(ds[y], ds[x]));
        int[] shape = new int[r], srcStrides = new int[r], dstStrides = new int[r];
        long span = 1;
        for (int k = 0; k < r; k++) {
            shape[k] = dl.shape()[order[k]];
            srcStrides[k] = ss[order[k]];
            dstStrides[k] = ds[order[k]];
            span += (long) dstStrides[k] * (shape[k] - 1);
        }
        Geo g = Geo.of("accumulate", shape, new int[][] {srcStrides, dstStrides}, new int[] {src.layout().offset(), dl.offset()});
        args(dst.dtype(), "accumulate_gather", src, dst).geo(g).mem(src).mem(dst).i32((int) span).run(span);
    }

    @Override
    public synchronized void fill(View dst, double value) {
        Geo g = Geo.of("fill", dst.shape(), dst.layout());
        args(dst.dtype(), "fill", dst).geo(g).mem(dst).scalar(dst.dtype(), value).run(g.n);
    }

    @Override
    public synchronized void unary(UnaryOp op, View x, View out) {
        Geo g = Geo.of("unary " + op, out.shape(), x.layout(), out.layout());
        args(x.dtype(), "unary", x, out).geo(g).mem(x).mem(out).i32(op.ordinal()).run(g.n);
    }

    @Override
    public synchronized void binary(BinaryOp op, View a, View b, View out) {
        Geo g = Geo.of("binary " + op, out.shape(), a.layout(), b.layout(), out.layout());
        args(a.dtype(), op.isComparison() ? "compare" : "binary", a, b, out).geo(g).mem(a).mem(b).mem(out)
                .i32(op.ordinal()).run(g.n);
    }

    @Override
    public synchronized void where(View mask, View a, View b, View out) {
        Geo g = Geo.of("where", out.shape(), mask.layout(), a.layout(), b.layout(), out.layout());
        args(a.dtype(), "where", mask, a, b, out).geo(g).mem(mask).mem(a).mem(b).mem(out).run(g.n);
    }

    /**
     * One work item per output element when the blocks are short, else one work group per output element, or several
     * per element when the rows are few and long; see reduce.cl.
     */
    @Override
    public synchronized void reduce(ReduceOp op, View x, int reducedDims, View out) {
        Layout xl = x.layout();
        int lead = xl.rank() - reducedDims;
        int[] innerShape = Arrays.copyOfRange(xl.shape(), lead, xl.rank());
        Geo outer = Geo.of("reduce " + op, out.shape(), new int[][] {Arrays.copyOf(xl.strides(), lead),
                out.layout().strides()}, new int[] {xl.offset(), out.layout().offset()});
        Geo inner = Geo.of("reduce " + op, innerShape, new int[][] {Arrays.copyOfRange(xl.strides(), lead, xl.rank())},
                new int[] {0});
        int accBytes = out.dtype() == DType.F64 || !work(x.dtype()).equals("float") ? 8 : 4;
        String o = ctype(out.dtype());
        if (foldsByRow(outer.n, inner.n)) {
            args(x.dtype(), "reduce_rows_to_" + o, x, out).geo(outer).geo(inner).mem(x).mem(out).i32(op.ordinal())
                    .run(outer.n);
            return;
        }
        Args k = args(x.dtype(), "reduce_to_" + o, x, out);
        int group = groupLimit(k.kernel);
        int parts = parts(outer.n, inner.n, group);
        long pv = 0, pi = 0;
        try {
            if (parts > 1) {
                pv = scratch((long) outer.n * parts * accBytes);
                pi = scratch(4L * outer.n * parts);
            }
            k.geo(outer).geo(inner).mem(x).mem(out).i32(op.ordinal()).local((long) group * accBytes).local(4L * group)
                    .i32(parts).mem(pv == 0 ? own(out.storage()).mem : pv).mem(pi == 0 ? own(out.storage()).mem : pi)
                    .run(new long[] {(long) outer.n * parts * group}, new long[] {group});
            if (parts > 1)
                args(x.dtype(), "finish_to_" + o, out).geo(outer).mem(pv).mem(pi).mem(out).i32(op.ordinal()).i32(parts)
                        .run(outer.n);
        } finally {
            // Released now, freed by OpenCL once the queued kernels that use them are done.
            if (pv != 0) clReleaseMemObject(pv);
            if (pi != 0) clReleaseMemObject(pi);
        }
    }

    /**
     * Whether one work item per row folds the reduction: when a tree's work items would mostly idle (a block shorter
     * than a work group), or when the rows alone keep {@value #BUSY_GROUPS} groups busy and each block is short
     * enough for one item to walk.
     */
    private boolean foldsByRow(int rows, int length) {
        return length < cl.group || (rows >= BUSY_GROUPS * cl.group && length <= 16 * cl.group);
    }

    /**
     * How many work groups share one row: enough that about {@value #BUSY_GROUPS} groups run when the rows are few
     * and long, but never so many that a group folds fewer than 8 strides.
     */
    private static int parts(int rows, int length, int group) {
        if (rows == 0) return 1;
        return (int) Math.max(1, Math.min(Math.min(256, BUSY_GROUPS / rows), length / (8L * group)));
    }

    private long scratch(long bytes) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            long mem = clCreateBuffer(cl.context, CL_MEM_READ_WRITE, bytes, err);
            Cl.check(err.get(0), "clCreateBuffer(reduction scratch, " + bytes + " bytes)");
            return mem;
        }
    }

    /** The largest power of two a reduction group may have for this kernel on this device. */
    private int groupLimit(long kernel) {
        return groupLimits.computeIfAbsent(kernel, k -> {
            long limit = Math.min(REDUCE_GROUP, cl.maxWorkGroup);
            try (MemoryStack stack = MemoryStack.stackPush()) {
                var size = stack.mallocPointer(1);
                Cl.check(clGetKernelWorkGroupInfo(k, cl.device.device(), CL_KERNEL_WORK_GROUP_SIZE, size, null),
                        "clGetKernelWorkGroupInfo");
                limit = Math.min(limit, size.get(0));
            }
            return Integer.highestOneBit((int) Math.max(1, limit));
        });
    }

    @Override
    public synchronized void matmul(View a, View b, View out) {
        gemm.matmul(a, b, out);
    }

    @Override
    public synchronized void gather(View x, int axis, View index, View out) {
        int[] strides = x.layout().strides().clone();
        strides[axis] = 0;
        Geo g = Geo.of("gather", out.shape(), new int[][] {strides, index.layout().strides(), out.layout().strides()},
                new int[] {x.layout().offset(), index.layout().offset(), out.layout().offset()});
        args(x.dtype(), "gather", x, index, out).geo(g).mem(x).mem(index).mem(out).i32(x.layout().strides()[axis])
                .i32(x.shape()[axis]).mem(indexErrors).i32(caller()).run(g.n);
    }

    /** One work item per line along the axis (race-free, see elementwise.cl), or one for all lines when dst overlaps itself. */
    @Override
    public synchronized void scatterAdd(View dst, int axis, View index, View src) {
        int[] lines = without(src.shape(), axis);
        Geo g = Geo.of("scatterAdd", lines, new int[][] {without(dst.layout().strides(), axis),
                without(index.layout().strides(), axis), without(src.layout().strides(), axis)},
                new int[] {dst.layout().offset(), index.layout().offset(), src.layout().offset()});
        int len = src.shape()[axis];
        if (len == 0) return;
        args(dst.dtype(), "scatter_add", dst, index, src).geo(g).mem(dst).mem(index).mem(src).i32(len)
                .i32(dst.layout().strides()[axis]).i32(index.layout().strides()[axis]).i32(src.layout().strides()[axis])
                .i32(Geo.overlaps(dst.layout()) ? 1 : 0).i32(dst.shape()[axis]).mem(indexErrors).i32(caller()).run(g.n);
    }

    private static int[] without(int[] a, int axis) {
        int[] out = new int[a.length - 1];
        System.arraycopy(a, 0, out, 0, axis);
        System.arraycopy(a, axis + 1, out, axis, a.length - axis - 1);
        return out;
    }

    @Override
    public synchronized void random(Distribution dist, long seed, long offset, View out) {
        Geo g = Geo.of("random", out.shape(), out.layout());
        args(out.dtype(), "random", out).geo(g).mem(out).i64(seed).i64(offset).i32(dist == Distribution.NORMAL ? 1 : 0)
                .run(g.n);
    }

    /** Releases every buffer, program and the context; the backend must not be used afterwards. */
    @Override
    public synchronized void close() {
        cl.finish();
        for (ClStorage.Release r : List.copyOf(live)) r.run();
        clReleaseMemObject(indexErrors);
        gemm.close();
        cl.close();
    }

    // ---- what kernels and Gemm share ----

    Cl cl() {
        return cl;
    }

    /** The kernel {@code name} of dtype {@code t}'s program, after checking that every operand is ours and the device has their dtypes. */
    Args args(DType t, String name, View... operands) {
        for (View v : operands) {
            own(v.storage());
            requireDtype(name, v.dtype());
        }
        return new Args(cl.kernel(programs.computeIfAbsent(t, k -> cl.program(header(k), PROGRAM)), name), name);
    }

    /** Arguments for a kernel of another program (Gemm builds its own), checked and launched the same way. */
    Args args(long kernel, String what) {
        return new Args(kernel, what);
    }

    ClStorage own(Storage s) {
        if (s instanceof ClStorage c && c.backend() == this) return c;
        throw new IllegalArgumentException("opencl backend: got a storage owned by another backend ('" + s.backend().name()
                + "'); move the tensor with to(Device) first");
    }

    private void requireDtype(String op, DType t) {
        if (t == DType.F64 && !cl.fp64)
            throw new UnsupportedOperationException("opencl: " + op + " needs F64, but " + cl.device.name()
                    + " lacks cl_khr_fp64; use F32 or another device");
    }

    /** Sets a kernel's arguments in order, then launches it. */
    final class Args {
        final long kernel;
        private final String what;
        private int i;

        Args(long kernel, String what) {
            this.kernel = kernel;
            this.what = what;
        }

        Args geo(Geo g) {
            return set(clSetKernelArg(kernel, i, g.packed));
        }

        Args mem(View v) {
            return mem(own(v.storage()).mem);
        }

        Args mem(long buffer) {
            return set(clSetKernelArg1p(kernel, i, buffer));
        }

        Args i32(int v) {
            return set(clSetKernelArg1i(kernel, i, v));
        }

        Args i64(long v) {
            return set(clSetKernelArg1l(kernel, i, v));
        }

        Args int4(int x, int y, int z, int w) {
            return set(clSetKernelArg4i(kernel, i, x, y, z, w));
        }

        /** Local memory of {@code bytes}. */
        Args local(long bytes) {
            return set(clSetKernelArg(kernel, i, bytes));
        }

        /** {@code value} converted to {@code t} as {@link #copy} converts. */
        Args scalar(DType t, double value) {
            return set(switch (t) {
                case F32 -> clSetKernelArg1f(kernel, i, (float) value);
                case F64 -> clSetKernelArg1d(kernel, i, value);
                case I32 -> clSetKernelArg1i(kernel, i, (int) value);
                case I8 -> clSetKernelArg1b(kernel, i, (byte) Math.max(-128, Math.min(127, (int) value)));
                case BOOL -> clSetKernelArg1b(kernel, i, (byte) (value != 0 ? 1 : 0));
            });
        }

        private Args set(int err) {
            Cl.check(err, "clSetKernelArg(" + what + ", " + i + ")");
            i++;
            return this;
        }

        void run(long global) {
            cl.run(kernel, global, what);
        }

        void run(long[] global, long[] local) {
            cl.run(kernel, global, local, what);
        }
    }

    // ---- the dtype macros every program is specialised by ----

    static String ctype(DType t) {
        return switch (t) {
            case F32 -> "float";
            case F64 -> "double";
            case I32 -> "int";
            case I8 -> "char";
            case BOOL -> "uchar";
        };
    }

    /** The type a dtype computes in: itself when floating, else the widest floating type the device has. */
    private String work(DType t) {
        return t.isFloating() ? ctype(t) : cl.fp64 ? "double" : "float";
    }

    /** The macros that specialise the program to dtype {@code t}: its C type, working type and conversions. */
    String header(DType t) {
        StringBuilder h = new StringBuilder();
        if (cl.fp64) h.append("#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n");
        h.append("#define HAS_FP64 ").append(cl.fp64 ? 1 : 0).append('\n');
        List<DType> types = Arrays.stream(DType.values()).filter(d -> d != DType.F64 || cl.fp64).toList();
        for (DType s : types)
            for (DType d : types)
                h.append("#define CV_").append(ctype(s)).append('_').append(ctype(d)).append("(x) ")
                        .append(conversion(s, d)).append('\n');
        h.append("#define CV2(S, D, x) CV_##S##_##D(x)\n#define CV(S, D, x) CV2(S, D, x)\n");
        h.append("#define T ").append(ctype(t)).append("\n#define W ").append(work(t)).append('\n');
        h.append("#define TO_T(x) CV(W, T, x)\n");
        h.append("#define INTEGER ").append(t.isFloating() ? 0 : 1).append('\n');
        h.append("#define IS_F64 ").append(t == DType.F64 ? 1 : 0).append('\n');
        return h.toString();
    }

    /** {@code HeapStorage.set}'s conversions: round to floats, truncate and saturate to integers, x != 0 to BOOL. */
    private static String conversion(DType s, DType d) {
        if (s == d) return "(x)";
        return switch (d) {
            case F32, F64 -> "((" + ctype(d) + ") (x))";
            case I32 -> s.isFloating() ? "convert_int_sat_rtz(x)" : "((int) (x))";
            case I8 -> s.isFloating() ? "convert_char_sat_rtz(x)" : s == DType.I32 ? "convert_char_sat(x)" : "((char) (x))";
            case BOOL -> "((uchar) ((x) != 0))";
        };
    }
}
