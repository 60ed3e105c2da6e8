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
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

/**
 * One device's context and in-order queue, the program cache (keyed by the full source and the build options) and
 * the kernel launches. Not thread-safe: {@link OpenClBackend} serialises every call into it, because a kernel
 * object's arguments are shared state.
 */
final class Cl implements AutoCloseable {
    final Discovery.Found device;
    final long context;
    final long queue;
    /** Whether the device has {@code cl_khr_fp64}; F64 tensors need it. */
    final boolean fp64;
    final long maxWorkGroup;
    /** Work-group size of the one-item-per-element kernels: 64, or less where the device allows less. */
    final int group;
    private final Map<String, Long> programs = new HashMap<>();
    private final Map<Long, Map<String, Long>> kernels = new HashMap<>();
    private final Map<String, String> resources = new HashMap<>();

    Cl(Discovery.Found device) {
        this.device = device;
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            PointerBuffer props = stack.mallocPointer(3).put(CL_CONTEXT_PLATFORM).put(device.platform()).put(0).flip();
            context = clCreateContext(props, device.device(), null, 0, err);
            check(err.get(0), "clCreateContext");
            queue = clCreateCommandQueue(context, device.device(), 0, err);
            check(err.get(0), "clCreateCommandQueue");
        }
        fp64 = Discovery.deviceString(device.device(), CL_DEVICE_EXTENSIONS).contains("cl_khr_fp64");
        maxWorkGroup = Discovery.deviceLong(device.device(), CL_DEVICE_MAX_WORK_GROUP_SIZE);
        group = (int) Math.min(64, maxWorkGroup);
    }

    /** The program built from {@code header} (macros that specialise it) followed by the resources {@code files}. */
    long program(String header, String... files) {
        StringBuilder src = new StringBuilder(header);
        for (String f : files) src.append('\n').append(resource(f));
        return program(src.toString(), "-cl-std=CL1.2");
    }

    /** The kernel {@code name} of {@code program}, created once. */
    long kernel(long program, String name) {
        return kernels.computeIfAbsent(program, p -> new HashMap<>()).computeIfAbsent(name, n -> {
            try (MemoryStack stack = MemoryStack.stackPush()) {
                IntBuffer err = stack.mallocInt(1);
                long k = clCreateKernel(program, n, err);
                check(err.get(0), "clCreateKernel(" + n + ")");
                return k;
            }
        });
    }

    /** Builds (or finds) a program; a failed build throws with the compiler's log and the source's first lines. */
    long program(String source, String options) {
        String key = options + '\0' + source;
        Long cached = programs.get(key);
        if (cached != null) return cached;
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer err = stack.mallocInt(1);
            long p = clCreateProgramWithSource(context, source, err);
            check(err.get(0), "clCreateProgramWithSource");
            int built = clBuildProgram(p, device.device(), options, null, 0);
            if (built != CL_SUCCESS) {
                String log = buildLog(p);
                clReleaseProgram(p);
                throw new IllegalStateException("opencl: building a program for " + device.name() + " failed with "
                        + errorName(built) + "; build log:\n" + log);
            }
            programs.put(key, p);
            return p;
        }
    }

    private String buildLog(long program) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            clGetProgramBuildInfo(program, device.device(), CL_PROGRAM_BUILD_LOG, (ByteBuffer) null, size);
            ByteBuffer b = MemoryUtil.memAlloc((int) Math.max(1, size.get(0)));
            try {
                clGetProgramBuildInfo(program, device.device(), CL_PROGRAM_BUILD_LOG, b, null);
                return MemoryUtil.memUTF8(b, Math.max(0, (int) size.get(0) - 1));
            } finally {
                MemoryUtil.memFree(b);
            }
        }
    }

    private String resource(String file) {
        return resources.computeIfAbsent(file, f -> {
            try (InputStream in = Cl.class.getResourceAsStream(f)) {
                if (in == null) throw new IllegalStateException("opencl: kernel source " + f + " is missing from the jar");
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Enqueues {@code kernel} over {@code global} work items (per dimension), with {@code local} or the driver's choice (null). */
    void run(long kernel, long[] global, long[] local, String what) {
        for (long g : global) if (g == 0) return;
        try (MemoryStack stack = MemoryStack.stackPush()) {
            PointerBuffer g = stack.mallocPointer(global.length);
            for (long x : global) g.put(x);
            g.flip();
            PointerBuffer l = null;
            if (local != null) {
                l = stack.mallocPointer(local.length);
                for (long x : local) l.put(x);
                l.flip();
            }
            check(clEnqueueNDRangeKernel(queue, kernel, global.length, null, g, l, null, null), what);
        }
    }

    /** Runs an ELEMENT kernel (see common.cl) over {@code n} items, rounded up to whole groups of {@link #group}. */
    void run(long kernel, long n, String what) {
        run(kernel, new long[] {roundUp(n, group)}, new long[] {group}, what);
    }

    static long roundUp(long n, long multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    void finish() {
        check(clFinish(queue), "clFinish");
    }

    @Override
    public void close() {
        clFinish(queue);
        for (Map<String, Long> ks : kernels.values()) for (long k : ks.values()) clReleaseKernel(k);
        for (long p : programs.values()) clReleaseProgram(p);
        kernels.clear();
        programs.clear();
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }

    /** Throws, naming the call and the error, unless {@code err} is CL_SUCCESS. */
    static void check(int err, String call) {
        if (err != CL_SUCCESS) throw new IllegalStateException("opencl: " + call + " failed with " + errorName(err));
    }

    static String errorName(int err) {
        String name = switch (err) {
            case CL_DEVICE_NOT_FOUND -> "CL_DEVICE_NOT_FOUND";
            case CL_MEM_OBJECT_ALLOCATION_FAILURE -> "CL_MEM_OBJECT_ALLOCATION_FAILURE";
            case CL_OUT_OF_RESOURCES -> "CL_OUT_OF_RESOURCES";
            case CL_OUT_OF_HOST_MEMORY -> "CL_OUT_OF_HOST_MEMORY";
            case CL_BUILD_PROGRAM_FAILURE -> "CL_BUILD_PROGRAM_FAILURE";
            case CL_INVALID_VALUE -> "CL_INVALID_VALUE";
            case CL_INVALID_BUFFER_SIZE -> "CL_INVALID_BUFFER_SIZE";
            case CL_INVALID_BUILD_OPTIONS -> "CL_INVALID_BUILD_OPTIONS";
            case CL_INVALID_KERNEL_NAME -> "CL_INVALID_KERNEL_NAME";
            case CL_INVALID_KERNEL_ARGS -> "CL_INVALID_KERNEL_ARGS";
            case CL_INVALID_ARG_SIZE -> "CL_INVALID_ARG_SIZE";
            case CL_INVALID_WORK_GROUP_SIZE -> "CL_INVALID_WORK_GROUP_SIZE";
            case CL_INVALID_WORK_ITEM_SIZE -> "CL_INVALID_WORK_ITEM_SIZE";
            case CL_INVALID_GLOBAL_WORK_SIZE -> "CL_INVALID_GLOBAL_WORK_SIZE";
            case CL_INVALID_MEM_OBJECT -> "CL_INVALID_MEM_OBJECT";
            case -1001 -> "CL_PLATFORM_NOT_FOUND_KHR";
            default -> "error";
        };
        return name + " (" + err + ")";
    }
}
