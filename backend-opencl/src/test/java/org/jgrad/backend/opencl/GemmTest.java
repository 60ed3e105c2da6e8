package org.jgrad.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.jgrad.DType;
import org.jgrad.Device;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.Layout;
import org.jgrad.spi.View;
import org.jgrad.testkit.Gen;
import org.jgrad.testkit.Props;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.lwjgl.opencl.CL10;

/**
 * Both GEMM variants and every candidate GPU kernel (every tile size of each: a tile is taken from 2 work-groups
 * on), forced onto whatever device is present (PoCL in CI), against the reference backend on random
 * shapes (1, primes, tile multiples ± 1), row-major, transposed, gapped and batch-broadcast operands, and strided or
 * transposed outputs. The storages are NaN-poisoned outside the views: reading a wrong element or writing outside
 * out shows up as a NaN. Tolerance: the forward error bound of a K-term dot product, 2(K+1)·u·(|a|·|b|)ᵢⱼ with u the
 * unit roundoff of the dtype, so F64 is checked as tightly as F32 is.
 */
class GemmTest {
    /** Multiples of 4 that are no tile multiple take the GPU kernels' 4-vector fetches up to a clipped edge. */
    private static final Gen<Integer> SIZE = Gen.oneOf(1, 2, 3, 4, 5, 7, 8, 12, 13, 16, 17, 31, 32, 33, 36, 47, 64, 65,
            97, 130, 132);
    /** K may also be 0 (core fills instead of calling matmul then, but the SPI allows it): out is all zeros. */
    private static final Gen<Integer> DEPTH = Gen.oneOf(1, 2, 3, 4, 5, 7, 8, 12, 13, 16, 17, 31, 32, 33, 36, 47, 64, 65,
            97, 130, 132, 0);
    /** Operand layouts: row-major, transposed, gapped with an offset, batch-broadcast, batch-broadcast transposed. */
    private static final int OPERAND_KINDS = 5;
    /** Output layouts: row-major, gapped with an offset, transposed. */
    private static final int OUT_KINDS = 3;

    private static OpenClBackend backend;

    record Case(int batch, int m, int n, int k, int aKind, int bKind, int outKind, long seed) {
    }

    @BeforeAll
    static void open() {
        backend = OpenClTests.backend();
    }

    @Test
    void cpuVariantMatchesReferenceF32() {
        matchesReference(Gemm.Variant.CPU, Gemm.GPU_KERNELS.getFirst(), DType.F32);
    }

    @Test
    void cpuVariantMatchesReferenceF64() {
        matchesReference(Gemm.Variant.CPU, Gemm.GPU_KERNELS.getFirst(), DType.F64);
    }

    /**
     * Every candidate GPU kernel of {@code -Djgrad.opencl.gemm.gpu} in F32, and in F64 those whose code differs (the
     * default {@code vec}, {@code classic}, the double-buffered {@code vec-db-k8}; the others change only tile sizes):
     * PoCL compiles each tile and fetch mode of each anew, seconds per kernel and dtype.
     */
    @TestFactory
    Stream<DynamicTest> gpuKernelsMatchReference() {
        Set<String> f64 = Set.of("vec", "classic", "vec-db-k8");
        return Gemm.GPU_KERNELS.stream().flatMap(g -> Stream.of(DType.F32, DType.F64)
                .filter(d -> d == DType.F32 || f64.contains(g.name()))
                .map(d -> DynamicTest.dynamicTest(g.name() + " " + d, () -> matchesReference(Gemm.Variant.GPU, g, d))));
    }

    @Test
    void gpuKernelPropertyIsParsedOrRejected() {
        assertEquals(Gemm.GPU_KERNELS.getFirst(), Gemm.gpuKernel(""));
        assertEquals("vec-db-k8", Gemm.gpuKernel(" Vec-DB-K8 ").name());
        var e = assertThrows(IllegalArgumentException.class, () -> Gemm.gpuKernel("fastest"));
        assertEquals("-Djgrad.opencl.gemm.gpu=fastest: expected one of " + Gemm.GPU_KERNELS.stream()
                .map(Gemm.GpuKernel::name).toList(), e.getMessage());
    }

