package org.jgrad.nn.io;

import static org.jgrad.nn.io.SafeTensorsTest.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jgrad.nn.io.SafeTensorsException.Kind;
import org.junit.jupiter.api.Test;

/** One test per malformed case of the reference implementation: each is a typed error naming the cause. */
class SafeTensorsMalformedTest {
    private static final String F32_2 = "\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":";

    /** Loads {@code bytes}, expects {@code kind}, and checks the message mentions each of {@code words}. */
    private static SafeTensorsException fails(Kind kind, byte[] bytes, String... words) {
        var e = assertThrows(SafeTensorsException.class, () -> SafeTensors.load(bytes));
        assertEquals(kind, e.kind(), e.getMessage());
        for (String w : words) assertTrue(e.getMessage().contains(w), "'" + w + "' not in: " + e.getMessage());
        return e;
    }

    private static SafeTensorsException fails(Kind kind, String header, int dataBytes, String... words) {
        return fails(kind, file(header, new byte[dataBytes]), words);
    }

    private static byte[] prefixOnly(long n, int total) {
        return ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
    }

    @Test
    void fewerThanEightBytesIsHeaderTooShort() {
        fails(Kind.HEADER_TOO_SHORT, new byte[7], "7 bytes");
    }

    @Test
    void aHeaderLengthOverTheCapIsRejectedBeforeAllocating() {
        fails(Kind.HEADER_TOO_LARGE, prefixOnly(SafeTensors.MAX_HEADER_BYTES + 1, 16), "100000001");
    }

    @Test
    void aHeaderLengthThatWouldOverflowIsHeaderTooLarge() {
        fails(Kind.HEADER_TOO_LARGE, prefixOnly(-1L, 16), "18446744073709551615");
        fails(Kind.HEADER_TOO_LARGE, prefixOnly(Long.MAX_VALUE - 4, 16));
    }

    @Test
    void aHeaderLengthPastTheEndOfTheFileIsRejected() {
        fails(Kind.HEADER_LENGTH, prefixOnly(1000, 20), "1000", "20-byte");
    }

    @Test
    void aHeaderThatIsNotUtf8IsRejected() {
        byte[] f = file("{\"a\":{}}", new byte[0]);
        f[11] = (byte) 0xFF;
        fails(Kind.HEADER_NOT_UTF8, f, "UTF-8");
        byte[] overlong = file("{\"xx\":1}", new byte[0]); // 0xC0 0xAF: an overlong '/'
        overlong[10] = (byte) 0xC0;
        overlong[11] = (byte) 0xAF;
        fails(Kind.HEADER_NOT_UTF8, overlong);
        byte[] surrogate = file("{\"xxx\":1}", new byte[0]); // ED A0 80: a UTF-16 surrogate encoded as UTF-8
        surrogate[10] = (byte) 0xED;
        surrogate[11] = (byte) 0xA0;
        surrogate[12] = (byte) 0x80;
        fails(Kind.HEADER_NOT_UTF8, surrogate);
    }

    @Test
    void aHeaderThatDoesNotStartWithABraceIsRejected() {
        fails(Kind.HEADER_START, " {}", 0, "'{'");
        fails(Kind.HEADER_START, "[]      ", 0);
        fails(Kind.HEADER_START, "", 0, "empty");
    }

    @Test
    void invalidJsonIsRejectedWithItsOffset() {
        for (String h : new String[] {"{\"a\":}", "{\"a\":{},}", "{} x", "{\"a\":true}", "{\"a\":null}", "{\"a",
                "{\"a\\q\":{}}", "{\"\\ud800\":{}}", "{\"\\udc00x\":{}}", "{\"\\ud800\\u0041\":{}}", "{\"a\tb\":{}}",
                "{'a':{}}", "{\"a\":01}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\" {}}", "{\"a\":[1 2]}",
                "{\"\\u12G4\":{}}"})
            fails(Kind.BAD_JSON, h, 0, "offset");
    }

    @Test
    void nestingDeeperThanTheLimitIsRejected() {
        String deep = "[".repeat(1000) + "]".repeat(1000);
        fails(Kind.NESTING, "{\"__metadata__\":" + deep + "}", 0, "nests deeper");
    }

    @Test
    void twoTensorsOfOneNameAreADuplicateNamingIt() {
        var e = fails(Kind.DUPLICATE_KEY, "{\"w\":{" + F32_2 + "[0,8]},\"w\":{" + F32_2 + "[8,16]}}", 16, "\"w\" twice");
        assertEquals("w", e.tensor());
        fails(Kind.DUPLICATE_KEY, "{\"w\":{" + F32_2 + "[0,8],\"dtype\":\"F32\"}}", 8, "\"dtype\" twice");
    }

