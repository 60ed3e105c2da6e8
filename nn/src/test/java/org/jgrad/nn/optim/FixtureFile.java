package org.jgrad.nn.optim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jgrad.Tensor;

/**
 * TEMPORARY test-only reader of the fixture written by make_optim_fixtures.py (F32/F64 tensors, no metadata), until
 * org.jgrad.nn.io.SafeTensors (branch nn-io) exists; then the tests use that and this file goes.
 */
final class FixtureFile {
    private static final Pattern ENTRY = Pattern.compile(
            "\"([^\"]+)\":\\{\"dtype\":\"(F32|F64)\",\"shape\":\\[([0-9,]*)],\"data_offsets\":\\[(\\d+),(\\d+)]}");

    private FixtureFile() {
    }

    static Map<String, Tensor> load(String resource) {
        try (InputStream in = FixtureFile.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource
                    + "; regenerate it with /usr/bin/python3 nn/src/test/python/make_optim_fixtures.py");
            ByteBuffer all = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            int n = (int) all.getLong(0);
            String header = new String(all.array(), 8, n, StandardCharsets.UTF_8);
            var out = new LinkedHashMap<String, Tensor>();
            var m = ENTRY.matcher(header);
            while (m.find()) {
                int[] shape = m.group(3).isEmpty() ? new int[0]
                        : java.util.Arrays.stream(m.group(3).split(",")).mapToInt(Integer::parseInt).toArray();
                int begin = 8 + n + Integer.parseInt(m.group(4)), end = 8 + n + Integer.parseInt(m.group(5));
                ByteBuffer data = all.slice(begin, end - begin).order(ByteOrder.LITTLE_ENDIAN);
                if (m.group(2).equals("F64")) {
                    double[] v = new double[(end - begin) / 8];
                    data.asDoubleBuffer().get(v);
                    out.put(m.group(1), Tensor.of(v, shape));
                } else {
                    float[] v = new float[(end - begin) / 4];
                    data.asFloatBuffer().get(v);
                    out.put(m.group(1), Tensor.of(v, shape));
                }
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
