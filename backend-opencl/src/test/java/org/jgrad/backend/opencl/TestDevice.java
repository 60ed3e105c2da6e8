package org.jgrad.backend.opencl;

import static org.lwjgl.opencl.CL10.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.jgrad.DType;
import org.jgrad.spi.Backend;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.Layout;
import org.junit.jupiter.api.Assumptions;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

/**
 * The first OpenCL device of the first platform that has one, with a context, an in-order queue and a program
 * cache: what GemmTest and GemmBench need to drive {@link Gemm} on raw buffers. With no OpenCL at all the tests are
 * skipped with the reason, except under {@code CI=true}, where that is a failure.
 */
final class TestDevice implements AutoCloseable {
    final long context, device, queue;
    private final Map<String, Long> programs = new HashMap<>(), kernels = new HashMap<>();

    private TestDevice(long context, long device, long queue) {
        this.context = context;
        this.device = device;
        this.queue = queue;
    }

    static TestDevice open() {
        long[] found;
        try {
            found = firstDevice();
        } catch (LinkageError e) {
            found = null;
        }
        if (found == null) {
            String why = "no OpenCL device (ICD loader, platform or device missing)";
            if ("true".equals(System.getenv("CI"))) throw new IllegalStateException(why + " under CI=true");
            Assumptions.abort(why + ": OpenCL GEMM tests skipped");
        }
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            PointerBuffer props = stack.pointers(CL_CONTEXT_PLATFORM, found[0], 0);
            long context = clCreateContext(props, found[1], null, 0, err);
            check(err.get(0), "clCreateContext");
            long queue = clCreateCommandQueue(context, found[1], 0, err);
            check(err.get(0), "clCreateCommandQueue");
            return new TestDevice(context, found[1], queue);
        }
    }

    /** {platform, device}, or null when no platform has a device. */
    private static long[] firstDevice() {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer n = stack.mallocInt(1);
            if (clGetPlatformIDs(null, n) != CL_SUCCESS || n.get(0) == 0) return null;
            PointerBuffer platforms = stack.mallocPointer(n.get(0));
            check(clGetPlatformIDs(platforms, (IntBuffer) null), "clGetPlatformIDs");
            for (int p = 0; p < platforms.capacity(); p++) {
                PointerBuffer d = stack.mallocPointer(1);
                if (clGetDeviceIDs(platforms.get(p), CL_DEVICE_TYPE_ALL, d, (IntBuffer) null) == CL_SUCCESS)
                    return new long[] {platforms.get(p), d.get(0)};
            }
            return null;
        }
    }

    /** The kernel of the program built from header + files, both cached; a failed build throws its log. */
    long kernel(String header, String name, String... files) {
        StringBuilder source = new StringBuilder(header);
        for (String f : files) source.append('\n').append(source(f));
        long program = programs.computeIfAbsent(source.toString(), this::build);
        return kernels.computeIfAbsent(program + " " + name, key -> {
            int[] err = new int[1];
            long kernel = clCreateKernel(program, name, err);
            check(err[0], "clCreateKernel " + name);
            return kernel;
        });
    }

    private long build(String source) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            long program = clCreateProgramWithSource(context, source, err);
            check(err.get(0), "clCreateProgramWithSource");
            if (clBuildProgram(program, device, "-cl-std=CL1.2", null, 0) != CL_SUCCESS) {
                PointerBuffer size = stack.mallocPointer(1);
                clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, (ByteBuffer) null, size);
                ByteBuffer log = MemoryUtil.memAlloc((int) size.get(0));
                try {
                    clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, log, null);
                    throw new IllegalStateException("building a GEMM program failed:\n" + MemoryUtil.memUTF8(log));
                } finally {
                    MemoryUtil.memFree(log);
                }
            }
            return program;
        }
    }

    private static String source(String resource) {
        try (InputStream in = Gemm.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the product on device copies of the arrays (as dtype) and returns out read back. */
    double[] matmul(Gemm gemm, DType dtype, double[] a, Layout la, double[] b, Layout lb, double[] out, Layout lo) {
        long ba = upload(dtype, a), bb = upload(dtype, b), bo = upload(dtype, out);
        try {
            gemm.matmul(dtype, ba, la, bb, lb, bo, lo);
            return download(dtype, bo, out.length);
        } finally {
            for (long buffer : new long[] {ba, bb, bo}) clReleaseMemObject(buffer);
        }
    }

    long upload(DType dtype, double[] x) {
        int[] err = new int[1];
        long buffer = dtype == DType.F64
                ? clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, x, err)
                : clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, floats(x), err);
        check(err[0], "clCreateBuffer");
        return buffer;
    }

    double[] download(DType dtype, long buffer, int n) {
        double[] x = new double[n];
        if (dtype == DType.F64) {
            check(clEnqueueReadBuffer(queue, buffer, true, 0, x, null, null), "clEnqueueReadBuffer");
        } else {
            float[] f = new float[n];
            check(clEnqueueReadBuffer(queue, buffer, true, 0, f, null, null), "clEnqueueReadBuffer");
            for (int i = 0; i < n; i++) x[i] = f[i];
        }
        return x;
    }

    static HeapStorage heap(Backend backend, DType dtype, double[] x) {
        return new HeapStorage(backend, dtype, dtype == DType.F64 ? x.clone() : floats(x));
    }

    private static float[] floats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }

    private static void check(int err, String what) {
        if (err != CL_SUCCESS) throw new IllegalStateException(what + " failed with OpenCL error " + err);
    }

    @Override
    public void close() {
        kernels.values().forEach(k -> clReleaseKernel(k));
        programs.values().forEach(p -> clReleaseProgram(p));
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }
}
