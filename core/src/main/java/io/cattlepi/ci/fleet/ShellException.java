package io.cattlepi.ci.fleet;

/** An SSH command to a Pi could not run or finish; the kind says which stage failed. */
public final class ShellException extends Exception {
    /** The stage that failed. */
    public enum Kind {
        /** Refused, no route, or no SSH banner before the connect timeout. */
        UNREACHABLE,
        /** The Pi's host key is not the one the policy accepts: maybe an impostor. */
        HOST_KEY_REJECTED,
        /** The policy cannot tell yet (the Pi's report of its new key has not arrived); not flagged. */
        HOST_KEY_UNCONFIRMED,
        /** The Pi did not accept our key. */
        AUTH_FAILED,
        /** The command did not finish within its timeout. */
        TIMEOUT,
        /** The connection dropped mid-command (a reboot does this). */
        DISCONNECTED
    }

    private final Kind kind;
    private final String hostKey;

    public ShellException(Kind kind, String message, String hostKey, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.hostKey = hostKey;
    }

    public Kind kind() {
        return kind;
    }

    /** The fingerprint the Pi presented, if the connection got that far. */
    public String hostKey() {
        return hostKey;
    }
}
