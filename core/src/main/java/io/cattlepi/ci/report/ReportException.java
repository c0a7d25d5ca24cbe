package io.cattlepi.ci.report;

/** Publishing failed; {@code retryable} is false for answers that will not change (401, 404, 422). */
public final class ReportException extends Exception {
    private final boolean retryable;

    public ReportException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
