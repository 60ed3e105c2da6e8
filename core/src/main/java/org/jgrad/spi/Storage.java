package org.jgrad.spi;

import org.jgrad.DType;

/**
 * A backend's flat array of {@code size} elements of one dtype. Many tensors (views) may share one storage;
 * the version counter, bumped by every in-place write, lets autograd detect that a tensor saved for backward
 * was changed.
 */
public abstract class Storage {
    private final DType dtype;
    private final int size;
    private int version;

    protected Storage(DType dtype, int size) {
        if (size < 0) throw new IllegalArgumentException("storage: negative size " + size);
        this.dtype = dtype;
        this.size = size;
    }

    public final DType dtype() {
        return dtype;
    }

    public final int size() {
        return size;
    }

    /** How many in-place writes this storage has seen. */
    public final int version() {
        return version;
    }

    /** Called by core after each in-place write; backends never call it. */
    public final void bumpVersion() {
        version++;
    }

    /** The backend that owns this storage. */
    public abstract Backend backend();
}
