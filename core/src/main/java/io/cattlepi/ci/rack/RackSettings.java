package io.cattlepi.ci.rack;

import io.cattlepi.ci.config.Secret;
import io.cattlepi.ci.fleet.FleetSettings;
import io.cattlepi.ci.fleet.RackMember;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How to reach and reset the rack's Pis; the standalone controller and the Jenkins cloud both
 * fill it from their own configuration.
 *
 * @param publicKeyLine     the identity's authorized_keys line, installed by the config setup
 * @param hostKeyPolicy     {@code per-boot}, {@code track} or {@code off}
 * @param raspbianLocation  where stock Raspbian is, for the workers' config setup; null leaves the
 *                          CattlePi config as it is
 * @param callTimeout       timeout of one CattlePi API call or SSH command
 */
public record RackSettings(List<RackMember> members, String sshUser, KeyPair sshIdentity, String publicKeyLine,
                           String hostKeyPolicy, URI cattlepiApi, Secret cattlepiApiKey, URI raspbianLocation,
                           Duration callTimeout, FleetSettings fleet) {
    public static final List<String> HOST_KEY_POLICIES = List.of("per-boot", "track", "off");

    public RackSettings {
        members = List.copyOf(members);
        Objects.requireNonNull(sshUser, "sshUser");
        Objects.requireNonNull(sshIdentity, "sshIdentity");
        Objects.requireNonNull(cattlepiApi, "cattlepiApi");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(fleet, "fleet");
        if (!HOST_KEY_POLICIES.contains(hostKeyPolicy)) {
            throw new IllegalArgumentException("host key policy must be one of " + HOST_KEY_POLICIES + ", got \""
                    + hostKeyPolicy + "\"");
        }
        Set<String> names = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (RackMember m : members) {
            if (!names.add(m.id()) || !addresses.add(m.host() + ":" + m.port())) {
                throw new IllegalArgumentException("duplicate Pi " + m.id() + " (" + m.host() + ":" + m.port() + ")");
            }
        }
        if ("track".equals(hostKeyPolicy) && raspbianLocation == null) {
            throw new IllegalArgumentException("host key policy track needs the raspbian location: the host-key report"
                    + " is installed in the workers' config when that is set up");
        }
    }

    /** The warning every front end shows while host keys are not checked, or null. */
    public String hostKeyWarning() {
        return "off".equals(hostKeyPolicy)
                ? "host_key_policy is off: the Pis' host keys are not checked, so anything answering on a Pi's"
                        + " address gets builds and the Pis' key. Set per-boot or track."
                : null;
    }
}
