package io.kiln.core;

/**
 * An argument is unusable: null, closed, owned by another memory space, aliased where the op forbids it, a
 * negative or non-finite hyper-parameter, or a label out of range.
 */
public class InvalidArgumentException extends KilnException {
    public InvalidArgumentException(String message) {
        super(message);
    }
}
