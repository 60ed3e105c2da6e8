package org.jgrad.nn.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.SplittableRandom;
import org.jgrad.Tensor;
import org.jgrad.nn.io.SafeTensorsException.Kind;
import org.jgrad.testkit.Props;
import org.junit.jupiter.api.Test;

/**
 * Random mutations of a valid file (bit flips, byte overwrites, truncation, insertion, deletion, edits of the
 * header's JSON and of its length prefix) only ever load or fail with a {@link SafeTensorsException}: never
 * another exception, an allocation the file does not pay for, or a hang. {@code -Djgrad.fuzz.cases=N} sets the
 * count; {@code -Djgrad.seed=S} replays a reported case first.
 */
class SafeTensorsFuzzTest {
    private static final int CASES = Integer.getInteger("jgrad.fuzz.cases", 2000);
    /** Characters that make a JSON edit likely to stay near-valid and reach the validator rather than the parser. */
    private static final String JSON_CHARS = "{}[]\",:-.0123456789eE\\u ";

    @Test
    void mutatedFilesLoadOrFailWithATypedError() {
        Map<String, Tensor> tensors = SafeTensorsTest.sample();
        tensors.put("big", Tensor.arange(300).reshape(3, 100));
        byte[] valid = SafeTensors.toBytes(tensors, Map.of("format", "pt", "epoch", "3"));
        int headerEnd = 8 + (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String seedProperty = System.getProperty("jgrad.seed");
        long base = seedProperty == null || seedProperty.isBlank() ? 0x5AFE7E45L : Long.parseLong(seedProperty.strip());
        Map<Kind, Integer> seen = new EnumMap<>(Kind.class);
        int loaded = 0;
        for (int i = 0; i < CASES; i++) {
            long seed = Props.caseSeed(base, i);
            byte[] bytes = mutate(valid, headerEnd, new SplittableRandom(seed));
            try {
                Checkpoint c = SafeTensors.load(bytes);
                long total = c.tensors().values().stream().mapToLong(Tensor::numel).sum();
                if (total > bytes.length) fail("case " + i + " (seed " + seed + "): " + total + " elements from " + bytes.length + " bytes");
                loaded++;
            } catch (SafeTensorsException e) {
                seen.merge(e.kind(), 1, Integer::sum);
            } catch (Throwable t) {
                throw new AssertionError("case " + i + " (seed " + seed + ", replay with -Djgrad.seed=" + seed
                        + "): " + t + "\n  file: " + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 400))), t);
            }
        }
        System.out.println("safetensors fuzz: " + CASES + " cases, " + loaded + " loaded, errors by kind " + seen);
        // The mutations must reach past the length prefix into the validator, and some must stay loadable.
        if (CASES >= 1000) {
            assertTrue(loaded > 0, "no mutated file loaded");
            assertTrue(seen.keySet().containsAll(EnumSet.of(Kind.BAD_JSON, Kind.BAD_ENTRY, Kind.OFFSETS, Kind.SIZE_MISMATCH,
                    Kind.TRAILING_BYTES, Kind.HEADER_NOT_UTF8)), "kinds reached: " + seen.keySet());
        }
    }

    /** One to three random edits of {@code valid}. */
    static byte[] mutate(byte[] valid, int headerEnd, SplittableRandom r) {
        byte[] b = valid.clone();
        for (int edits = 1 + r.nextInt(3); edits > 0; edits--) {
            if (b.length == 0) return b;
            int at = r.nextInt(b.length);
            b = switch (r.nextInt(8)) {
                case 0 -> { // bit flip
                    b[at] ^= (byte) (1 << r.nextInt(8));
                    yield b;
                }
                case 1 -> { // byte overwrite, biased to edge values
                    b[at] = (byte) new int[] {0, 0xFF, 0x7F, 0x80, r.nextInt(256)}[r.nextInt(5)];
                    yield b;
                }
                case 2 -> Arrays.copyOf(b, r.nextInt(b.length)); // truncation
                case 3 -> insert(b, at, randomBytes(r, 1 + r.nextInt(16)));
                case 4 -> { // deletion
                    int n = Math.min(1 + r.nextInt(16), b.length - at);
                    byte[] out = new byte[b.length - n];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + n, out, at, b.length - at - n);
                    yield out;
                }
                case 5, 6 -> { // a JSON-meaningful character inside the header
                    if (headerEnd > 8 && headerEnd <= b.length)
                        b[8 + r.nextInt(headerEnd - 8)] = (byte) JSON_CHARS.charAt(r.nextInt(JSON_CHARS.length()));
                    yield b;
                }
                default -> { // the length prefix: small steps and wild values
                    if (b.length < 8) yield b;
                    ByteBuffer p = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                    p.putLong(0, r.nextBoolean() ? p.getLong(0) + r.nextInt(-16, 17) : r.nextLong());
                    yield b;
                }
            };
        }
        return b;
    }

    private static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] x = new byte[n];
        for (int i = 0; i < n; i++) x[i] = (byte) r.nextInt(256);
        return x;
    }

    private static byte[] insert(byte[] b, int at, byte[] x) {
        byte[] out = new byte[b.length + x.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(x, 0, out, at, x.length);
        System.arraycopy(b, at, out, at + x.length, b.length - at);
        return out;
    }
}
