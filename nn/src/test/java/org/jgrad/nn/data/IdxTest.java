package org.jgrad.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.jgrad.DType;
import org.jgrad.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader: every element type, gzip or plain, and one hand-made malformed file per check. */
class IdxTest {
    /** A plain IDX file: magic 00 00 type rank, big-endian dims, then {@code body}. */
    static byte[] idx(int typeCode, int[] dims, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + body.length);
        b.put((byte) 0).put((byte) 0).put((byte) typeCode).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        return b.put(body).array();
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Idx read(byte[] file) throws IOException {
        return Idx.read(new ByteArrayInputStream(file), "test.idx");
    }

    /** Expects the read to fail with a message naming the file and containing {@code words}. */
    private static void fails(byte[] file, String... words) {
        var e = assertThrows(IdxException.class, () -> read(file));
        assertTrue(e.getMessage().startsWith("test.idx: "), e.getMessage());
        for (String w : words) assertTrue(e.getMessage().contains(w), "'" + w + "' not in: " + e.getMessage());
    }

    private static final byte[] U8_2x3 = idx(0x08, new int[] {2, 3}, new byte[] {0, 1, 2, (byte) 200, (byte) 254, (byte) 255});

    @Test
    void readsU8PlainAndGzippedAlike() throws IOException {
        for (byte[] f : new byte[][] {U8_2x3, gzip(U8_2x3)}) {
            Idx a = read(f);
            assertEquals(Idx.Type.U8, a.type());
            assertArrayEquals(new int[] {2, 3}, a.shape());
            assertArrayEquals(new int[] {0, 1, 2, 200, 254, 255}, a.toTensor().toIntArray());
        }
    }

    @Test
    void readsEveryOtherElementTypeBigEndian() throws IOException {
        byte[] i16 = ByteBuffer.allocate(4).putShort((short) -3).putShort((short) 5).array();
        assertArrayEquals(new int[] {-3, 5}, read(idx(0x0B, new int[] {2}, i16)).toTensor().toIntArray());
        byte[] i32 = ByteBuffer.allocate(8).putInt(Integer.MIN_VALUE).putInt(7).array();
        assertArrayEquals(new int[] {Integer.MIN_VALUE, 7}, read(idx(0x0C, new int[] {2}, i32)).toTensor().toIntArray());
        byte[] f32 = ByteBuffer.allocate(8).putFloat(1.5f).putFloat(-0.25f).array();
        assertArrayEquals(new float[] {1.5f, -0.25f}, read(idx(0x0D, new int[] {2}, f32)).toTensor().toFloatArray());
        byte[] f64 = ByteBuffer.allocate(8).putDouble(Math.PI).array();
        Tensor d = read(idx(0x0E, new int[] {1}, f64)).toTensor();
        assertEquals(DType.F64, d.dtype());
        assertEquals(Math.PI, d.item());
        Tensor i8 = read(idx(0x09, new int[] {2}, new byte[] {-1, 3})).toTensor();
        assertEquals(DType.I8, i8.dtype());
        assertArrayEquals(new int[] {-1, 3}, i8.toIntArray());
    }

    @Test
    void readsAFileFromDisk(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("x-idx2-ubyte.gz");
        Files.write(f, gzip(U8_2x3));
        assertArrayEquals(new int[] {2, 3}, Idx.read(f).shape());
        Files.write(f, Arrays.copyOf(U8_2x3, 7));
        var e = assertThrows(IdxException.class, () -> Idx.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }

    @Test
    void aFileShorterThanTheMagicIsRejected() {
        fails(new byte[] {0, 0, 8}, "4-byte magic");
    }

    @Test
    void aMagicNotStartingWithTwoZeroBytesIsRejected() {
        byte[] f = U8_2x3.clone();
        f[1] = 8;
        fails(f, "bad magic 00 08 08 02");
    }

    @Test
    void anUnknownTypeCodeIsRejected() {
        fails(idx(0x0A, new int[] {1}, new byte[] {1}), "type code 0x0A");
    }

    @Test
    void rankZeroOrAboveTheCapIsRejected() {
        fails(idx(0x08, new int[0], new byte[] {1}), "rank 0");
        fails(idx(0x08, new int[9], new byte[0]), "rank 9");
    }

    @Test
    void aTruncatedHeaderIsRejected() {
        fails(Arrays.copyOf(U8_2x3, 9), "truncated header", "2 dimensions");
    }

    @Test
    void aDimensionAbove2To31IsRejected() {
        fails(idx(0x08, new int[] {-1}, new byte[0]), "dimension 0 is 4294967295");
    }

    @Test
    void dimensionsWhoseProductOverflowsAreRejectedBeforeAllocating() {
        fails(idx(0x0E, new int[] {65536, 65536}, new byte[0]), "dimension 1 is 65536", "exceed");
        fails(idx(0x08, new int[] {1 << 30, 1 << 30, 1 << 30, 1 << 30}, new byte[0]), "exceed");
    }

    @Test
    void truncatedDataIsRejectedWithBothCounts() {
        fails(Arrays.copyOf(U8_2x3, U8_2x3.length - 2), "expected 6 data bytes, found 4");
        // claims 1.6 GB, holds 4 bytes: fails on the bytes that are there, without allocating the claim
        fails(idx(0x08, new int[] {40000, 40000}, new byte[4]), "expected 1600000000 data bytes, found 4");
        fails(gzip(Arrays.copyOf(U8_2x3, U8_2x3.length - 1)), "found 5");
    }

    @Test
    void trailingBytesAreRejectedInPlainAndGzippedFiles() {
        fails(Arrays.copyOf(U8_2x3, U8_2x3.length + 1), "trailing bytes");
        fails(gzip(Arrays.copyOf(U8_2x3, U8_2x3.length + 3)), "trailing bytes");
        byte[] z = gzip(U8_2x3);
        fails(Arrays.copyOf(z, z.length + 5), "5 trailing bytes after the last gzip member");
    }

    @Test
    void concatenatedGzipMembersAreOneValidStream() throws IOException {
        byte[] a = gzip(Arrays.copyOf(U8_2x3, 10)), b = gzip(Arrays.copyOfRange(U8_2x3, 10, U8_2x3.length));
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        assertArrayEquals(U8_2x3, idx(0x08, read(both).shape(), read(both).raw()));
    }

    @Test
    void corruptOrTruncatedGzipIsRejected() {
        byte[] z = gzip(U8_2x3);
        fails(Arrays.copyOf(z, z.length - 3), "gzip", "truncated");
        byte[] badCrc = z.clone();
        badCrc[z.length - 8] ^= 1;
        fails(badCrc, "CRC-32 mismatch");
        byte[] badSize = z.clone();
        badSize[z.length - 4] ^= 1;
        fails(badSize, "length mismatch");
        byte[] badMethod = z.clone();
        badMethod[2] = 7;
        fails(badMethod, "compression method 7");
        byte[] badData = z.clone();
        badData[10] = (byte) 0xFF; // block type 3 is reserved
        fails(badData, "gzip");
    }
}
