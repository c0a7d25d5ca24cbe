package io.cattlepi.ci.fleet.hostkey;

import io.cattlepi.ci.worker.Worker;

/**
 * Decides whether the host key a Pi presents is really that Pi's. CattlePi Pis make new host keys
 * at every boot, so a plain known_hosts file cannot work; each policy is a per-boot rule.
 */
public interface HostKeyPolicy {
    /**
     * The policy's answer for one presented key.
     *
     * @param undecided not accepted yet, but not an impostor either: ask again later
     */
    record Verdict(boolean accepted, boolean undecided, String reason) {
        public static Verdict accept(String why) {
            return new Verdict(true, false, why);
        }

        public static Verdict reject(String why) {
            return new Verdict(false, false, why);
        }

        /** Refused for now (nothing is sent to the host), without flagging it. */
        public static Verdict notYet(String why) {
            return new Verdict(false, true, why);
        }
    }

    /** @param fingerprint the presented key's SHA256 fingerprint */
    Verdict verify(Worker worker, String fingerprint);

    /** Config name: {@code per-boot}, {@code track} or {@code off}. */
    String name();
}