    @Test
    void anUnknownDtypeNamesTheTensorAndTheDtype() {
        var e = fails(Kind.UNKNOWN_DTYPE, "{\"w\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "F33");
        assertEquals("w", e.tensor());
    }

    @Test
    void aDtypeOfTheFormatThatJgradCannotHoldIsUnsupported() {
        fails(Kind.UNSUPPORTED_DTYPE, "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2, "F8_E4M3");
    }

    @Test
    void negativeOrFractionalShapesAndOffsetsAreRejected() {
        String[][] cases = {
            {"\"shape\":[-2]", "shape[0] = -2 is negative"}, {"\"shape\":[2.0]", "shape[0] = 2.0 is not an integer"},
            {"\"shape\":[2e0]", "not an integer"}, {"\"shape\":[\"2\"]", "must be an integer"},
            {"\"shape\":[-99999999999999999999999]", "negative"}};
        for (String[] c : cases)
            fails(Kind.BAD_ENTRY, "{\"w\":{\"dtype\":\"F32\"," + c[0] + ",\"data_offsets\":[0,8]}}", 8, "'w'", c[1]);
        fails(Kind.BAD_ENTRY, "{\"w\":{" + F32_2 + "[-8,0]}}", 8, "data_offsets[0] = -8 is negative");
        fails(Kind.BAD_ENTRY, "{\"w\":{" + F32_2 + "[0,8.5]}}", 8, "data_offsets[1] = 8.5 is not an integer");
    }

    @Test
    void missingUnknownOrMistypedFieldsAreBadEntries() {
        fails(Kind.BAD_ENTRY, "{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 0, "lacks \"data_offsets\"");
        fails(Kind.BAD_ENTRY, "{\"w\":{" + F32_2 + "[0,8],\"extra\":[]}}", 8, "unknown field \"extra\"");
        fails(Kind.BAD_ENTRY, "{\"w\":[]}", 0, "must be an object");
        fails(Kind.BAD_ENTRY, "{\"w\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "dtype must be a string");
        fails(Kind.BAD_ENTRY, "{\"w\":{" + F32_2 + "[0,8,8]}}", 8, "2 numbers");
        fails(Kind.BAD_ENTRY, "{\"w\":{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}}", 8, "shape must be an array");
    }

    @Test
    void metadataMustMapStringsToStrings() {
        fails(Kind.BAD_ENTRY, "{\"__metadata__\":{\"epoch\":3}}", 0, "\"epoch\" must be a string");
        fails(Kind.BAD_ENTRY, "{\"__metadata__\":[\"a\"]}", 0, "__metadata__ must be an object");
        fails(Kind.BAD_ENTRY, "{\"__metadata__\":{\"a\":{\"b\":\"c\"}}}", 0, "must be a string");
    }

    @Test
    void overlappingOffsetsAreRejectedNamingBothTensors() {
        var e = fails(Kind.OFFSETS, "{\"a\":{" + F32_2 + "[0,8]},\"b\":{" + F32_2 + "[4,12]}}", 12, "'a' ends at 8",
                "overlap");
        assertEquals("b", e.tensor());
    }

    @Test
    void aHoleBetweenTensorsIsRejected() {
        fails(Kind.OFFSETS, "{\"a\":{" + F32_2 + "[0,8]},\"b\":{" + F32_2 + "[12,20]}}", 20, "hole of 4 bytes");
        fails(Kind.OFFSETS, "{\"a\":{" + F32_2 + "[4,12]}}", 12, "data section starts at 0");
    }

    @Test
    void reversedOffsetsAreRejected() {
        fails(Kind.OFFSETS, "{\"a\":{" + F32_2 + "[8,0]}}", 8, "end before they start");
    }

    @Test
    void offsetsPastTheEndOfTheDataAreRejectedBeforeAllocating() {
        fails(Kind.OFFSETS, "{\"a\":{" + F32_2 + "[0,8]}}", 4, "past the end of the 4-byte data section");
        // 4 GB claimed by a file of a few hundred bytes: refused without trying to allocate it
        var e = fails(Kind.OFFSETS, "{\"big\":{\"dtype\":\"F32\",\"shape\":[20000,50000],\"data_offsets\":[0,4000000000]}}",
                8, "4000000000");
        assertEquals("big", e.tensor());
        fails(Kind.OFFSETS, "{\"a\":{" + F32_2 + "[0,99999999999999999999]}}", 8, "does not fit in 63 bits");
    }

    @Test
    void aByteCountOtherThanShapeTimesDtypeSizeIsASizeMismatch() {
        fails(Kind.SIZE_MISMATCH, "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "span 8 bytes",
                "needs 12");
    }

    @Test
    void shapesBeyondWhatATensorHoldsOrOverflowingAreTooLarge() {
        fails(Kind.TOO_LARGE, "{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,8]}}", 8, "more elements");
        fails(Kind.TOO_LARGE, "{\"a\":{\"dtype\":\"F32\",\"shape\":[0,4294967296],\"data_offsets\":[0,0]}}", 0, "dimension 1 = 4294967296");
        fails(Kind.TOO_LARGE, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,8]}}",
                8);
        fails(Kind.TOO_LARGE, "{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]}}", 8,
                "63 bits");
    }

    @Test
    void bytesAfterTheLastTensorAreTrailingBytes() {
        fails(Kind.TRAILING_BYTES, "{\"a\":{" + F32_2 + "[0,8]}}", 9, "1 bytes after");
        fails(Kind.TRAILING_BYTES, "{}", 1);
    }
}
