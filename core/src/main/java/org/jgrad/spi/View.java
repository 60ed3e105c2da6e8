package org.jgrad.spi;

import org.jgrad.DType;

/** A storage seen through a layout: what every kernel receives for each operand. */
public record View(Storage storage, Layout layout) {

    public DType dtype() {
        return storage.dtype();
    }

    public int[] shape() {
        return layout.shape();
    }

    public int numel() {
        return layout.numel();
    }
}
