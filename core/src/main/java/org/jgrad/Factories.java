package org.jgrad;

import java.util.Arrays;
import org.jgrad.spi.Distribution;
import org.jgrad.spi.Layout;
import org.jgrad.spi.View;

/** Creating tensors and moving their contents between Java arrays and devices. */
final class Factories {
    private Factories() {
    }

    /** An uninitialized-by-contract (zero in practice) contiguous tensor. */
    static Tensor empty(Device device, DType dtype, int[] shape) {
        checkShape("empty", shape);
        return new Tensor(device, device.backend().allocate(dtype, Layout.numel(shape)), Layout.contiguous(shape));
    }

    static Tensor of(DType dtype, Object data, int length, int[] shape) {
        checkShape("of", shape);
        int n = Layout.numel(shape);
        if (n != length)
            throw Errors.arg("of", length + " values cannot fill shape " + Errors.shape(shape) + " (" + n + " elements)");
        Device d = Device.defaultDevice();
        return new Tensor(d, d.backend().upload(dtype, data), Layout.contiguous(shape));
    }

    static Tensor full(Device device, DType dtype, double value, int... shape) {
        Tensor t = empty(device, dtype, shape);
        if (value != 0) device.backend().fill(t.view(), value);
        return t;
    }

    static Tensor arange(DType dtype, double start, double end, double step) {
        if (step == 0 || !Double.isFinite(start) || !Double.isFinite(end) || !Double.isFinite(step))
            throw Errors.arg("arange", "needs finite start, end and a non-zero step, got " + start + ", " + end + ", " + step);
        long n = Math.max(0, (long) Math.ceil((end - start) / step));
        if (n > Integer.MAX_VALUE) throw Errors.arg("arange", n + " elements is more than a tensor can hold");
        double[] v = new double[(int) n];
        for (int i = 0; i < n; i++) v[i] = start + i * step;
        return of(DType.F64, v, v.length, new int[] {v.length}).to(dtype);
    }

    static Tensor eye(DType dtype, int n) {
        if (n < 0) throw Errors.arg("eye", "negative size " + n);
        Tensor t = full(Device.defaultDevice(), dtype, 0, n, n);
        if (n > 0) t.device.backend().fill(new View(t.storage, new Layout(new int[] {n}, new int[] {n + 1}, 0)), 1);
        return t;
    }

    static Tensor random(Distribution dist, Rng rng, DType dtype, int[] shape) {
        return random(Device.defaultDevice(), dist, rng, dtype, shape);
    }

    static Tensor random(Device device, Distribution dist, Rng rng, DType dtype, int[] shape) {
        if (!dtype.isFloating())
            throw Errors.arg(dist == Distribution.UNIFORM ? "rand" : "randn", "needs F32 or F64, got " + dtype);
        Tensor t = empty(device, dtype, shape);
        t.device.backend().random(dist, rng.seed(), rng.take(t.numel()), t.view());
        return t;
    }

    /** The elements of t, converted to {@code dtype}, in row-major order as a Java array. */
    static Object download(Tensor t, DType dtype) {
        Tensor c;
        try (var off = Grad.disabled()) {
            c = t.to(dtype).contiguous();
        }
        if (c.layout.offset() == 0 && c.numel() == c.storage.size())
            return c.device.backend().download(c.storage);
        Tensor dense = empty(c.device, dtype, c.layout.shape());
        c.device.backend().copy(c.view(), dense.view());
        return c.device.backend().download(dense.storage);
    }

    static Tensor transfer(Tensor x, Device target) {
        if (x.device == target) return x;
        Tensor out = new Tensor(target, target.backend().upload(x.dtype(), download(x, x.dtype())),
                Layout.contiguous(x.layout.shape()));
        return Autograd.record("to", out, new Tensor[] {x}, new Tensor[0], g -> new Tensor[] {g.to(x.device)});
    }

    static void checkShape(String op, int[] shape) {
        for (int d : shape)
            if (d < 0) throw Errors.arg(op, "negative dimension in shape " + Arrays.toString(shape));
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > Integer.MAX_VALUE) throw Errors.arg(op, "shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
        }
    }
}
