package org.jgrad.backend.cpu;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one process-wide pool of the CPU backend: {@code threads() - 1} daemon workers plus the calling thread.
 * Size from {@code -Djgrad.threads=N} (default: available processors), created on first use.
 *
 * <p>Never nested: a {@code forRange} called from inside a chunk (on a worker or on the caller) runs inline, so
 * two levels of parallelism never compete for the same cores (PyTorch loses ~6× on small MLP steps when its
 * OpenMP and BLAS pools spin against each other).
 *
 * Idle workers park on a queue, they never spin: waking one costs ~10 µs for the caller and 20–40 µs until it
 * runs on this VM, which is why callers split work only above a size where that pays (see {@link Gemm}). A
 * bounded spin after each chunk (50 µs) was tried and made things worse: the scheduler often woke the worker on
 * the caller's core, where its spin then delayed the caller by the full 50 µs.
 */
final class Parallel {

    /** A body over the index range [from, to). */
    interface Range {
        void run(int from, int to);
    }

    /** True on a thread that is running a chunk: a nested forRange then runs inline. */
    private static final ThreadLocal<Boolean> IN_TASK = ThreadLocal.withInitial(() -> false);
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private static volatile int threads = -1; // read on every forRange: no lock once set
    private static Pool pool;

    private Parallel() {}

    /** The number of threads a forRange may use, the caller included. */
    static int threads() {
        int t = threads;
        return t > 0 ? t : configuredOnce();
    }

    private static synchronized int configuredOnce() {
        if (threads < 0) threads = configured();
        return threads;
    }

    /** Sets the thread count (tests, benchmarks); the old workers finish their queue and exit. */
    static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("Parallel.setThreads: need at least 1 thread, got " + n);
        if (n == threads) return;
        threads = n;
        if (pool != null) pool.shutdown();
        pool = null;
    }

    private static int configured() {
        String s = System.getProperty("jgrad.threads");
        if (s == null || s.isBlank()) return Runtime.getRuntime().availableProcessors();
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below with the same message as a non-positive count
        }
        throw new IllegalArgumentException("-Djgrad.threads must be a positive integer, got '" + s + "'");
    }

    private static synchronized Pool pool() {
        if (pool == null) pool = new Pool(Math.max(1, threads() - 1));
        return pool;
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@code threads()} contiguous chunks of at least
     * {@code grain} indices; the caller runs chunks too and returns when all are done, rethrowing the first
     * exception. Inline when {@code n < 2·grain}, with one thread, or when called from inside a chunk.
     */
    static void forRange(int n, int grain, Range body) {
        if (n <= 0) return;
        int g = Math.max(1, grain);
        int t = threads();
        if (n < 2 * g || t == 1 || IN_TASK.get()) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(t, n / g);
        Job job = new Job(n, chunks, body);
        Pool p = pool();
        // The caller takes chunk 0 and then claims leftovers like the helpers; a helper that starts late finds no
        // chunk left and returns at once, so the caller never waits on a task still sitting in the queue.
        try {
            for (int i = 1; i < chunks; i++) p.execute(() -> job.work(false));
        } catch (RejectedExecutionException e) {
            // setThreads shut this pool down meanwhile: the caller runs the unclaimed chunks itself
        }
        job.work(true);
        job.await();
    }

    /** Daemon workers taking tasks from one queue; a poison task per worker ends them after {@link #shutdown}. */
    private static final class Pool {
        private static final Runnable POISON = () -> {};
        private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        private final int workers;
        private volatile boolean shutdown;

        Pool(int workers) {
            this.workers = workers;
            for (int i = 0; i < workers; i++) {
                Thread t = new Thread(this::loop, "jgrad-cpu-" + THREAD_IDS.incrementAndGet());
                t.setDaemon(true);
                t.start();
            }
        }

        void execute(Runnable task) {
            if (shutdown) throw new RejectedExecutionException("jgrad-cpu pool was resized");
            queue.add(task);
        }

        void shutdown() {
            shutdown = true;
            for (int i = 0; i < workers; i++) queue.add(POISON);
        }

        private void loop() {
            for (Runnable task; (task = next()) != POISON; ) task.run(); // Job.work catches what its body throws
        }

        private Runnable next() {
            while (true) {
                try {
                    return queue.take();
                } catch (InterruptedException e) {
                    // a daemon worker has nobody to report to: keep serving
                }
            }
        }
    }

    /** One forRange call: chunks are claimed from a counter by the caller and the helpers alike. */
    private static final class Job {
        private final int n, chunks;
        private final Range body;
        private final AtomicInteger next = new AtomicInteger(1);
        private final CountDownLatch done;
        private final AtomicReference<Throwable> error = new AtomicReference<>();

        Job(int n, int chunks, Range body) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
            this.done = new CountDownLatch(chunks);
        }

        void work(boolean caller) {
            boolean outer = IN_TASK.get();
            IN_TASK.set(true);
            try {
                if (caller) run(0);
                for (int c; (c = next.getAndIncrement()) < chunks; ) run(c);
            } finally {
                IN_TASK.set(outer);
            }
        }

        private void run(int c) {
            try {
                if (error.get() == null) body.run((int) ((long) c * n / chunks), (int) ((long) (c + 1) * n / chunks));
            } catch (Throwable e) {
                error.compareAndSet(null, e);
            } finally {
                done.countDown();
            }
        }

        void await() {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the chunks still write into the caller's arrays: wait them out
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            Throwable e = error.get();
            if (e instanceof RuntimeException r) throw r;
            if (e instanceof Error r) throw r;
            if (e != null) throw new IllegalStateException(e);
        }
    }
}
