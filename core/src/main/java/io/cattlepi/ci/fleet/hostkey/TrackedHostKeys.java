package io.cattlepi.ci.fleet.hostkey;

import io.cattlepi.ci.cattlepi.CattlePiApi;
import io.cattlepi.ci.cattlepi.CattlePiApiException;
import io.cattlepi.ci.cattlepi.TrackEvent;
import io.cattlepi.ci.fleet.Worker;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code track} policy: at every boot the workers' usercode ({@link #USERCODE}, installed by
 * the workers' config setup) reports the Pi's fresh host-key fingerprints to the CattlePi API's
 * {@code POST /track/{mac}}, over the API-key-authenticated channel. A key is accepted only if it
 * is in the Pi's latest report, i.e. it belongs to the Pi's current boot. Needs each Pi's MAC.
 * A Pi that has never reported is trusted on first use: its first reset installs the report.
 */
public final class TrackedHostKeys implements HostKeyPolicy {
    /** Prefix of the track entries the usercode writes. */
    public static final String REPORT = "cattlepi-ci hostkey ";
    /** Marks the controller's block in the workers' usercode, so it is added once and found again. */
    public static final String MARKER = "# cattlepi-ci: report this boot's SSH host keys (host_key_policy track)";
    /**
     * Runs at boot as root. The simulator hands the fingerprint in {@code SSH_HOST_KEY_FINGERPRINT};
     * on a Pi, ssh-keygen reads the keys bootstrap.sh has just made.
     */
    public static final String USERCODE = MARKER + """

            fps="${SSH_HOST_KEY_FINGERPRINT:-}"
            if [ -z "$fps" ]; then
              for k in /etc/ssh/ssh_host_*_key.pub; do
                fps="$fps $(ssh-keygen -l -E sha256 -f "$k" | cut -d' ' -f2)"
              done
            fi
            curl -fsS -m 20 --retry 5 -X POST -H "X-Api-Key: $CATTLEPI_APIKEY" -H 'Content-Type: application/json' \\
              --data "{\\"info\\":\\"cattlepi-ci hostkey $(echo $fps)\\"}" "$CATTLEPI_BASE/track/$CATTLEPI_ID" || true
            """;

    private final CattlePiApi api;

    public TrackedHostKeys(CattlePiApi api) {
        this.api = api;
    }

    @Override
    public Verdict verify(Worker worker, String fingerprint) {
        if (worker.mac() == null) {
            return Verdict.reject("host_key_policy track needs the Pi's MAC in build_machines");
        }
        List<TrackEvent> log;
        try {
            log = api.track(worker.mac());
        } catch (CattlePiApiException e) {
            return Verdict.reject("cannot read the Pi's reported host keys: " + e.getMessage());
        }
        for (int i = log.size() - 1; i >= 0; i--) {
            String info = log.get(i).info();
            if (info.startsWith(REPORT)) {
                Set<String> reported = Arrays.stream(info.substring(REPORT.length()).trim().split("\\s+"))
                        .collect(Collectors.toSet());
                return reported.contains(fingerprint)
                        ? Verdict.accept("reported by the Pi at its boot at " + log.get(i).at())
                        : Verdict.reject("host key " + fingerprint + " is not the one the Pi reported for its current boot ("
                                + String.join(" ", reported) + ")");
            }
        }
        // Never reported: the report is installed by the first reset, which needs this login.
        // Trust on first use until then; from the first report on, only reported keys pass.
        return Verdict.accept("no report from this Pi yet: trusted on first use until its first reset installs the report");
    }

    @Override
    public String name() {
        return "track";
    }
}
