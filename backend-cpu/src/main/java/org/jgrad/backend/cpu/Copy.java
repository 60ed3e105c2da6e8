package org.jgrad.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.jgrad.DType;

/**
 * {@code dst[i] = convert(src[i])} over one run, for every pair of dtypes. Same-type contiguous runs are one
 * {@link System#arraycopy}; other same-type runs a strided loop. A conversion goes through a chunk of doubles, read
 * by one typed loop and written by another, which is what the reference does per element (widen to double, then
 * store: round to F32, truncate and saturate to integers, {@code != 0} to BOOL), so the results are identical, and
 * every loop stays monomorphic (masks and labels turn into floats on every relu backward and loss).
 */
final class Copy {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    private Copy() {
    }

    static void run(DType st, Object s, int so, int ss, DType dt, Object d, int dO, int ds, int n) {
        if (st == dt && ss == 1 && ds == 1) System.arraycopy(s, so, d, dO, n);
        else if (st == dt) strided(dt, s, so, ss, d, dO, ds, n);
        else {
            double[] t = new double[Math.min(n, Elementwise.CHUNK)];
            for (int i = 0; i < n; i += t.length) {
                int m = Math.min(t.length, n - i);
                read(st, s, so + i * ss, ss, t, m);
                write(dt, t, d, dO + i * ds, ds, m);
            }
        }
    }

    private static void strided(DType t, Object s, int so, int ss, Object d, int dO, int ds, int n) {
        switch (t) {
            case F32 -> { float[] a = (float[]) s, b = (float[]) d; for (int i = 0; i < n; i++) b[dO + i * ds] = a[so + i * ss]; }
            case F64 -> { double[] a = (double[]) s, b = (double[]) d; for (int i = 0; i < n; i++) b[dO + i * ds] = a[so + i * ss]; }
            case I32 -> { int[] a = (int[]) s, b = (int[]) d; for (int i = 0; i < n; i++) b[dO + i * ds] = a[so + i * ss]; }
            case I8, BOOL -> { byte[] a = (byte[]) s, b = (byte[]) d; for (int i = 0; i < n; i++) b[dO + i * ds] = a[so + i * ss]; }
        }
    }

    /** t[0, m) = src elements widened to double (exact for every dtype). */
    private static void read(DType st, Object s, int so, int ss, double[] t, int m) {
        switch (st) {
            case F32 -> { float[] a = (float[]) s; for (int j = 0; j < m; j++) t[j] = a[so + j * ss]; }
            case F64 -> { double[] a = (double[]) s; for (int j = 0; j < m; j++) t[j] = a[so + j * ss]; }
            case I32 -> { int[] a = (int[]) s; for (int j = 0; j < m; j++) t[j] = a[so + j * ss]; }
            case I8, BOOL -> { byte[] a = (byte[]) s; for (int j = 0; j < m; j++) t[j] = a[so + j * ss]; }
        }
    }

    /** dst elements = t[0, m) stored as HeapStorage.set stores them. */
    private static void write(DType dt, double[] t, Object d, int dO, int ds, int m) {
        switch (dt) {
            case F32 -> { float[] a = (float[]) d; for (int j = 0; j < m; j++) a[dO + j * ds] = (float) t[j]; }
            case F64 -> { double[] a = (double[]) d; for (int j = 0; j < m; j++) a[dO + j * ds] = t[j]; }
            case I32 -> { int[] a = (int[]) d; for (int j = 0; j < m; j++) a[dO + j * ds] = (int) t[j]; }
            case I8 -> { byte[] a = (byte[]) d; for (int j = 0; j < m; j++) a[dO + j * ds] = (byte) Math.max(-128, Math.min(127, (int) t[j])); }
            case BOOL -> { byte[] a = (byte[]) d; for (int j = 0; j < m; j++) a[dO + j * ds] = (byte) (t[j] != 0 ? 1 : 0); }
        }
    }

    /** Tile edge of {@link #transpose}: a 32 × 32 tile of either side stays in L1 while it is turned. */
    static final int TILE = 32;

    /**
     * Whether w (source operand 0, destination 1) is a transpose of its two innermost dimensions that tiles pay for:
     * the destination contiguous along runs, the source contiguous across them.
     */
    static boolean isTranspose(DType st, DType dt, Strided w) {
        return st == dt && st.isFloating() && w.rank() >= 2 && w.stride(1) == 1 && w.stride(0) != 1 && w.rowStride(0) == 1
                && w.rows() >= TILE && w.inner() >= TILE;
    }

