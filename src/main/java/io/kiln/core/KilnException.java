package io.kiln.core;

/**
 * Root of Kiln's unchecked exceptions. Every message names the op (or component), the argument at fault and the
 * shapes or values involved. Thrown before any work or mutation: when a Kiln call throws, its outputs are untouched.
 */
public class KilnException extends RuntimeException {
    public KilnException(String message) {
        super(message);
    }

    public KilnException(String message, Throwable cause) {
        super(message, cause);
    }
}
