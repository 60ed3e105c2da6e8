package org.jgrad.testkit;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jgrad.Grad;
import org.jgrad.Tensor;
import org.opentest4j.TestAbortedException;

/**
 * Seeded property tests on plain JUnit 5: {@link #forAll} checks a property on {@code -Djgrad.cases=N} generated
 * values (default 50), shrinks the first failure to a minimal value and reports a seed that replays it.
 * <pre>{@code
 * @Test
 * void transposeTwiceIsIdentity() {
 *     Props.forAll("transpose twice is the identity", Gens.tensors(Gens.shape(2, 4, 0, 5), Domain.real(), DType.F64),
 *             t -> assertArrayEquals(t.toDoubleArray(), t.mT().mT().toDoubleArray()));
 * }
 * }</pre>
 * Seeds: case {@code i} runs on {@code seed(base, i)} with {@code seed(base, 0) = base}; the base is
 * {@code -Djgrad.seed} when set, else a fixed hash of the property's name, so every run (and CI) sees the same
 * cases unless asked otherwise, and {@code -Djgrad.seed=S} with a reported case seed runs that case first.
 * A check that throws JUnit's {@code TestAbortedException} (e.g. {@code Assumptions.assumeTrue}) discards the case.
 */
public final class Props {
    /** Cases per property when {@code jgrad.cases} is not set. */
    public static final int DEFAULT_CASES = 50;
    /**
     * Property runs one shrink may spend: enough to reach a minimal shape from any value the kit's generators make
     * (a few dimensions, a few halvings each) while bounding a failing test to seconds.
     */
    private static final int MAX_SHRINK_RUNS = 1000;
    /** Wall-clock budget of a shrink, for properties whose single run is slow (gradient checks of big ops). */
    private static final long MAX_SHRINK_NANOS = 30_000_000_000L;
    /** How many elements {@link #describe} prints of a tensor: enough to recognise it, short enough to read. */
    private static final int PRINTED_ELEMENTS = 24;
    /** SplitMix64's increment (2^64 / φ): consecutive case seeds land far apart. */
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Props() {
    }

    /**
     * Runs {@code check} on {@link #cases()} values of {@code gen}; on the first failure, shrinks it and throws an
     * {@link AssertionError} that names the property, the case seed, the replay flag {@code -Djgrad.seed=<seed>},
     * the original and the minimal value, and both failures (the original as the cause).
     */
    public static <T> void forAll(String property, Gen<T> gen, Consumer<T> check) {
        int cases = cases();
        Long replay = replaySeed();
        long base = replay != null ? replay : nameSeed(property);
        int discarded = 0;
        for (int i = 0; i < cases; i++) {
            long seed = caseSeed(base, i);
            Shrinkable<T> value;
            try {
                value = gen.generate(new SplittableRandom(seed));
            } catch (RuntimeException e) {
                throw new IllegalStateException("Props.forAll: the generator of '" + property + "' failed on case " + i
                        + " (seed " + seed + "; replay with -Djgrad.seed=" + seed + "): " + e, e);
            }
            Throwable failure = run(check, value.value());
            if (failure instanceof TestAbortedException) discarded++;
            else if (failure != null) throw report(property, i, cases, seed, value, failure, check);
        }
        if (cases > 0 && discarded == cases)
            throw new AssertionError("Property '" + property + "': all " + cases + " cases were discarded by"
                    + " assumptions, so nothing was checked (base seed " + base + "); generate valid values directly");
    }

    /** The number of cases per property: {@code -Djgrad.cases}, else {@value #DEFAULT_CASES}. */
    public static int cases() {
        return Integer.getInteger("jgrad.cases", DEFAULT_CASES);
    }

    /** The seed of case {@code index} of a run with base seed {@code base}: {@code base} itself for case 0. */
    public static long caseSeed(long base, int index) {
        return index == 0 ? base : mix(base + index * GOLDEN);
    }

