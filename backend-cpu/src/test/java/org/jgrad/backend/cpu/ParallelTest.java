package org.jgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Parallel.forRange: exact coverage, caller participation, no nesting, exceptions, thread count. */
final class ParallelTest {
    private int saved;

    @BeforeEach
    void save() {
        saved = Parallel.threads();
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(saved);
    }

    private record Chunk(int from, int to, Thread thread) {}

    private static List<Chunk> record(int n, int grain) {
        List<Chunk> chunks = Collections.synchronizedList(new ArrayList<>());
        Parallel.forRange(n, grain, (from, to) -> chunks.add(new Chunk(from, to, Thread.currentThread())));
        return chunks;
    }

    @Test
    void chunksCoverTheRangeExactlyOnceWithAtMostThreadsChunksOfAtLeastGrain() {
        for (int threads = 1; threads <= 4; threads++) {
            Parallel.setThreads(threads);
            for (int n : new int[] {0, 1, 2, 3, 7, 16, 100, 1001})
                for (int grain : new int[] {1, 2, 5, 64}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    List<Chunk> chunks = Collections.synchronizedList(new ArrayList<>());
                    Parallel.forRange(n, grain, (from, to) -> {
                        chunks.add(new Chunk(from, to, Thread.currentThread()));
                        for (int i = from; i < to; i++) hits.incrementAndGet(i);
                    });
                    String at = "n=" + n + " grain=" + grain + " threads=" + threads + " chunks=" + chunks;
                    for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "index " + i + " at " + at);
                    assertTrue(chunks.size() <= threads, at);
                    if (chunks.size() > 1) for (Chunk c : chunks) assertTrue(c.to - c.from >= grain, at);
                }
        }
    }

    @Test
    void callingThreadRunsAChunkAndSmallRangesRunInline() {
        Parallel.setThreads(2);
        for (int rep = 0; rep < 50; rep++) {
            List<Chunk> chunks = record(1000, 1);
            assertEquals(2, chunks.size());
            assertTrue(chunks.stream().anyMatch(c -> c.thread == Thread.currentThread()), chunks::toString);
        }
        List<Chunk> small = record(9, 5); // n < 2·grain
        assertEquals(List.of(new Chunk(0, 9, Thread.currentThread())), small);
    }

    @Test
    void forRangeInsideAChunkRunsInlineOnThatThread() {
        Parallel.setThreads(2);
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Parallel.forRange(100, 1, (from, to) -> {
            Thread outer = Thread.currentThread();
            List<Chunk> inner = record(1000, 1);
            if (inner.size() != 1 || inner.get(0).thread != outer || inner.get(0).from != 0 || inner.get(0).to != 1000)
                problems.add("chunk [" + from + ", " + to + "): nested forRange gave " + inner);
        });
        assertEquals(List.of(), problems);
        assertEquals(2, record(1000, 1).size(), "after nesting, the next top-level call splits again");
    }

    @Test
    void theFirstExceptionPropagatesAndThePoolStaysUsable() {
        Parallel.setThreads(2);
        for (int failing : new int[] {0, 999}) { // a chunk of the caller, a chunk of the worker
            IllegalStateException boom = new IllegalStateException("boom at " + failing);
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
                    Parallel.forRange(1000, 1, (from, to) -> {
                        if (from <= failing && failing < to) throw boom;
                    }));
            assertSame(boom, thrown);
        }
        assertEquals(2, record(1000, 1).size());
    }

    @Test
    void setThreadsChangesTheSplitAndRejectsZero() {
        Parallel.setThreads(3);
        assertEquals(3, Parallel.threads());
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        for (int rep = 0; rep < 20; rep++) record(3000, 1).forEach(c -> seen.add(c.thread));
        assertTrue(seen.size() <= 3 && seen.contains(Thread.currentThread()), seen::toString);
        assertEquals(3, record(3000, 1).size());
        Parallel.setThreads(1);
        assertEquals(List.of(new Chunk(0, 3000, Thread.currentThread())), record(3000, 1));
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }
}
