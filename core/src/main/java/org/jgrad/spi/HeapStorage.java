package org.jgrad.spi;

import org.jgrad.DType;

/**
 * Storage in a Java array on the heap: {@code float[]} for F32, {@code double[]} for F64, {@code int[]} for I32,
 * {@code byte[]} for I8 and BOOL. Shared by the backends that compute on the CPU, so tensors move between them
 * without a copy of the format.
 */
public final class HeapStorage extends Storage {
    private final Backend backend;
    private final Object data;

    public HeapStorage(Backend backend, DType dtype, Object data) {
        super(dtype, lengthOf(dtype, data));
        this.backend = backend;
        this.data = data;
    }

    /** A zero-filled array-backed storage. */
    public static HeapStorage allocate(Backend backend, DType dtype, int size) {
        Object data = switch (dtype) {
            case F32 -> new float[size];
            case F64 -> new double[size];
            case I32 -> new int[size];
            case I8, BOOL -> new byte[size];
        };
        return new HeapStorage(backend, dtype, data);
    }

    private static int lengthOf(DType dtype, Object data) {
        return switch (dtype) {
            case F32 -> ((float[]) data).length;
            case F64 -> ((double[]) data).length;
            case I32 -> ((int[]) data).length;
            case I8, BOOL -> ((byte[]) data).length;
        };
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /** The array itself (not a copy): writers must bump the version through core. */
    public Object array() {
        return data;
    }

    public float[] f32() {
        return (float[]) data;
    }

    public double[] f64() {
        return (double[]) data;
    }

    public int[] i32() {
        return (int[]) data;
    }

    public byte[] i8() {
        return (byte[]) data;
    }

    /** Element {@code i} widened to double. */
    public double get(int i) {
        return switch (dtype()) {
            case F32 -> ((float[]) data)[i];
            case F64 -> ((double[]) data)[i];
            case I32 -> ((int[]) data)[i];
            case I8, BOOL -> ((byte[]) data)[i];
        };
    }

    /** Stores {@code v} converted to this dtype: rounding to F32, truncation with saturation to integers, {@code v != 0} to BOOL. */
    public void set(int i, double v) {
        switch (dtype()) {
            case F32 -> ((float[]) data)[i] = (float) v;
            case F64 -> ((double[]) data)[i] = v;
            case I32 -> ((int[]) data)[i] = (int) v;
            case I8 -> ((byte[]) data)[i] = (byte) Math.max(-128, Math.min(127, (int) v));
            case BOOL -> ((byte[]) data)[i] = (byte) (v != 0 ? 1 : 0);
        }
    }

    /** A copy of the array. */
    public Object copyOfArray() {
        return switch (dtype()) {
            case F32 -> ((float[]) data).clone();
            case F64 -> ((double[]) data).clone();
            case I32 -> ((int[]) data).clone();
            case I8, BOOL -> ((byte[]) data).clone();
        };
    }
}
