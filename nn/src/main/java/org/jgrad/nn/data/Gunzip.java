package org.jgrad.nn.data;

import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The decompressed bytes of a gzip file held in memory (RFC 1952), member after member, checking each member's
 * CRC-32 and length. Written because {@code GZIPInputStream} silently ignores bytes after the last member, and
 * a dataset file with garbage appended is corrupt, not fine.
 */
final class Gunzip extends InputStream {
    private static final int FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16;

    private final byte[] z;
    private final String name;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private int pos;
    private long size;
    private boolean done;

    Gunzip(byte[] z, String name) throws IdxException {
        this.z = z;
        this.name = name;
        member();
    }

    static boolean isGzip(byte[] head) {
        return head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
    }

    @Override
    public int read() throws IdxException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IdxException {
        if (len == 0) return 0;
        while (!done) {
            int k;
            try {
                k = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw corrupt("bad deflate data (" + e.getMessage() + ")");
            }
            if (k > 0) {
                crc.update(b, off, k);
                size += k;
                return k;
            }
            if (inflater.finished()) {
                pos = z.length - inflater.getRemaining();
                trailer();
                if (pos == z.length) done = true;
                else member();
            } else if (inflater.needsInput()) {
                throw corrupt("truncated: the compressed data ends inside a member");
            } else if (inflater.needsDictionary()) {
                throw corrupt("deflate data asks for a preset dictionary, which gzip never uses");
            }
        }
        return -1;
    }

    /** Parses a member header at {@code pos} and points the inflater at the compressed data after it. */
    private void member() throws IdxException {
        if (z.length - pos < 10 || (z[pos] & 0xff) != 0x1f || (z[pos + 1] & 0xff) != 0x8b)
            throw corrupt(pos == 0 ? "not a gzip file" : (z.length - pos) + " trailing bytes after the last gzip member");
        if (z[pos + 2] != 8) throw corrupt("compression method " + z[pos + 2] + ", expected 8 (deflate)");
        int flags = z[pos + 3] & 0xff;
        int p = pos + 10;
        if ((flags & FEXTRA) != 0) {
            if (p + 2 > z.length) throw corrupt("truncated header");
            p += 2 + ((z[p] & 0xff) | (z[p + 1] & 0xff) << 8);
        }
        if ((flags & FNAME) != 0) p = skipZeroTerminated(p);
        if ((flags & FCOMMENT) != 0) p = skipZeroTerminated(p);
        if ((flags & FHCRC) != 0) p += 2;
        if (p > z.length) throw corrupt("truncated header");
        pos = p;
        inflater.reset();
        inflater.setInput(z, pos, z.length - pos);
        crc.reset();
        size = 0;
    }

    private int skipZeroTerminated(int p) throws IdxException {
        while (p < z.length && z[p] != 0) p++;
        if (p == z.length) throw corrupt("truncated header");
        return p + 1;
    }

    private void trailer() throws IdxException {
        if (z.length - pos < 8) throw corrupt("truncated: the member's CRC and length are missing");
        long storedCrc = le32(pos), storedSize = le32(pos + 4);
        if (storedCrc != crc.getValue())
            throw corrupt(String.format("CRC-32 mismatch (stored %08x, computed %08x)", storedCrc, crc.getValue()));
        if (storedSize != (size & 0xffffffffL))
            throw corrupt("length mismatch (stored " + storedSize + ", decompressed " + size + " mod 2^32)");
        pos += 8;
    }

    private long le32(int p) {
        return (z[p] & 0xffL) | (z[p + 1] & 0xffL) << 8 | (z[p + 2] & 0xffL) << 16 | (z[p + 3] & 0xffL) << 24;
    }

    private IdxException corrupt(String what) {
        return new IdxException(name, "gzip: " + what);
    }

    @Override
    public void close() {
        inflater.end();
    }
}
