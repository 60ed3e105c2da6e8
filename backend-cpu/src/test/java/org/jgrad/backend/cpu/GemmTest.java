package org.jgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jgrad.DType;
import org.jgrad.spi.HeapStorage;
import org.jgrad.spi.Layout;
import org.jgrad.spi.View;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gemm.matmul equals a double-precision triple loop over the same strided operands within 2·(K+1)·eps·Σ|a·b| of
 * its dtype (F64's eps = 2⁻⁵², so F64 is held to ~1e-13 here), integers exactly; for shapes at the block edges (MR, NR, MC, KC, NC ± 1),
 * transposed, padded-offset and stride-0-batch operands, strided outputs, at 1 and 2 threads.
 */
final class GemmTest {
    private static final long SEED = Long.getLong("jgrad.seed", 20261127L);
    private int saved;
    private long savedMadds;

    @BeforeEach
    void save() {
        saved = Parallel.threads();
        savedMadds = Gemm.parallelMadds;
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(saved);
        Gemm.parallelMadds = savedMadds;
    }

    /** At 2 threads every shape takes the multithreaded split, not only those above the production threshold. */
    private static void useThreads(int threads) {
        Parallel.setThreads(threads);
        Gemm.parallelMadds = threads == 1 ? Long.MAX_VALUE : 0;
    }

    /** How an operand of logical shape [batch, rows, cols] lies in its storage. */
    enum Kind { ROW, TRANSPOSED, PADDED, BATCH_BROADCAST }

    private record Shape(int batch, int m, int n, int k) {}

    /** The edge sizes of both dtypes' blocking (F32: MR 8, NR 32, MC 192, KC 256; F64: NR 16, MC 96). */
    private static List<Shape> shapes() {
        int mr = GemmF32.MR, nr = GemmF32.NR, nr64 = GemmF64.NR, kc = GemmF32.KC;
        List<Shape> s = new ArrayList<>();
        for (int[] t : new int[][] {{1, 1, 1}, {1, 7, 3}, {5, 1, 9}, {1, 1, 300}, {2, 3, 0}, {16, 16, 16}})
            s.add(new Shape(1, t[0], t[1], t[2]));
        for (int m : new int[] {mr - 1, mr, mr + 1, 2 * mr + 3})
            for (int n : new int[] {nr64 - 1, nr64 + 1, nr - 1, nr, nr + 1})
                s.add(new Shape(1, m, n, 37));
        for (int k : new int[] {kc - 1, kc, kc + 1, 2 * kc + 1}) s.add(new Shape(1, 9, nr + 3, k));
        for (int m : new int[] {GemmF64.MC - 1, GemmF64.MC + 1, GemmF32.MC - 1, GemmF32.MC, GemmF32.MC + 1})
            s.add(new Shape(1, m, 21, 40));
        s.add(new Shape(1, 3, GemmF32.NC + 1, 6));
        s.add(new Shape(1, 1, 300, 70));  // a row vector times a matrix, packed path
        s.add(new Shape(1, 300, 1, 70));  // a matrix times a column vector
        s.add(new Shape(3, 40, 45, 50));  // batched, split over the batch at 2 threads
        s.add(new Shape(1, 70, 200, 30)); // split over N at 2 threads
        s.add(new Shape(1, 32, 9, 2 * kc + 5)); // computed as Cᵀ = Bᵀ·Aᵀ (a convolution's weight gradient)
        return s;
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void f32MatchesTheDoubleLoopWithinKEpsForEveryShapeAndLayout(int threads) {
        useThreads(threads);
        checkAll(DType.F32, threads);
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void f64MatchesTheDoubleLoopTightlyForEveryShapeAndLayout(int threads) {
        useThreads(threads);
        checkAll(DType.F64, threads);
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void i32MatchesTheExactLoop(int threads) {
        useThreads(threads);
        check(DType.I32, new Shape(2, 9, 33, 17), Kind.TRANSPOSED, Kind.ROW, Kind.ROW, new SplittableRandom(SEED));
    }

    private static void checkAll(DType dtype, int threads) {
        SplittableRandom rng = new SplittableRandom(SEED + threads);
        Kind[] operandKinds = {Kind.ROW, Kind.TRANSPOSED, Kind.PADDED};
        for (Shape s : shapes()) {
            for (Kind ka : operandKinds)
                for (Kind kb : operandKinds) check(dtype, s, ka, kb, Kind.ROW, rng);
            check(dtype, s, Kind.PADDED, Kind.ROW, Kind.TRANSPOSED, rng); // columns of out not contiguous
            check(dtype, s, Kind.ROW, Kind.TRANSPOSED, Kind.PADDED, rng);
        }
        Shape batched = new Shape(3, 35, 41, 43);
        for (Kind ka : new Kind[] {Kind.ROW, Kind.BATCH_BROADCAST})
            for (Kind kb : new Kind[] {Kind.TRANSPOSED, Kind.BATCH_BROADCAST}) check(dtype, batched, ka, kb, Kind.ROW, rng);
        check(dtype, new Shape(4, 70, 60, 50), Kind.BATCH_BROADCAST, Kind.TRANSPOSED, Kind.ROW, rng);
    }

    /** Lays out [batch, rows, cols] as {@code kind} says in a storage full of random values (or NaN for outputs). */
    private static View operand(DType dtype, Kind kind, int batch, int rows, int cols, boolean nan, SplittableRandom rng) {
        int pad = 5, offset = kind == Kind.PADDED ? 3 : 0;
        int[] strides = switch (kind) {
            case ROW -> new int[] {rows * cols, cols, 1};
            case TRANSPOSED -> new int[] {rows * cols, 1, rows};
            case PADDED -> new int[] {rows * (cols + pad), cols + pad, 1};
            case BATCH_BROADCAST -> new int[] {0, cols, 1};
        };
        Layout layout = new Layout(new int[] {batch, rows, cols}, strides, offset);
        HeapStorage st = HeapStorage.allocate(null, dtype, (int) layout.extent() + pad);
        for (int i = 0; i < st.size(); i++)
            st.set(i, nan ? Double.NaN : dtype == DType.I32 ? rng.nextInt(-9, 10) : rng.nextDouble(-1, 1));
        return new View(st, layout);
    }

    private static void check(DType dtype, Shape s, Kind ka, Kind kb, Kind kc, SplittableRandom rng) {
        View a = operand(dtype, ka, s.batch, s.m, s.k, false, rng);
        View b = operand(dtype, kb, s.batch, s.k, s.n, false, rng);
        View out = operand(dtype, kc, s.batch, s.m, s.n, true, rng);
        HeapStorage before = (HeapStorage) out.storage();
        Object untouched = before.copyOfArray();
        Gemm.matmul(a, b, out);
        double eps = switch (dtype) {
            case F32 -> 0x1p-23;
            case F64 -> 0x1p-52;
            case I32, I8, BOOL -> 0;
        };
        String what = dtype + " " + s + " a " + ka + " b " + kb + " out " + kc + " threads " + Parallel.threads()
                + " seed " + SEED;
        boolean[] inView = new boolean[before.size()];
        for (int t = 0; t < s.batch; t++)
            for (int i = 0; i < s.m; i++)
                for (int j = 0; j < s.n; j++) {
                    double exact = 0, magnitude = 0;
                    for (int p = 0; p < s.k; p++) {
                        double x = at(a, t, i, p), y = at(b, t, p, j);
                        exact += x * y;
                        magnitude += Math.abs(x * y);
                    }
                    int q = position(out.layout(), t, i, j);
                    inView[q] = true;
                    double got = before.get(q), bound = 2 * (s.k + 1) * eps * magnitude;
                    if (!(Math.abs(got - exact) <= bound))
                        fail(what + ": out[" + t + "][" + i + "][" + j + "] = " + got + ", expected " + exact
                                + " (bound " + bound + ")");
                }
        HeapStorage original = new HeapStorage(null, dtype, untouched);
        for (int q = 0; q < inView.length; q++)
            if (!inView[q]) assertEquals(original.get(q), before.get(q), what + ": wrote outside the view at " + q);
    }

    private static int position(Layout l, int t, int i, int j) {
        int[] st = l.strides();
        return l.offset() + t * st[0] + i * st[1] + j * st[2];
    }

    private static double at(View v, int t, int i, int j) {
        return ((HeapStorage) v.storage()).get(position(v.layout(), t, i, j));
    }
}
