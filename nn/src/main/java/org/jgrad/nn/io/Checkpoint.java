package org.jgrad.nn.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jgrad.Tensor;

/** The contents of a safetensors file: tensors by name in file-header order, and the {@code __metadata__} strings. */
public record Checkpoint(Map<String, Tensor> tensors, Map<String, String> metadata) {
    public Checkpoint {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
