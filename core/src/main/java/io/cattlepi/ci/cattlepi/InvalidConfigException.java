package io.cattlepi.ci.cattlepi;

/** A body that is not a usable device config; the message names what is wrong. */
public final class InvalidConfigException extends Exception {
    public InvalidConfigException(String message) {
        super(message);
    }
}
