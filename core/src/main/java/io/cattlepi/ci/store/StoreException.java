package io.cattlepi.ci.store;

/** The state database failed; carries the SQL cause (only developers meet this, except its subclasses). */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
