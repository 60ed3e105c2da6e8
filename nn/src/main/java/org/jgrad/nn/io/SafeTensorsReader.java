package org.jgrad.nn.io;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jgrad.DType;
import org.jgrad.Tensor;
import org.jgrad.nn.io.SafeTensorsException.Kind;

/**
 * Validates a whole safetensors file before reading any tensor, in the reference implementation's order: the
 * length prefix, the header's encoding and JSON, each entry, then the offsets against the bytes actually there.
 * Only then are tensors allocated, each no larger than a small multiple of the bytes the file really holds.
 */
final class SafeTensorsReader {
    /** Where the file's bytes come from: a channel or a buffer in memory. */
    interface Source {
        long length() throws IOException;

        /** Fills {@code dst} from byte {@code pos}; fails if the source ends first. */
        void read(long pos, ByteBuffer dst) throws IOException;
    }

    /** One tensor's header entry, its offsets relative to the start of the data section. */
    record Entry(String name, StDType dtype, int[] shape, int numel, long start, long end) {
    }

    static final String METADATA = "__metadata__";
    private static final Set<String> FIELDS = Set.of("dtype", "shape", "data_offsets");
    /** Read and convert in pieces of this many bytes, so a tensor never needs a second full-size copy. */
    static final int CHUNK = 1 << 20;
    /** The most elements a Java array, and so a jgrad tensor, holds. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private SafeTensorsReader() {
    }

    static Checkpoint read(Source src) throws IOException {
        long length = src.length();
        if (length < 8)
            throw new SafeTensorsException(Kind.HEADER_TOO_SHORT, null,
                    "file has " + length + " bytes, fewer than the 8-byte header length");
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        src.read(0, prefix);
        long n = prefix.getLong(0);
        if (Long.compareUnsigned(n, SafeTensors.MAX_HEADER_BYTES) > 0)
            throw new SafeTensorsException(Kind.HEADER_TOO_LARGE, null, "header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + SafeTensors.MAX_HEADER_BYTES + " bytes");
        if (8 + n > length)
            throw new SafeTensorsException(Kind.HEADER_LENGTH, null, "header length " + n + " runs past the end of the "
                    + length + "-byte file");
        ByteBuffer raw = ByteBuffer.allocate((int) n);
        src.read(8, raw);
        Map<String, Object> root = parseHeader(raw.flip());
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (var e : root.entrySet()) {
            if (e.getKey().equals(METADATA)) metadata = metadata(e.getValue());
            else entries.add(entry(e.getKey(), e.getValue()));
        }
        checkLayout(entries, length - 8 - n);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) tensors.put(e.name, decode(e, src, 8 + n));
        return new Checkpoint(tensors, metadata);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseHeader(ByteBuffer raw) throws SafeTensorsException {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        String text;
        try {
            text = decoder.decode(raw).toString();
        } catch (CharacterCodingException ex) {
            throw new SafeTensorsException(Kind.HEADER_NOT_UTF8, null,
                    "header is not valid UTF-8 (bad byte sequence at header byte " + raw.position() + ")");
        }
        if (!text.startsWith("{"))
            throw new SafeTensorsException(Kind.HEADER_START, null, "header does not start with '{' (found "
                    + (text.isEmpty() ? "an empty header" : "U+" + String.format("%04X", text.codePointAt(0))) + ")");
        return (Map<String, Object>) Json.parse(text);
    }

    private static Map<String, String> metadata(Object v) throws SafeTensorsException {
        if (!(v instanceof Map<?, ?> m))
            throw new SafeTensorsException(Kind.BAD_ENTRY, null, METADATA + " must be an object of strings, got " + kind(v));
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : m.entrySet()) {
            if (!(e.getValue() instanceof String s))
                throw new SafeTensorsException(Kind.BAD_ENTRY, null, METADATA + " value of \"" + e.getKey()
                        + "\" must be a string, got " + kind(e.getValue()));
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    private static Entry entry(String name, Object v) throws SafeTensorsException {
        if (!(v instanceof Map<?, ?> m))
            throw new SafeTensorsException(Kind.BAD_ENTRY, name, "entry must be an object, got " + kind(v));
        for (String f : FIELDS)
            if (!m.containsKey(f)) throw new SafeTensorsException(Kind.BAD_ENTRY, name, "entry lacks \"" + f + "\"");
        for (Object k : m.keySet())
            if (!FIELDS.contains(k))
                throw new SafeTensorsException(Kind.BAD_ENTRY, name, "unknown field \"" + k + "\" (expected " + FIELDS + ")");
        if (!(m.get("dtype") instanceof String dn))
            throw new SafeTensorsException(Kind.BAD_ENTRY, name, "dtype must be a string, got " + kind(m.get("dtype")));
        StDType dtype = StDType.named(dn);
        if (dtype == null) throw new SafeTensorsException(Kind.UNKNOWN_DTYPE, name, "unknown dtype \"" + dn + "\"");
        if (dtype.loadsAs == null)
            throw new SafeTensorsException(Kind.UNSUPPORTED_DTYPE, name, "unsupported dtype " + dn
                    + " (jgrad loads F32, F64, I32, I8, BOOL, and converts F16, BF16, U8, I16, U16, U32, I64, U64)");
        long[] dims = naturals(name, "shape", m.get("shape"), Kind.TOO_LARGE);
        long[] offsets = naturals(name, "data_offsets", m.get("data_offsets"), Kind.OFFSETS);
        if (offsets.length != 2)
            throw new SafeTensorsException(Kind.BAD_ENTRY, name, "data_offsets must hold 2 numbers, got " + offsets.length);
        int[] shape = shape(name, dims);
        long numel = 1;
        for (int d : shape) numel *= d;
        long start = offsets[0], end = offsets[1];
        if (end < start)
            throw new SafeTensorsException(Kind.OFFSETS, name, "data_offsets [" + start + ", " + end + "] end before they start");
        long nbytes = numel * dtype.bytes;
        if (end - start != nbytes)
            throw new SafeTensorsException(Kind.SIZE_MISMATCH, name, "data_offsets [" + start + ", " + end + "] span "
                    + (end - start) + " bytes, but shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + nbytes);
        return new Entry(name, dtype, shape, (int) numel, start, end);
    }

    /** {@code dims} as a jgrad shape, whose dimensions and element count must fit Java's array limit. */
    private static int[] shape(String name, long[] dims) throws SafeTensorsException {
        int[] shape = new int[dims.length];
        long numel = 1;
        for (int d = 0; d < dims.length; d++) {
            numel *= dims[d];
            if (dims[d] > MAX_ELEMENTS || numel > MAX_ELEMENTS)
                throw new SafeTensorsException(Kind.TOO_LARGE, name, "shape " + Arrays.toString(dims) + (dims[d] > MAX_ELEMENTS
                        ? " has dimension " + d + " = " + dims[d] : " has more elements") + " than a jgrad tensor holds ("
                        + MAX_ELEMENTS + ")");
            shape[d] = (int) dims[d];
        }
        return shape;
    }

