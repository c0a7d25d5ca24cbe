package io.cattlepi.ci.intake;

/** The queue could not be reached or refused a call; {@code staleHandle} marks an expired receipt handle. */
public final class QueueException extends Exception {
    private final boolean staleHandle;

    public QueueException(String message, boolean staleHandle, Throwable cause) {
        super(message, cause);
        this.staleHandle = staleHandle;
    }

    public boolean staleHandle() {
        return staleHandle;
    }
}
