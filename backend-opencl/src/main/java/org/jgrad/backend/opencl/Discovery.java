package org.jgrad.backend.opencl;

import static org.lwjgl.opencl.CL10.*;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;

/**
 * Finds the OpenCL device this process uses, once: the first GPU or accelerator of any platform, else the first
 * device, or the one {@code -Djgrad.opencl.device} names, by {@code platform:device} index ({@code 0:1}) or by a
 * case-insensitive part of the device name. When there is none it says which of the three things is missing: the ICD
 * loader (libOpenCL), a platform (an installed driver), or a device.
 */
final class Discovery {
    static final String PROPERTY = "jgrad.opencl.device";

    /** One device as found: its handles, its name and where it sits. */
    record Found(long platform, long device, String name, long type, int platformIndex, int deviceIndex) {
        boolean isGpu() {
            return (type & (CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR)) != 0;
        }

        @Override
        public String toString() {
            return platformIndex + ":" + deviceIndex + " " + name;
        }
    }

    /** The chosen device, or null with {@code reason} saying why there is none. */
    record Result(Found device, String reason) {
    }

    private static volatile Result result;

    private Discovery() {
    }

    /** The answer for this process, probed on first use (the ICD loader can be loaded at most once anyway). */
    static Result result() {
        Result r = result;
        if (r == null) {
            synchronized (Discovery.class) {
                if (result == null) result = probe(System.getProperty(PROPERTY));
                r = result;
            }
        }
        return r;
    }

    private static Result probe(String wanted) {
        List<Found> all;
        try {
            all = devices();
        } catch (LinkageError e) {
            return new Result(null, "no OpenCL ICD loader: LWJGL could not load libOpenCL (" + e.getMessage()
                    + "); install an ICD loader (Debian: ocl-icd-opencl-dev) or name the library with"
                    + " -Dorg.lwjgl.opencl.libname=libOpenCL.so.1");
        } catch (NoPlatform e) {
            return new Result(null, e.getMessage());
        }
        if (all.isEmpty())
            return new Result(null, "no OpenCL device: the installed platforms report no devices");
        if (wanted == null || wanted.isBlank()) {
            Found pick = all.stream().filter(Found::isGpu).findFirst().orElse(all.getFirst());
            return new Result(pick, null);
        }
        String w = wanted.strip();
        for (Found f : all)
            if (w.equals(f.platformIndex() + ":" + f.deviceIndex())
                    || f.name().toLowerCase(Locale.ROOT).contains(w.toLowerCase(Locale.ROOT)))
                return new Result(f, null);
        return new Result(null, "no OpenCL device matches -D" + PROPERTY + "=" + w + " (give platform:device"
                + " indices or part of a name); devices found: " + all);
    }

    private static final class NoPlatform extends Exception {
        NoPlatform(String message) {
            super(message);
        }
    }

    private static List<Found> devices() throws NoPlatform {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            IntBuffer count = stack.mallocInt(1);
            int err = clGetPlatformIDs(null, count);
            // -1001 is CL_PLATFORM_NOT_FOUND_KHR: the ICD loader found no vendor driver.
            if (err == -1001 || err == CL_SUCCESS && count.get(0) == 0)
                throw new NoPlatform("no OpenCL platform: the ICD loader found no driver (check /etc/OpenCL/vendors"
                        + " or OCL_ICD_VENDORS; Debian: pocl-opencl-icd for the CPU, or the GPU vendor's ICD)");
            Cl.check(err, "clGetPlatformIDs");
            PointerBuffer platforms = stack.mallocPointer(count.get(0));
            Cl.check(clGetPlatformIDs(platforms, (IntBuffer) null), "clGetPlatformIDs");
            List<Found> out = new ArrayList<>();
            for (int p = 0; p < platforms.capacity(); p++) {
                long platform = platforms.get(p);
                IntBuffer n = stack.mallocInt(1);
                err = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, null, n);
                if (err == CL_DEVICE_NOT_FOUND) continue;
                Cl.check(err, "clGetDeviceIDs");
                PointerBuffer ids = stack.mallocPointer(n.get(0));
                Cl.check(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ids, (IntBuffer) null), "clGetDeviceIDs");
                for (int d = 0; d < ids.capacity(); d++) {
                    long id = ids.get(d);
                    out.add(new Found(platform, id, deviceString(id, CL_DEVICE_NAME), deviceLong(id, CL_DEVICE_TYPE), p, d));
                }
            }
            return out;
        }
    }

    static String deviceString(long device, int param) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            PointerBuffer size = stack.mallocPointer(1);
            Cl.check(clGetDeviceInfo(device, param, (ByteBuffer) null, size), "clGetDeviceInfo");
            ByteBuffer b = stack.malloc((int) size.get(0));
            Cl.check(clGetDeviceInfo(device, param, b, null), "clGetDeviceInfo");
            return org.lwjgl.system.MemoryUtil.memASCII(b, b.capacity() - 1).strip();
        }
    }

    static long deviceLong(long device, int param) {
        try (MemoryStack stack = MemoryStack.stackPush()) {
            LongBuffer b = stack.mallocLong(1);
            Cl.check(clGetDeviceInfo(device, param, b, null), "clGetDeviceInfo");
            return b.get(0);
        }
    }
}
