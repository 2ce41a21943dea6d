package io.kiln.core;

/** A hardware profile file is malformed or contradicts itself; the message names the file and the field. */
public class ProfileFormatException extends KilnException {
    public ProfileFormatException(String message) {
        super(message);
    }

    public ProfileFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
