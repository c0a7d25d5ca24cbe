package io.cattlepi.ci.cattlepi;

/** A CattlePi API call that failed; {@link Kind} says whether trying again can help. */
public final class CattlePiApiException extends Exception {
    public enum Kind {
        /** 400/401: the key is missing or not accepted. */
        UNAUTHORIZED,
        /** 403: the key may not do this (e.g. the read-only demo key writing). */
        FORBIDDEN,
        /** 404: no config for the device and no default. */
        NOT_FOUND,
        /** 413 or over our own 4096-byte check: the config is too big to store. */
        TOO_LARGE,
        /** The answer is not a device config. */
        BAD_BODY,
        /** 5xx, timeout, connection refused: worth retrying later. */
        UNAVAILABLE
    }

    private final Kind kind;

    public CattlePiApiException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind == Kind.UNAVAILABLE;
    }
}