    @Test
    void variantPropertyIsParsedOrRejected() {
        assertEquals(Gemm.Variant.CPU, Gemm.chosen("auto", CL10.CL_DEVICE_TYPE_CPU));
        assertEquals(Gemm.Variant.GPU, Gemm.chosen("", CL10.CL_DEVICE_TYPE_GPU));
        assertEquals(Gemm.Variant.GPU, Gemm.chosen(" GPU ", CL10.CL_DEVICE_TYPE_CPU));
        assertEquals(Gemm.Variant.CPU, Gemm.chosen("cpu", CL10.CL_DEVICE_TYPE_ACCELERATOR));
        var e = assertThrows(IllegalArgumentException.class, () -> Gemm.chosen("fast", CL10.CL_DEVICE_TYPE_CPU));
        assertEquals("-Djgrad.opencl.gemm=fast: expected cpu, gpu or auto", e.getMessage());
    }

    private static void matchesReference(Gemm.Variant variant, Gemm.GpuKernel gpuKernel, DType dtype) {
        Assumptions.assumeTrue(dtype != DType.F64 || backend.cl().fp64, "the device lacks cl_khr_fp64");
        try (Gemm gemm = new Gemm(backend, variant, gpuKernel, 2)) {
            String name = variant == Gemm.Variant.GPU ? "GPU (" + gpuKernel.name() + ")" : variant.toString();
            Props.forAll("OpenCL " + name + " GEMM " + dtype + " equals the reference", cases(),
                    c -> check(gemm, dtype, c));
        }
    }

    private static Gen<Case> cases() {
        Gen<int[]> mnk = Gen.zip(Gen.zip(SIZE, SIZE, (m, n) -> new int[] {m, n}), DEPTH,
                (mn, k) -> new int[] {mn[0], mn[1], k});
        Gen<int[]> kinds = Gen.zip(Gen.zip(Gen.ints(0, OPERAND_KINDS - 1), Gen.ints(0, OPERAND_KINDS - 1),
                (a, b) -> new int[] {a, b}), Gen.ints(0, OUT_KINDS - 1), (ab, o) -> new int[] {ab[0], ab[1], o});
        Gen<int[]> shape = Gen.zip(Gen.ints(1, 3), mnk, (t, d) -> new int[] {t, d[0], d[1], d[2]});
        return Gen.zip(Gen.zip(shape, kinds, (s, k) -> new Case(s[0], s[1], s[2], s[3], k[0], k[1], k[2], 0)),
                Gen.longs(), (c, seed) -> new Case(c.batch, c.m, c.n, c.k, c.aKind, c.bKind, c.outKind, seed));
    }

