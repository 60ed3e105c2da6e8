package org.jgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.Rng;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/** A seed draws the same tensors, bit for bit, on the opencl device as on the cpu and reference backends. */
final class OpenClRandomTest {

    private static <T> T on(Device d, Supplier<T> make) {
        Device before = Device.defaultDevice();
        Device.setDefault(d);
        try {
            return make.get();
        } finally {
            Device.setDefault(before);
        }
    }

    /** Draws a uniform then a normal tensor from one generator, so the second starts at a non-zero counter offset. */
    private static Tensor[] draws(Device d, DType dtype) {
        return on(d, () -> {
            Rng rng = new Rng(0x5EEDL * 977 + dtype.ordinal());
            Tensor u = Tensor.rand(rng, dtype, 37, 29);
            Tensor n = Tensor.randn(rng, dtype, 1000);
            return new Tensor[] {u, n};
        });
    }

    @Test
    void f32UniformAndNormalAreBitIdenticalToCpuAndReference() {
        Tensor[] cl = draws(OpenClTests.device(), DType.F32);
        for (Device other : new Device[] {Device.cpu(), Device.reference()}) {
            Tensor[] host = draws(other, DType.F32);
            for (int k = 0; k < 2; k++)
                assertArrayEquals(bits(host[k].toFloatArray()), bits(cl[k].toFloatArray()), "draw " + k + " vs " + other);
        }
    }

    /**
     * The F64 uniform is exact arithmetic, so it must match bit for bit; the F64 normal goes through the device's
     * double log and cos, which OpenCL allows a few ulps from the JVM's, so it must match within 4 ulps.
     */
    @Test
    void f64UniformIsBitIdenticalAndNormalWithinFourUlps() {
        Tensor[] cl = draws(OpenClTests.device(), DType.F64);
        for (Device other : new Device[] {Device.cpu(), Device.reference()}) {
            Tensor[] host = draws(other, DType.F64);
            assertArrayEquals(host[0].toDoubleArray(), cl[0].toDoubleArray(), 0.0, "uniform vs " + other);
            double[] h = host[1].toDoubleArray(), c = cl[1].toDoubleArray();
            for (int i = 0; i < h.length; i++)
                assertTrue(Math.abs(h[i] - c[i]) <= 4 * Math.ulp(h[i]), "normal " + i + ": " + c[i] + " vs " + h[i] + " on " + other);
        }
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }
}
