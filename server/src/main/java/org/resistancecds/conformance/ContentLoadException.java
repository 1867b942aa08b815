package org.resistancecds.conformance;

/** A content file could not be read, parsed or installed; the message names the file. */
public class ContentLoadException extends RuntimeException {

    public ContentLoadException(String message, Throwable cause) {
        super(message, cause);
    }

    public ContentLoadException(String message) {
        super(message);
    }
}
