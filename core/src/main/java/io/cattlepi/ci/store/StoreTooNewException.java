package io.cattlepi.ci.store;

/** The store was migrated by a newer release in a way this one cannot run on; the message says what to do. */
public final class StoreTooNewException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreTooNewException(String message) {
        super(message, null);
    }
}
