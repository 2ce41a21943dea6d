package io.kiln.train;

import io.kiln.core.Tensor;

/** A trainable tensor and its gradient (same shape), owned by a model. */
public record Parameter(String name, Tensor value, Tensor grad) {
    public int size() {
        return value.size();
    }
}
