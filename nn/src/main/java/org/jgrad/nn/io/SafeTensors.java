package org.jgrad.nn.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jgrad.Tensor;

/**
 * Reads and writes <a href="https://github.com/huggingface/safetensors">safetensors</a> files: an 8-byte
 * little-endian header length, a UTF-8 JSON header mapping each tensor name to its dtype, shape and
 * {@code data_offsets} (plus an optional {@code __metadata__} object of strings), then the tensors' little-endian
 * bytes, back to back. Writing orders tensors by element size (widest first) then name and pads the header with
 * spaces to a multiple of 8, so every tensor is aligned to its element size, as the reference writer does.
 * Reading validates everything first and throws a {@link SafeTensorsException} naming the tensor and the defect;
 * see {@link StDType} for the dtypes it converts.
 */
public final class SafeTensors {
    /** The reference implementation's cap on the header length. */
    public static final long MAX_HEADER_BYTES = 100_000_000;

    private SafeTensors() {
    }

    /**
     * Writes {@code tensors} and {@code metadata} to {@code file} atomically: into a temporary file in the same
     * folder, flushed to disk, then renamed over {@code file}, so a crash leaves either the old file or the new one.
     */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Plan plan = plan(tensors, metadata);
        Path dir = file.toAbsolutePath().getParent();
        // Not Files.createTempFile: its owner-only permissions would pass to the checkpoint; CREATE_NEW honours the umask.
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            try (ch) {
                write(plan, ch);
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        // The rename is durable only once the directory entry is; some platforms cannot open a directory to sync it.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // best effort: the data itself is already on disk
        }
    }

    /** {@link #save(Path, Map, Map)} without metadata. */
    public static void save(Path file, Map<String, Tensor> tensors) throws IOException {
        save(file, tensors, Map.of());
    }

    /** The tensors (on the default device) and metadata in {@code file}; a malformed file is a {@link SafeTensorsException}. */
    public static Checkpoint load(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return SafeTensorsReader.read(new SafeTensorsReader.Source() {
                @Override
                public long length() throws IOException {
                    return ch.size();
                }

                @Override
                public void read(long pos, ByteBuffer dst) throws IOException {
                    while (dst.hasRemaining()) {
                        int got = ch.read(dst, pos);
                        if (got < 0) throw new IOException(file + ": file shrank while it was being read");
                        pos += got;
                    }
                }
            });
        } catch (SafeTensorsException e) {
            throw e.in(file);
        }
    }

    /** The checkpoint in {@code bytes} (position to limit), which it does not modify. */
    public static Checkpoint load(ByteBuffer bytes) throws SafeTensorsException {
        ByteBuffer all = bytes.slice();
        try {
            return SafeTensorsReader.read(new SafeTensorsReader.Source() {
                @Override
                public long length() {
                    return all.remaining();
                }

                @Override
                public void read(long pos, ByteBuffer dst) {
                    dst.put(all.slice((int) pos, dst.remaining()));
                }
            });
        } catch (SafeTensorsException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory reads do not fail", e);
        }
    }

    /** The checkpoint in {@code bytes}. */
    public static Checkpoint load(byte[] bytes) throws SafeTensorsException {
        return load(ByteBuffer.wrap(bytes));
    }

    /** The bytes of a safetensors file holding {@code tensors} and {@code metadata} (for checkpoints under 2 GB). */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Plan plan = plan(tensors, metadata);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(plan, Channels.newChannel(out));
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory writes do not fail", e);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- writing

    /** The header (with its length prefix) and the tensors in file order. */
    private record Plan(ByteBuffer header, List<Map.Entry<String, Tensor>> order) {
    }

    private static Plan plan(Map<String, Tensor> tensors, Map<String, String> metadata) {
        List<Map.Entry<String, Tensor>> order = new ArrayList<>();
        for (var e : tensors.entrySet()) {
            if (e.getKey() == null || e.getValue() == null)
                throw new IllegalArgumentException("safetensors: null tensor name or tensor (name " + e.getKey() + ")");
            if (e.getKey().equals(SafeTensorsReader.METADATA))
                throw new IllegalArgumentException("safetensors: '" + SafeTensorsReader.METADATA + "' is reserved, not a tensor name");
            order.add(Map.entry(e.getKey(), e.getValue()));
        }
        order.sort(Comparator.<Map.Entry<String, Tensor>>comparingInt(e -> -e.getValue().dtype().bytes())
                .thenComparing(Map.Entry::getKey));
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            Json.quote(json, SafeTensorsReader.METADATA);
            json.append(":{");
            String sep = "";
            for (var e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null)
                    throw new IllegalArgumentException("safetensors: null metadata key or value (key " + e.getKey() + ")");
                json.append(sep);
                Json.quote(json, e.getKey());
                json.append(':');
                Json.quote(json, e.getValue());
                sep = ",";
            }
            json.append('}');
        }
        long at = 0;
        for (var e : order) {
            Tensor t = e.getValue();
            long end = at + (long) t.numel() * t.dtype().bytes();
            if (json.length() > 1) json.append(',');
            Json.quote(json, e.getKey());
            json.append(":{\"dtype\":\"").append(StDType.of(t.dtype())).append("\",\"shape\":[");
            for (int d = 0; d < t.rank(); d++) json.append(d == 0 ? "" : ",").append(t.size(d));
            json.append("],\"data_offsets\":[").append(at).append(',').append(end).append("]}");
            at = end;
        }
        json.append('}');
        ByteBuffer utf8;
        try {
            utf8 = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(json));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("safetensors: a tensor name or metadata string is not valid Unicode"
                    + " (lone surrogate)", e);
        }
        int n = utf8.remaining();
        // Spaces after the JSON are valid whitespace and put the data section on an 8-byte boundary.
        int pad = (8 - n % 8) % 8;
        ByteBuffer header = ByteBuffer.allocate(8 + n + pad).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(n + pad).put(utf8);
        while (header.hasRemaining()) header.put((byte) ' ');
        return new Plan(header.flip(), order);
    }

    private static void write(Plan plan, WritableByteChannel ch) throws IOException {
        writeFully(ch, plan.header);
        ByteBuffer buf = ByteBuffer.allocate(SafeTensorsReader.CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (var e : plan.order) {
            Tensor t = e.getValue();
            int size = t.dtype().bytes(), perChunk = SafeTensorsReader.CHUNK / size, n = t.numel();
            Object data = switch (t.dtype()) {
                case F32 -> t.toFloatArray();
                case F64 -> t.toDoubleArray();
                case I32 -> t.toIntArray();
                case I8, BOOL -> t.toByteArray();
            };
            for (int i = 0; i < n; i += perChunk) {
                int k = Math.min(perChunk, n - i);
                buf.clear();
                switch (data) {
                    case float[] a -> buf.asFloatBuffer().put(a, i, k);
                    case double[] a -> buf.asDoubleBuffer().put(a, i, k);
                    case int[] a -> buf.asIntBuffer().put(a, i, k);
                    case byte[] a -> buf.put(0, a, i, k);
                    default -> throw new IllegalStateException(data.getClass().getName());
                }
                writeFully(ch, buf.limit(k * size));
            }
        }
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }
}
