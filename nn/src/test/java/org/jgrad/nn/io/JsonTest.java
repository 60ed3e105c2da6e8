package org.jgrad.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.jgrad.nn.io.SafeTensorsException.Kind;
import org.junit.jupiter.api.Test;

/** The header parser on valid input (the malformed cases are in SafeTensorsMalformedTest). */
class JsonTest {
    @Test
    void parsesObjectsArraysStringsAndNumbersKeepingKeyOrder() throws SafeTensorsException {
        Object v = Json.parse(" {\"b\" : [1, -0, 9223372036854775807, 9223372036854775808, 2.5, 1E3] ,\n\"a\":{}}\t ");
        assertEquals(Map.of("b", List.of(1L, 0L, Long.MAX_VALUE, new BigInteger("9223372036854775808"),
                new BigDecimal("2.5"), new BigDecimal("1E3")), "a", Map.of()), v);
        assertEquals(List.of("b", "a"), List.copyOf(((Map<?, ?>) v).keySet()));
    }

    @Test
    void decodesEveryEscapeIncludingSurrogatePairs() throws SafeTensorsException {
        assertEquals("\"\\/\b\f\n\r\t\u00e9😀", Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00E9\\ud83d\\ude00\""));
    }

    @Test
    void quotedStringsParseBackToThemselves() throws SafeTensorsException {
        for (String s : new String[] {"", "plain", "q\"b\\s/", "ctl\u0000\u001f\u007f", "tab\tnl\n", "ü 😀 中"}) {
            StringBuilder b = new StringBuilder();
            Json.quote(b, s);
            assertEquals(s, Json.parse(b.toString()), b.toString());
        }
    }

    @Test
    void nestingUpToTheLimitIsAcceptedAndOneMoreIsNot() throws SafeTensorsException {
        int ok = Json.MAX_DEPTH;
        Json.parse("[".repeat(ok) + "]".repeat(ok));
        var e = assertThrows(SafeTensorsException.class, () -> Json.parse("[".repeat(ok + 1) + "]".repeat(ok + 1)));
        assertEquals(Kind.NESTING, e.kind());
    }

    @Test
    void overlongNumbersAreRefusedBeforeParsing() {
        var e = assertThrows(SafeTensorsException.class, () -> Json.parse("[" + "9".repeat(100_000) + "]"));
        assertEquals(Kind.BAD_JSON, e.kind());
    }
}
