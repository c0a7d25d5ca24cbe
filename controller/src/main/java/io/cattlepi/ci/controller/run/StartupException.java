package io.cattlepi.ci.controller.run;

/** The controller cannot start for a reason the operator can fix; the message names the setting. */
public final class StartupException extends Exception {
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
