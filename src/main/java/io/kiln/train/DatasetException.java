package io.kiln.train;

import io.kiln.core.KilnException;

/**
 * A data file or data set cannot be used: missing, wrong magic number, truncated, counts that disagree, a field that
 * is not a number. The message always names the file (or data set) and what was expected against what was found.
 */
public class DatasetException extends KilnException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
