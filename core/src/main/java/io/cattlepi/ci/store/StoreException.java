package io.cattlepi.ci.store;

/** The state database failed; carries the SQL cause (only developers meet this). */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
