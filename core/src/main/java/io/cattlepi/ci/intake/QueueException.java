package io.cattlepi.ci.intake;

/**
 * The queue could not be reached or refused a call. {@code staleHandle} marks an expired receipt
 * handle; {@code refused} a message the queue will never take (too long, bad contents), so sending
 * it again is pointless.
 */
public final class QueueException extends Exception {
    private final boolean staleHandle;
    private final boolean refused;

    public QueueException(String message, boolean staleHandle, Throwable cause) {
        this(message, staleHandle, false, cause);
    }

    public QueueException(String message, boolean staleHandle, boolean refused, Throwable cause) {
        super(message, cause);
        this.staleHandle = staleHandle;
        this.refused = refused;
    }

    public boolean staleHandle() {
        return staleHandle;
    }

    public boolean refused() {
        return refused;
    }
}
