package io.kiln.core;

/** A device kernel failed to build or launch; the message carries the compiler's build log or launch sizes. */
public class KernelBuildException extends KilnException {
    public KernelBuildException(String message) {
        super(message);
    }

    public KernelBuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