    private static void check(Gemm gemm, DType dtype, Case c) {
        SplittableRandom random = new SplittableRandom(c.seed);
        Layout la = operand(c.aKind, c.batch, c.m, c.k), lb = operand(c.bKind, c.batch, c.k, c.n);
        Layout lo = output(c.outKind, c.batch, c.m, c.n);
        double[] a = poisoned(la), b = poisoned(lb);
        fill(a, la, random);
        fill(b, lb, random);
        double[] got = onDevice(gemm, dtype, a, la, b, lb, lo);
        double[] want = reference(dtype, a, la, b, lb, lo);
        double[] bound = reference(dtype, abs(a), la, abs(b), lb, lo);
        double u = dtype == DType.F64 ? 0x1p-53 : 0x1p-24, factor = 2.0 * (c.k + 1) * u;
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < got.length; i++) {
            if (Double.isNaN(want[i]) != Double.isNaN(got[i])) {
                worst = i;
                break;
            }
            double excess = Math.abs(got[i] - want[i]) - factor * bound[i];
            if (excess > worstExcess) {
                worstExcess = excess;
                worst = i;
            }
        }
        if (worst >= 0)
            fail(dtype + " " + c + ": a " + la + ", b " + lb + ", out " + lo + ": at storage position " + worst
                    + " got " + got[worst] + ", want " + want[worst] + " (bound " + factor * bound[worst]
                    + "; NaN means a read outside an operand or a write outside out)");
    }

    /** The logical [t, r, c] operand in one of {@link #OPERAND_KINDS} layouts. */
    private static Layout operand(int kind, int t, int r, int c) {
        return switch (kind) {
            case 0 -> new Layout(new int[] {t, r, c}, new int[] {r * c, c, 1}, 0);
            case 1 -> new Layout(new int[] {t, r, c}, new int[] {r * c, 1, r}, 0);
            case 2 -> new Layout(new int[] {t, r, c}, new int[] {r * (2 * c + 1) + 5, 2 * c + 1, 2}, 3);
            case 3 -> new Layout(new int[] {t, r, c}, new int[] {0, c, 1}, 0);
            case 4 -> new Layout(new int[] {t, r, c}, new int[] {0, 1, r}, 0);
            default -> throw new IllegalArgumentException("operand kind " + kind);
        };
    }

    private static Layout output(int kind, int t, int r, int c) {
        return switch (kind) {
            case 0 -> Layout.contiguous(t, r, c);
            case 1 -> new Layout(new int[] {t, r, c}, new int[] {r * (c + 3) + 1, c + 3, 1}, 7);
            case 2 -> new Layout(new int[] {t, r, c}, new int[] {r * c, 1, r}, 0);
            default -> throw new IllegalArgumentException("output kind " + kind);
        };
    }

    private static double[] poisoned(Layout l) {
        double[] x = new double[(int) l.extent()];
        Arrays.fill(x, Double.NaN);
        return x;
    }

    private static void fill(double[] x, Layout l, SplittableRandom random) {
        for (int i = 0; i < l.numel(); i++) x[l.offsetOf(i)] = random.nextDouble(-1, 1);
    }

    private static double[] abs(double[] x) {
        double[] y = x.clone();
        for (int i = 0; i < y.length; i++) y[i] = Math.abs(y[i]);
        return y;
    }

    /** The product by {@code gemm}, out starting NaN everywhere, read back as doubles. */
    private static double[] onDevice(Gemm gemm, DType dtype, double[] a, Layout la, double[] b, Layout lb, Layout lo) {
        try (ClStorage sa = upload(dtype, a); ClStorage sb = upload(dtype, b); ClStorage so = upload(dtype, poisoned(lo))) {
            synchronized (backend) {            // the backend's own calls share the kernel objects
                gemm.matmul(new View(sa, la), new View(sb, lb), new View(so, lo));
            }
            return doubles(backend.download(so));
        }
    }

    private static ClStorage upload(DType dtype, double[] x) {
        return (ClStorage) backend.upload(dtype, array(dtype, x));
    }

    /** The reference backend's product, out starting NaN everywhere, read back as doubles. */
    private static double[] reference(DType dtype, double[] a, Layout la, double[] b, Layout lb, Layout lo) {
        var ref = Device.reference().backend();
        HeapStorage sa = new HeapStorage(ref, dtype, array(dtype, a)), sb = new HeapStorage(ref, dtype, array(dtype, b)),
                so = new HeapStorage(ref, dtype, array(dtype, poisoned(lo)));
        ref.matmul(new View(sa, la), new View(sb, lb), new View(so, lo));
        return doubles(so.array());
    }

    /** x as the dtype's array: double[] for F64, float[] for F32. */
    private static Object array(DType dtype, double[] x) {
        if (dtype == DType.F64) return x.clone();
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }

    private static double[] doubles(Object array) {
        if (array instanceof double[] d) return d;
        float[] f = (float[]) array;
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