    /**
     * dst = src over w's innermost two dimensions in TILE × TILE tiles, so that the strided side is read (or written)
     * a cache line at a time instead of an element per line; split over row tiles.
     */
    static void transpose(DType t, Object s, int so, Object d, int dO, Strided w) {
        Strided outer = w.outerTwo();
        int rows = w.rows(), cols = w.inner(), tiles = (rows + TILE - 1) / TILE;
        int sc = w.stride(0), dr = w.rowStride(1);
        Parallel.forRange(outer.numel() * tiles, Math.max(1, CpuBackend.GRAIN / (TILE * cols)), (from, to) -> {
            for (int k = from; k < to; k++) {
                int i0 = k % tiles * TILE, i1 = Math.min(rows, i0 + TILE);
                outer.forEach(k / tiles, k / tiles + 1, new int[] {so, dO}, (p, n) -> {
                    if (t == DType.F32) tile((float[]) s, p[0], sc, (float[]) d, p[1], dr, i0, i1, cols);
                    else tile((double[]) s, p[0], sc, (double[]) d, p[1], dr, i0, i1, cols);
                });
            }
        });
    }

    /** dst = src, same dtype, a plane of short rows per hand-over (see {@link Strided#forEachPlane}); split over planes. */
    static void shortRows(DType t, Object s, int so, Object d, int dO, Strided w) {
        int rows = w.rows(), cols = w.inner(), sr = w.rowStride(0), sc = w.stride(0), dr = w.rowStride(1), dc = w.stride(1);
        Parallel.forRange(w.planes(), Math.max(1, CpuBackend.GRAIN / (rows * cols)), (from, to) ->
                w.forEachPlane(from, to, new int[] {so, dO}, p -> {
                    switch (t) {
                        case F32 -> plane((float[]) s, p[0], sr, sc, (float[]) d, p[1], dr, dc, rows, cols);
                        case F64 -> plane((double[]) s, p[0], sr, sc, (double[]) d, p[1], dr, dc, rows, cols);
                        case I32, I8, BOOL -> {
                            for (int i = 0; i < rows; i++) strided(t, s, p[0] + i * sr, sc, d, p[1] + i * dr, dc, cols);
                        }
                    }
                }));
    }

    private static void plane(float[] s, int so, int sr, int sc, float[] d, int dO, int dr, int dc, int rows, int cols) {
        if (sc == 1 && dc == 1) {
            // rows shorter than SHORT_ROW: whole vectors, then the tail element by element (a masked tail was
            // faster alone but took more of the training step's profile, 7.6 -> 11.2 % of samples)
            for (int i = 0; i < rows; i++) {
                int a = so + i * sr, b = dO + i * dr, j = 0;
                for (; j < F.loopBound(cols); j += F.length()) FloatVector.fromArray(F, s, a + j).intoArray(d, b + j);
                for (; j < cols; j++) d[b + j] = s[a + j];
            }
            return;
        }
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) d[dO + i * dr + j * dc] = s[so + i * sr + j * sc];
    }

    private static void plane(double[] s, int so, int sr, int sc, double[] d, int dO, int dr, int dc, int rows, int cols) {
        if (sc == 1 && dc == 1) {
            for (int i = 0; i < rows; i++) {
                int a = so + i * sr, b = dO + i * dr, j = 0;
                for (; j < D.loopBound(cols); j += D.length()) DoubleVector.fromArray(D, s, a + j).intoArray(d, b + j);
                for (; j < cols; j++) d[b + j] = s[a + j];
            }
            return;
        }
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) d[dO + i * dr + j * dc] = s[so + i * sr + j * sc];
    }

    /** d[i·dr + j] = s[i + j·sc] for rows [i0, i1), all columns, a TILE of columns at a time. */
    private static void tile(float[] s, int so, int sc, float[] d, int dO, int dr, int i0, int i1, int cols) {
        for (int j0 = 0; j0 < cols; j0 += TILE)
            for (int i = i0, j1 = Math.min(cols, j0 + TILE); i < i1; i++)
                for (int j = j0; j < j1; j++) d[dO + i * dr + j] = s[so + i + j * sc];
    }

    private static void tile(double[] s, int so, int sc, double[] d, int dO, int dr, int i0, int i1, int cols) {
        for (int j0 = 0; j0 < cols; j0 += TILE)
            for (int i = i0, j1 = Math.min(cols, j0 + TILE); i < i1; i++)
                for (int j = j0; j < j1; j++) d[dO + i * dr + j] = s[so + i + j * sc];
    }
}
