package org.jgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.jgrad.Device;
import org.jgrad.Grad;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;

/** In-place updates on this backend write the reference backend's numbers, on large (parallel) and strided views. */
final class InPlaceTest {

    @Test
    void inPlaceUpdatesOfLargeStridedViewsMatchTheReference() {
        Tensor base = Tensor.randn(1, 317, 331).to(Device.reference()), b = Tensor.randn(2, 331, 317).to(Device.reference());
        Tensor onCpu = base.to(Device.cpu()).copy(), onRef = base.copy();
        try (var off = Grad.disabled()) {
            for (Tensor t : new Tensor[] {onCpu, onRef}) {
                Tensor other = t.device() == Device.cpu() ? b.to(Device.cpu()) : b;
                t.mT().addInPlace(other);
                t.mT().mulInPlace(other.sigmoid());
                t.subInPlace(t.narrow(0, 0, 1));
                t.mulInPlace(0.25);
            }
        }
        assertArrayEquals(onRef.toFloatArray(), onCpu.toFloatArray(), 1e-6f);
    }
}
