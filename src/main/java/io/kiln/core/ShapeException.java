package io.kiln.core;

/** A tensor has the wrong rank or a shape that does not fit the op's shape rule. */
public class ShapeException extends KilnException {
    public ShapeException(String message) {
        super(message);
    }
}
