package io.cattlepi.ci.rack;

import io.cattlepi.ci.fleet.FleetSettings;
import io.cattlepi.ci.fleet.hostkey.HostKeyMode;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.worker.RackMember;
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
 * @param publicKeyLine       the identity's authorized_keys line, installed by the config setup
 * @param raspbianLocation    where stock Raspbian is, for the workers' config setup; null leaves the
 *                            CattlePi config as it is
 * @param workersConfigDevice the CattlePi device id of the workers' shared config ({@code default})
 * @param callTimeout         timeout of one CattlePi API call or SSH command
 */
public record RackSettings(List<RackMember> members, String sshUser, KeyPair sshIdentity, String publicKeyLine,
                           HostKeyMode hostKeyPolicy, URI cattlepiApi, Secret cattlepiApiKey, URI raspbianLocation,
                           String workersConfigDevice, Duration callTimeout, FleetSettings fleet) {
    /** The workers' shared config in CattlePi's own setup. */
    public static final String DEFAULT_WORKERS_DEVICE = "default";

    public RackSettings {
        members = List.copyOf(members);
        Objects.requireNonNull(sshUser, "sshUser");
        Objects.requireNonNull(sshIdentity, "sshIdentity");
        Objects.requireNonNull(cattlepiApi, "cattlepiApi");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(hostKeyPolicy, "hostKeyPolicy");
        workersConfigDevice = workersConfigDevice == null ? DEFAULT_WORKERS_DEVICE : workersConfigDevice;
        Set<String> names = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (RackMember m : members) {
            if (!names.add(m.id()) || !addresses.add(m.host() + ":" + m.port())) {
                throw new IllegalArgumentException("duplicate Pi " + m.id() + " (" + m.host() + ":" + m.port() + ")");
            }
        }
        if (hostKeyPolicy == HostKeyMode.TRACK && raspbianLocation == null) {
            throw new IllegalArgumentException("host key policy track needs the raspbian location: the host-key report"
                    + " is installed in the workers' config when that is set up");
        }
    }

    /** The warning every front end shows while host keys are not checked, or null. */
    public String hostKeyWarning() {
        return hostKeyPolicy == HostKeyMode.OFF
                ? "host_key_policy is off: the Pis' host keys are not checked, so anything answering on a Pi's"
                        + " address gets builds and the Pis' key. Set per-boot or track."
                : null;
    }
}
