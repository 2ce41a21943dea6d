package io.kiln.core;

/** A backend asked for by name cannot load here; the message says why and what to install. */
public class BackendUnavailableException extends KilnException {
    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