    /** {@code -Djgrad.seed} when set and not blank, else null. */
    private static Long replaySeed() {
        String s = System.getProperty("jgrad.seed");
        if (s == null || s.isBlank()) return null;
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Props: -Djgrad.seed=" + s + " is not a long (use a seed a failure reported)", e);
        }
    }

    /** A fixed 64-bit hash of the name (FNV-1a, then mixed): the base seed when none is given. */
    static long nameSeed(String property) {
        long h = 0xCBF29CE484222325L;                                // FNV-1a's 64-bit offset basis and prime
        for (byte b : property.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        return mix(h);
    }

    /** SplitMix64's finalizer: every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The failure of {@code check(value)}, or null when it passes; VM errors other than stack overflow propagate. */
    private static <T> Throwable run(Consumer<T> check, T value) {
        try {
            check.accept(value);
            return null;
        } catch (StackOverflowError e) {
            return e;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            return e;
        }
    }

    private static <T> AssertionError report(String property, int index, int cases, long seed, Shrinkable<T> original,
            Throwable failure, Consumer<T> check) {
        Shrunk<T> min = shrink(original, failure, check);
        String text = "Property '" + property + "' failed on case " + (index + 1) + " of " + cases + " (seed " + seed + ")."
                + "\n  replay:           -Djgrad.seed=" + seed + "  (runs this case first)"
                + "\n  original value:   " + describe(original.value())
                + "\n  minimal value:    " + describe(min.value.value()) + "  (" + plural(min.steps, "shrink step") + ", "
                + plural(min.runs, "run") + (min.note == null ? "" : "; " + min.note) + ")"
                + "\n  minimal failure:  " + oneLine(min.failure)
                + "\n  original failure: " + oneLine(failure);
        AssertionError error = new AssertionError(text, failure);
        if (min.failure != failure) error.addSuppressed(min.failure);
        return error;
    }

    private record Shrunk<T>(Shrinkable<T> value, Throwable failure, int steps, int runs, String note) {
    }

    /**
     * Greedy shrinking: take the first candidate that still fails and start again from it, until none fails or a
     * budget runs out. Candidates that pass, or that an assumption discards, are skipped.
     */
    private static <T> Shrunk<T> shrink(Shrinkable<T> start, Throwable failure, Consumer<T> check) {
        Shrinkable<T> current = start;
        int steps = 0, runs = 0;
        long deadline = System.nanoTime() + MAX_SHRINK_NANOS;
        while (true) {
            Iterator<Shrinkable<T>> candidates = current.shrinks().get().iterator();
            boolean improved = false;
            while (!improved) {
                if (runs >= MAX_SHRINK_RUNS || System.nanoTime() > deadline)
                    return new Shrunk<>(current, failure, steps, runs, "shrink budget spent: may not be minimal");
                Shrinkable<T> candidate;
                try {
                    if (!candidates.hasNext()) return new Shrunk<>(current, failure, steps, runs, null);
                    candidate = candidates.next();
                } catch (RuntimeException e) {
                    return new Shrunk<>(current, failure, steps, runs, "a shrink candidate could not be made: " + e);
                }
                runs++;
                Throwable f = run(check, candidate.value());
                if (f != null && !(f instanceof TestAbortedException)) {
                    current = candidate;
                    failure = f;
                    steps++;
                    improved = true;
                }
            }
        }
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getName() + (m == null ? "" : ": " + m.replace("\n", "\n                    "));
    }

    /**
     * A readable description of a generated value: tensors as {@code tensor [2, 3] F64 on reference = [v, …]}
     * (with strides and offset when not contiguous), arrays and {@code int[][]} as {@link Arrays#deepToString},
     * lists, arrays and records element by element, anything else by {@code toString}.
     */
    public static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case Tensor t -> describeTensor(t);
            case Strided.Variant v -> v.name() + " " + describeTensor(v.tensor());
            case Object[] a -> Arrays.stream(a).map(Props::describe).collect(Collectors.joining(", ", "[", "]"));
            case Iterable<?> it -> {
                List<String> parts = new ArrayList<>();
                for (Object o : it) parts.add(describe(o));
                yield "[" + String.join(", ", parts) + "]";
            }
            case Record r -> describeRecord(r);
            default -> value.getClass().isArray() ? Arrays.deepToString(new Object[] {value}).replaceAll("^\\[|]$", "")
                    : String.valueOf(value);
        };
    }

    private static String describeTensor(Tensor t) {
        StringBuilder sb = new StringBuilder("tensor ").append(Arrays.toString(t.shape())).append(' ').append(t.dtype())
                .append(" on ").append(t.device());
        var layout = t.view().layout();
        if (!t.isContiguous() || layout.offset() != 0)
            sb.append(" (strides ").append(Arrays.toString(layout.strides())).append(", offset ").append(layout.offset()).append(')');
        try (var off = Grad.disabled()) {
            int n = Math.min(t.numel(), PRINTED_ELEMENTS);
            double[] v = (t.numel() == n ? t : t.reshape(-1).narrow(0, 0, n)).toDoubleArray();
            boolean integral = !t.dtype().isFloating();
            sb.append(" = [");
            for (int i = 0; i < v.length; i++)
                sb.append(i == 0 ? "" : ", ").append(integral ? Long.toString((long) v[i]) : String.format(Locale.ROOT, "%.6g", v[i]));
            sb.append(t.numel() > n ? ", … (" + (t.numel() - n) + " more)]" : "]");
        } catch (RuntimeException e) {
            sb.append(" (values unreadable: ").append(e.getMessage()).append(')');
        }
        return sb.toString();
    }

    /** {@code Name[a=…, b=…]} with each component described; falls back to toString when reflection is refused. */
    private static String describeRecord(Record r) {
        try {
            StringBuilder sb = new StringBuilder(r.getClass().getSimpleName()).append('[');
            RecordComponent[] parts = r.getClass().getRecordComponents();
            for (int i = 0; i < parts.length; i++) {
                var accessor = parts[i].getAccessor();
                accessor.setAccessible(true);
                sb.append(i == 0 ? "" : ", ").append(parts[i].getName()).append('=').append(describe(accessor.invoke(r)));
            }
            return sb.append(']').toString();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return String.valueOf(r);
        }
    }
}
