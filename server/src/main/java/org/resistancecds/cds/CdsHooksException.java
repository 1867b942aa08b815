package org.resistancecds.cds;

/**
 * A CDS Hooks call that cannot be answered, with the HTTP status the CDS Hooks specification names for it and
 * a message that tells the client what to fix. The message is sent to the client; it never holds a stack trace.
 */
public class CdsHooksException extends RuntimeException {

    private final int status;

    public CdsHooksException(int status, String message) {
        super(message);
        this.status = status;
    }

    public CdsHooksException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** 400: the request is malformed or incomplete. */
    public static CdsHooksException badRequest(String message) {
        return new CdsHooksException(400, message);
    }

    /** 412: the service cannot obtain data it requires (CDS Hooks 2.0, "Prefetch"). */
    public static CdsHooksException preconditionFailed(String message) {
        return new CdsHooksException(412, message);
    }

    public int status() {
        return status;
    }
}
