package io.cattlepi.ci.fleet;

/**
 * What one probe of a Pi saw: whether it answered over SSH as {@code pi}, whether it runs stock
 * Raspbian (the seed's two checks), the host key it presented, or why it could not be reached.
 *
 * @param hostKey fingerprint of the key presented, or null if the connection never got that far
 * @param failure what went wrong, or null
 */
public record Observation(boolean alive, boolean onStock, String hostKey, ShellException.Kind failureKind,
                          String failure) {
    public static Observation up(boolean onStock, String hostKey) {
        return new Observation(true, onStock, hostKey, null, null);
    }

    public static Observation down(ShellException e) {
        return new Observation(false, false, e.hostKey(), e.kind(), e.getMessage());
    }

    public boolean hostKeyRejected() {
        return failureKind == ShellException.Kind.HOST_KEY_REJECTED;
    }
}
