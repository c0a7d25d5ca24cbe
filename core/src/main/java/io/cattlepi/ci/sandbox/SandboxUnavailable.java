package io.cattlepi.ci.sandbox;

/** The configured sandbox cannot work on this host; the message says why and how to fix it. */
public final class SandboxUnavailable extends Exception {
    public SandboxUnavailable(String message) {
        super(message);
    }
}
