package org.jgrad.nn.io;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jgrad.nn.io.SafeTensorsException.Kind;

/**
 * The strict JSON subset a safetensors header needs: objects, arrays, strings and numbers (RFC 8259 grammar).
 * Objects become insertion-ordered {@code Map<String, Object>}, arrays {@code List<Object>}, integers {@code Long}
 * (or {@code BigInteger} beyond 64 bits) and other numbers {@code BigDecimal}, so the caller can say "shape 2.5 is
 * not an integer" with the tensor's name instead of a bare syntax error. {@code true}, {@code false} and
 * {@code null} never occur in a header and are rejected, as are duplicate keys, nesting deeper than
 * {@link #MAX_DEPTH}, lone surrogates, control characters in strings and anything after the value but spaces.
 */
final class Json {
    /** A header is three levels deep (root, tensor, shape); anything far deeper is an attack, not a checkpoint. */
    static final int MAX_DEPTH = 16;
    /** Longer number literals are hostile: BigInteger parsing is quadratic in the digit count. */
    private static final int MAX_NUMBER_CHARS = 64;

    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    /** The value that {@code text} holds, or a {@link Kind#BAD_JSON} / {@link Kind#DUPLICATE_KEY} / {@link Kind#NESTING} error with its offset. */
    static Object parse(String text) throws SafeTensorsException {
        Json p = new Json(text);
        p.space();
        Object v = p.value(0);
        p.space();
        if (p.i != text.length()) throw p.error("unexpected " + p.describeHere() + " after the top-level value");
        return v;
    }

    private Object value(int depth) throws SafeTensorsException {
        if (depth >= MAX_DEPTH)
            throw new SafeTensorsException(Kind.NESTING, null, "header JSON nests deeper than " + MAX_DEPTH + " levels at offset " + i);
        if (i >= s.length()) throw error("unexpected end of the header, expected a value");
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected " + describeHere() + ", expected an object, array, string or number");
            }
        };
    }

    private Map<String, Object> object(int depth) throws SafeTensorsException {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        space();
        if (peek() == '}') {
            i++;
            return m;
        }
        while (true) {
            space();
            if (peek() != '"') throw error("unexpected " + describeHere() + ", expected a string key");
            int at = i;
            String key = string();
            space();
            expect(':');
            space();
            Object v = value(depth + 1);
            if (m.putIfAbsent(key, v) != null)
                throw new SafeTensorsException(Kind.DUPLICATE_KEY, depth == 0 ? key : null,
                        "header JSON has the key \"" + key + "\" twice (second at offset " + at + ")");
            space();
            if (peek() == ',') {
                i++;
                continue;
            }
            expect('}');
            return m;
        }
    }

    private List<Object> array(int depth) throws SafeTensorsException {
        List<Object> a = new ArrayList<>();
        i++;
        space();
        if (peek() == ']') {
            i++;
            return a;
        }
        while (true) {
            space();
            a.add(value(depth + 1));
            space();
            if (peek() == ',') {
                i++;
                continue;
            }
            expect(']');
            return a;
        }
    }

    private String string() throws SafeTensorsException {
        i++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) throw error("unterminated string");
            char c = s.charAt(i++);
            if (c == '"') break;
            if (c < 0x20) throw error("control character U+" + hex(c) + " inside a string (must be escaped)");
            // Raw surrogates need no check: the header was decoded from strict UTF-8, so they come in valid pairs.
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) throw error("unterminated escape");
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> b.append(unicodeEscape());
                default -> throw error("invalid escape \\" + e);
            }
        }
        return b.toString();
    }

    /** A \\uXXXX escape after the 'u', joining a surrogate pair written as two escapes; lone halves are errors. */
    private String unicodeEscape() throws SafeTensorsException {
        char hi = hex4();
        if (!Character.isSurrogate(hi)) return String.valueOf(hi);
        if (Character.isLowSurrogate(hi)) throw error("lone low surrogate \\u" + hex(hi));
        if (!s.startsWith("\\u", i)) throw error("high surrogate \\u" + hex(hi) + " is not followed by a low surrogate");
        i += 2;
        char lo = hex4();
        if (!Character.isLowSurrogate(lo))
            throw error("high surrogate \\u" + hex(hi) + " is followed by \\u" + hex(lo) + ", not a low surrogate");
        return new String(new char[] {hi, lo});
    }

    private char hex4() throws SafeTensorsException {
        if (i + 4 > s.length()) throw error("truncated \\u escape");
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(s.charAt(i + k), 16);
            if (d < 0) throw error("invalid hex digit '" + s.charAt(i + k) + "' in a \\u escape");
            v = v * 16 + d;
        }
        i += 4;
        return (char) v;
    }

    private Object number() throws SafeTensorsException {
        int start = i;
        if (peek() == '-') i++;
        if (peek() == '0') i++;
        else if (!digits()) throw error("a number needs digits");
        boolean integral = true;
        if (peek() == '.') {
            i++;
            if (!digits()) throw error("a fraction needs digits after '.'");
            integral = false;
        }
        if (peek() == 'e' || peek() == 'E') {
            i++;
            if (peek() == '+' || peek() == '-') i++;
            if (!digits()) throw error("an exponent needs digits");
            integral = false;
        }
        if (i - start > MAX_NUMBER_CHARS) throw error("number literal longer than " + MAX_NUMBER_CHARS + " characters");
        String t = s.substring(start, i);
        if (!integral) return new BigDecimal(t);
        BigInteger v = new BigInteger(t);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private boolean digits() {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        return i > start;
    }

    private void space() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            i++;
        }
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void expect(char c) throws SafeTensorsException {
        if (peek() != c) throw error("unexpected " + describeHere() + ", expected '" + c + "'");
        i++;
    }

    private String describeHere() {
        if (i >= s.length()) return "end of the header";
        char c = s.charAt(i);
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : "character U+" + hex(c);
    }

    private SafeTensorsException error(String what) {
        return new SafeTensorsException(Kind.BAD_JSON, null, "header JSON: " + what + " at offset " + i);
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }

    // ---------------------------------------------------------------- writing

    /** {@code v} as a JSON string literal; the caller encodes it as UTF-8 (so lone surrogates fail there). */
    static void quote(StringBuilder b, String v) {
        b.append('"');
        for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append("\\u").append(hex(c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }
}
