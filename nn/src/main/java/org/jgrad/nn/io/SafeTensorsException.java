package org.jgrad.nn.io;

import java.io.IOException;

/**
 * A safetensors file that breaks the format: the {@link #kind() kind} of defect, the tensor it concerns (when one
 * does) and a message saying what was found and what was expected. Thrown before any tensor is allocated from a
 * size the file claims, so a hostile file costs at most its own length in memory.
 */
public final class SafeTensorsException extends IOException {
    /** What is wrong; each constant is one of the reference implementation's failure classes. */
    public enum Kind {
        /** Fewer than the 8 bytes of the header-length prefix. */
        HEADER_TOO_SHORT,
        /** The header length exceeds {@link SafeTensors#MAX_HEADER_BYTES}. */
        HEADER_TOO_LARGE,
        /** 8 + header length overflows or runs past the end of the file. */
        HEADER_LENGTH,
        /** The header bytes are not valid UTF-8. */
        HEADER_NOT_UTF8,
        /** The header does not start with '{'. */
        HEADER_START,
        /** The header is not valid JSON (syntax, literals, trailing garbage). */
        BAD_JSON,
        /** The header JSON nests deeper than the parser allows. */
        NESTING,
        /** A key appears twice in one JSON object (at the top level: two tensors of one name). */
        DUPLICATE_KEY,
        /** A tensor entry or {@code __metadata__} has a missing, unknown or mistyped field, or a negative or fractional number. */
        BAD_ENTRY,
        /** A dtype name the format does not define. */
        UNKNOWN_DTYPE,
        /** A dtype the format defines that jgrad neither holds nor converts. */
        UNSUPPORTED_DTYPE,
        /** The element count or byte size overflows, or exceeds what a jgrad tensor can hold. */
        TOO_LARGE,
        /** data_offsets reversed, overlapping another tensor, leaving a hole, or past the end of the data. */
        OFFSETS,
        /** data_offsets span a byte count other than elements × dtype size. */
        SIZE_MISMATCH,
        /** Bytes after the last tensor's data. */
        TRAILING_BYTES,
        /** A value the target dtype cannot hold (an I64 outside the I32 range, a BOOL byte other than 0 or 1). */
        VALUE_OUT_OF_RANGE
    }

    private final Kind kind;
    private final String tensor;
    private final String detail;

    SafeTensorsException(Kind kind, String tensor, String detail) {
        this(kind, tensor, detail, null);
    }

    private SafeTensorsException(Kind kind, String tensor, String detail, String source) {
        super((source == null ? "" : source + ": ") + (tensor == null ? "" : "tensor '" + tensor + "': ") + detail);
        this.kind = kind;
        this.tensor = tensor;
        this.detail = detail;
    }

    /** The same defect, with the message naming the file it was found in. */
    SafeTensorsException in(Object source) {
        SafeTensorsException e = new SafeTensorsException(kind, tensor, detail, String.valueOf(source));
        e.setStackTrace(getStackTrace());
        return e;
    }

    public Kind kind() {
        return kind;
    }

    /** The tensor the defect concerns, or null when it concerns the file as a whole. */
    public String tensor() {
        return tensor;
    }
}
