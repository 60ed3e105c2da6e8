package org.jgrad.nn.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jgrad.Tensor;

/**
 * An array in the IDX format of MNIST and Fashion-MNIST: magic {@code 00 00 TYPE RANK}, RANK big-endian 32-bit
 * dimensions, then the elements big-endian in row-major order, with nothing after them. Files may be gzipped
 * (recognised by the gzip magic, not the name). {@code raw} holds the element bytes as stored.
 */
public record Idx(Type type, int[] shape, byte[] raw) {
    /** The element types IDX defines, by their code in the magic number. */
    public enum Type {
        U8(0x08, 1), I8(0x09, 1), I16(0x0B, 2), I32(0x0C, 4), F32(0x0D, 4), F64(0x0E, 8);

        final int code;
        final int bytes;

        Type(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        static Type ofCode(int code) {
            for (Type t : values()) if (t.code == code) return t;
            return null;
        }
    }

    /** A rank-0 file or a bigger one cannot come from the datasets this reads; the cap keeps a hostile header small. */
    static final int MAX_RANK = 8;
    /** Java arrays hold at most this many bytes. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    public Idx {
        shape = shape.clone();
        long n = (long) type.bytes;
        for (int d : shape) n *= d;
        if (raw.length != n)
            throw new IllegalArgumentException("idx: " + raw.length + " bytes for shape " + Arrays.toString(shape) + " of " + type);
    }

    /** Elements in all. */
    public int numel() {
        return raw.length / type.bytes;
    }

    /** The array read from {@code file}, gzipped or plain. */
    public static Idx read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** The array in {@code in} (gzipped or plain), which this reads to the end; {@code name} appears in errors. */
    public static Idx read(InputStream in, String name) throws IOException {
        InputStream s = new BufferedInputStream(in, 1 << 16);
        s.mark(2);
        boolean gzip = Gunzip.isGzip(s.readNBytes(2));
        s.reset();
        if (!gzip) return parse(s, name);
        // Compressed files are held whole (their size is real, not claimed) so that Gunzip can see where they end.
        try (Gunzip g = new Gunzip(s.readAllBytes(), name)) {
            return parse(new BufferedInputStream(g, 1 << 16), name);
        }
    }

    private static Idx parse(InputStream in, String name) throws IOException {
        byte[] magic = new byte[4];
        if (in.readNBytes(magic, 0, 4) < 4) throw new IdxException(name, "shorter than the 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw new IdxException(name, String.format("bad magic %02x %02x %02x %02x, expected 00 00 TYPE RANK",
                    magic[0], magic[1], magic[2], magic[3]));
        Type type = Type.ofCode(magic[2] & 0xff);
        if (type == null)
            throw new IdxException(name, String.format("unknown element type code 0x%02X (expected 08 u8, 09 i8, 0B i16,"
                    + " 0C i32, 0D f32 or 0E f64)", magic[2] & 0xff));
        int rank = magic[3] & 0xff;
        if (rank == 0 || rank > MAX_RANK) throw new IdxException(name, "rank " + rank + ", expected 1 to " + MAX_RANK);
        byte[] dims = new byte[4 * rank];
        if (in.readNBytes(dims, 0, dims.length) < dims.length)
            throw new IdxException(name, "truncated header: " + rank + " dimensions need " + dims.length + " bytes");
        int[] shape = new int[rank];
        long bytes = type.bytes;
        for (int d = 0; d < rank; d++) {
            long v = ByteBuffer.wrap(dims, 4 * d, 4).getInt() & 0xffffffffL;
            bytes *= v;
            if (v > Integer.MAX_VALUE || bytes > MAX_BYTES)
                throw new IdxException(name, "dimension " + d + " is " + v + ": the array would exceed " + MAX_BYTES + " bytes");
            shape[d] = (int) v;
        }
        byte[] raw = readExactly(in, (int) bytes, name);
        if (in.read() >= 0) throw new IdxException(name, "trailing bytes after the " + bytes + " data bytes of shape "
                + Arrays.toString(shape));
        return new Idx(type, shape, raw);
    }

    /**
     * {@code n} bytes, grown as they arrive rather than allocated up front: the header's claim is not trusted, and
     * a truncated file costs only the bytes it really has.
     */
    private static byte[] readExactly(InputStream in, int n, String name) throws IOException {
        byte[] buf = new byte[Math.min(n, 1 << 20)];
        int got = 0;
        while (got < n) {
            if (got == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            int k = in.read(buf, got, buf.length - got);
            if (k < 0) throw new IdxException(name, "truncated: expected " + n + " data bytes, found " + got);
            got += k;
        }
        return buf;
    }

    /** The unsigned byte elements of a U8 array (not copied). */
    public byte[] u8() {
        if (type != Type.U8) throw new IllegalStateException("idx: u8() of a " + type + " array");
        return raw;
    }

    /** A tensor of the elements: U8 and I16 widen to I32, the others keep their type. */
    public Tensor toTensor() {
        ByteBuffer b = ByteBuffer.wrap(raw); // big-endian, as IDX stores it
        int n = numel();
        return switch (type) {
            case U8, I16, I32 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) v[i] = type == Type.U8 ? raw[i] & 0xff : type == Type.I16 ? b.getShort() : b.getInt();
                yield Tensor.of(v, shape);
            }
            case I8 -> Tensor.of(raw.clone(), shape);
            case F32 -> {
                float[] v = new float[n];
                b.asFloatBuffer().get(v);
                yield Tensor.of(v, shape);
            }
            case F64 -> {
                double[] v = new double[n];
                b.asDoubleBuffer().get(v);
                yield Tensor.of(v, shape);
            }
        };
    }
}