    /** The non-negative integers in a JSON array; a number beyond 2^63 is {@code huge}'s kind of error. */
    private static long[] naturals(String name, String field, Object v, Kind huge) throws SafeTensorsException {
        if (!(v instanceof List<?> list))
            throw new SafeTensorsException(Kind.BAD_ENTRY, name, field + " must be an array of integers, got " + kind(v));
        long[] out = new long[list.size()];
        for (int k = 0; k < out.length; k++) {
            Object x = list.get(k);
            String at = field + "[" + k + "] = " + x;
            switch (x) {
                case Long l when l >= 0 -> out[k] = l;
                case Long l -> throw new SafeTensorsException(Kind.BAD_ENTRY, name, at + " is negative");
                case BigInteger b when b.signum() < 0 -> throw new SafeTensorsException(Kind.BAD_ENTRY, name, at + " is negative");
                case BigInteger b -> throw new SafeTensorsException(huge, name, at + " does not fit in 63 bits");
                case BigDecimal d -> throw new SafeTensorsException(Kind.BAD_ENTRY, name, at + " is not an integer");
                default -> throw new SafeTensorsException(Kind.BAD_ENTRY, name, field + "[" + k + "] must be an integer, got " + kind(x));
            }
        }
        return out;
    }

    /** Offsets sorted by start must tile [0, dataLength) exactly: no overlap, no hole, nothing after. */
    private static void checkLayout(List<Entry> entries, long dataLength) throws SafeTensorsException {
        for (Entry e : entries)
            if (e.end > dataLength)
                throw new SafeTensorsException(Kind.OFFSETS, e.name, "data_offsets [" + e.start + ", " + e.end
                        + "] run past the end of the " + dataLength + "-byte data section (truncated file?)");
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::start).thenComparingLong(Entry::end));
        long at = 0;
        String previous = null;
        for (Entry e : sorted) {
            if (e.start != at)
                throw new SafeTensorsException(Kind.OFFSETS, e.name, "data starts at byte " + e.start + " but "
                        + (previous == null ? "the data section starts at 0" : "'" + previous + "' ends at " + at)
                        + (e.start < at ? " (overlap)" : " (a hole of " + (e.start - at) + " bytes)"));
            at = e.end;
            previous = e.name;
        }
        if (at != dataLength)
            throw new SafeTensorsException(Kind.TRAILING_BYTES, null, (dataLength - at) + " bytes after the last tensor's data"
                    + " (data section is " + dataLength + " bytes, tensors cover " + at + ")");
    }

    private static Tensor decode(Entry e, Source src, long base) throws IOException {
        DType target = e.dtype.loadsAs;
        Object out = switch (target) {
            case F32 -> new float[e.numel];
            case F64 -> new double[e.numel];
            case I32 -> new int[e.numel];
            case I8, BOOL -> new byte[e.numel];
        };
        int perChunk = CHUNK / e.dtype.bytes;
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, e.end - e.start)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < e.numel; i += perChunk) {
            int k = Math.min(perChunk, e.numel - i);
            buf.clear().limit(k * e.dtype.bytes);
            src.read(base + e.start + (long) i * e.dtype.bytes, buf);
            convert(e, buf.flip(), out, i, k);
        }
        return switch (target) {
            case F32 -> Tensor.of((float[]) out, e.shape);
            case F64 -> Tensor.of((double[]) out, e.shape);
            case I32 -> Tensor.of((int[]) out, e.shape);
            case I8 -> Tensor.of((byte[]) out, e.shape);
            case BOOL -> Tensor.of((byte[]) out, e.shape).to(DType.BOOL);
        };
    }

    /** Elements {@code [i, i+k)} of {@code out} from the little-endian bytes in {@code b}. */
    private static void convert(Entry e, ByteBuffer b, Object out, int i, int k) throws SafeTensorsException {
        switch (e.dtype) {
            case F32 -> b.asFloatBuffer().get((float[]) out, i, k);
            case F64 -> b.asDoubleBuffer().get((double[]) out, i, k);
            case I32 -> b.asIntBuffer().get((int[]) out, i, k);
            case I8 -> b.get((byte[]) out, i, k);
            case BOOL -> {
                byte[] o = (byte[]) out;
                b.get(o, i, k);
                for (int j = i; j < i + k; j++)
                    if (o[j] != 0 && o[j] != 1)
                        throw new SafeTensorsException(Kind.VALUE_OUT_OF_RANGE, e.name, "BOOL element " + j + " is "
                                + (o[j] & 0xff) + ", not 0 or 1");
            }
            case F16 -> {
                float[] o = (float[]) out;
                for (int j = i; j < i + k; j++) o[j] = Float.float16ToFloat(b.getShort());
            }
            case BF16 -> {
                float[] o = (float[]) out;
                for (int j = i; j < i + k; j++) o[j] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
            }
            case U8, I16, U16, U32, I64, U64 -> {
                int[] o = (int[]) out;
                for (int j = i; j < i + k; j++) {
                    long v = switch (e.dtype) {
                        case U8 -> b.get() & 0xffL;
                        case I16 -> b.getShort();
                        case U16 -> b.getShort() & 0xffffL;
                        case U32 -> b.getInt() & 0xffffffffL;
                        default -> b.getLong(); // I64; U64 beyond 2^63 reads negative and fails below, as it should
                    };
                    if (v != (int) v || (e.dtype == StDType.U64 && v < 0))
                        throw new SafeTensorsException(Kind.VALUE_OUT_OF_RANGE, e.name, e.dtype + " element " + j + " = "
                                + (e.dtype == StDType.U64 ? Long.toUnsignedString(v) : v) + " does not fit in I32");
                    o[j] = (int) v;
                }
            }
            case F8_E4M3, F8_E5M2, F8_E8M0, F6_E2M3, F6_E3M2, F4, C64 ->
                    throw new IllegalStateException("refused in entry(): " + e.dtype);
        }
    }

    private static String kind(Object v) {
        return switch (v) {
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            case String s -> "a string";
            default -> "the number " + v;
        };
    }
}
