package org.jgrad.backend.opencl;

import static org.lwjgl.opencl.CL10.clReleaseMemObject;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jgrad.DType;
import org.jgrad.spi.Backend;
import org.jgrad.spi.Storage;

/**
 * One device buffer ({@code cl_mem}) per storage. {@link #close()} releases it at once; a {@link Cleaner} releases it
 * when the storage becomes unreachable, so dropped tensors never leak device memory, only hold it until the GC runs.
 */
public final class ClStorage extends Storage implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final OpenClBackend backend;
    final long mem;
    private final Cleaner.Cleanable cleanable;

    ClStorage(OpenClBackend backend, DType dtype, int size, long mem) {
        super(dtype, size);
        this.backend = backend;
        this.mem = mem;
        Release r = new Release(mem, backend.live);
        backend.live.add(r);
        this.cleanable = CLEANER.register(this, r);
    }

    /** Releases the device buffer now; the storage must not be used afterwards. Idempotent. */
    @Override
    public void close() {
        cleanable.clean();
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /** Holds nothing that reaches the storage, or the Cleaner could never run it. */
    static final class Release implements Runnable {
        private final long mem;
        private final java.util.Set<Release> live;
        private final AtomicBoolean done = new AtomicBoolean();

        Release(long mem, java.util.Set<Release> live) {
            this.mem = mem;
            this.live = live;
        }

        @Override
        public void run() {
            if (done.compareAndSet(false, true)) {
                live.remove(this);
                clReleaseMemObject(mem);
            }
        }
    }
}
