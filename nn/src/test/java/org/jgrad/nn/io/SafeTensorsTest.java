package org.jgrad.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jgrad.DType;
import org.jgrad.Tensor;
import org.jgrad.nn.io.SafeTensorsException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    /** Every dtype, a scalar, an empty tensor, a non-contiguous view and a non-ASCII name. */
    static Map<String, Tensor> sample() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("conv.weight", Tensor.of(new float[] {1.5f, -2f, Float.MIN_VALUE, Float.MAX_VALUE, -0f, 3f}, 2, 3));
        m.put("fc.bias", Tensor.of(new double[] {Math.PI, -1e300, 0.1}, 3));
        m.put("counts", Tensor.of(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE, 7}, 2, 2));
        m.put("q", Tensor.of(new byte[] {-128, 0, 127}, 3));
        m.put("mask", Tensor.of(new byte[] {1, 0, 0, 1}, 4).to(DType.BOOL));
        m.put("step", Tensor.scalar(DType.F32, 42));
        m.put("empty", Tensor.zeros(0, 3));
        m.put("transposed", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1));
        m.put("Gewicht.ä\"\\\n😀", Tensor.of(new float[] {9}, 1));
        return m;
    }

    static void assertSameTensors(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (var e : expected.entrySet()) {
            Tensor a = actual.get(e.getKey()), x = e.getValue();
            assertEquals(x.dtype(), a.dtype(), e.getKey());
            assertArrayEquals(x.shape(), a.shape(), e.getKey());
            assertArrayEquals(x.toDoubleArray(), a.toDoubleArray(), e.getKey());
        }
    }

    /** A file with a hand-written header and data section, with the header's true length in front. */
    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(data).array();
    }

    static byte[] littleEndian(int bytesPerValue, long... values) {
        ByteBuffer b = ByteBuffer.allocate(bytesPerValue * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (bytesPerValue) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    @Test
    void saveThenLoadGivesBackEveryTensorAndTheMetadata(@TempDir Path dir) throws IOException {
        Map<String, String> meta = Map.of("format", "pt", "note", "quote \" backslash \\ tab \t ü");
        Path f = dir.resolve("model.safetensors");
        SafeTensors.save(f, sample(), meta);
        Checkpoint c = SafeTensors.load(f);
        assertSameTensors(sample(), c.tensors());
        assertEquals(meta, c.metadata());
        assertArrayEquals(SafeTensors.toBytes(sample(), meta), Files.readAllBytes(f));
    }

    @Test
    void headerIsPaddedToEightBytesAndEveryTensorIsAlignedToItsElementSize() throws IOException {
        byte[] bytes = SafeTensors.toBytes(sample(), Map.of("a", "b"));
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header length " + n);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"a\":\"b\"},"), header);
        Map<?, ?> root = (Map<?, ?>) Json.parse(header);
        for (var e : root.entrySet()) {
            if (e.getKey().equals("__metadata__")) continue;
            Map<?, ?> entry = (Map<?, ?>) e.getValue();
            int size = StDType.valueOf((String) entry.get("dtype")).bytes;
            long start = (Long) ((List<?>) entry.get("data_offsets")).get(0);
            assertEquals(0, (8 + n + start) % size, e.getKey() + " at " + start);
        }
    }

    @Test
    void saveReplacesTheFileAtomicallyAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("ckpt.safetensors");
        SafeTensors.save(f, Map.of("a", Tensor.of(new float[] {1}, 1)));
        SafeTensors.save(f, Map.of("b", Tensor.of(new float[] {2, 3}, 2)));
        assertEquals(List.of("b"), List.copyOf(SafeTensors.load(f).tensors().keySet()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    @Test
    void saveRefusesTheReservedNameAndLeavesTheOldFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("ckpt.safetensors");
        SafeTensors.save(f, Map.of("a", Tensor.of(new float[] {1}, 1)));
        var e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.save(f, Map.of("__metadata__", Tensor.of(new float[] {1}, 1))));
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        assertEquals(List.of("a"), List.copyOf(SafeTensors.load(f).tensors().keySet()));
    }

    @Test
    void loadConvertsWideAndNarrowTypesExactly() throws IOException {
        byte[] data = ByteBuffer.allocate(16 + 3 + 4 + 4).put(littleEndian(8, -5, 1L << 30))
                .put(littleEndian(1, 0, 200, 255)).put(littleEndian(2, 0x3C00, 0xC000)) // F16 1.0, -2.0
                .put(littleEndian(2, 0x3F80, 0x4049)).array(); // BF16 1.0, 3.140625
        String h = "{\"n\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"u\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[16,19]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[19,23]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[23,27]}}";
        Map<String, Tensor> t = SafeTensors.load(file(h, data)).tensors();
        assertArrayEquals(new int[] {-5, 1 << 30}, t.get("n").toIntArray());
        assertArrayEquals(new int[] {0, 200, 255}, t.get("u").toIntArray());
        assertArrayEquals(new float[] {1, -2}, t.get("h").toFloatArray());
        assertArrayEquals(new float[] {1, 3.140625f}, t.get("b").toFloatArray());
        assertEquals(DType.I32, t.get("n").dtype());
        assertEquals(DType.F32, t.get("b").dtype());
    }

    @Test
    void anI64BeyondTheI32RangeIsAnErrorNamingTheTensorAndElement() {
        String h = "{\"num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}";
        var e = assertThrows(SafeTensorsException.class, () -> SafeTensors.load(file(h, littleEndian(8, 1L << 31))));
        assertEquals(Kind.VALUE_OUT_OF_RANGE, e.kind());
        assertEquals("num_batches_tracked", e.tensor());
        assertTrue(e.getMessage().contains("2147483648"), e.getMessage());
    }

    @Test
    void aBoolByteOtherThanZeroOrOneIsAnError() {
        String h = "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}";
        var e = assertThrows(SafeTensorsException.class, () -> SafeTensors.load(file(h, new byte[] {1, 2})));
        assertEquals(Kind.VALUE_OUT_OF_RANGE, e.kind());
    }

    @Test
    void aMalformedFileOnDiskIsNamedInTheMessage(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        var e = assertThrows(SafeTensorsException.class, () -> SafeTensors.load(f));
        assertEquals(Kind.HEADER_TOO_SHORT, e.kind());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }

    @Test
    void anEmptyCheckpointIsValid() throws IOException {
        Checkpoint c = SafeTensors.load(SafeTensors.toBytes(Map.of(), Map.of()));
        assertTrue(c.tensors().isEmpty() && c.metadata().isEmpty());
    }
}
