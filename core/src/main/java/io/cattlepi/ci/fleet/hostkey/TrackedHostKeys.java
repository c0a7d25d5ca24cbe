package io.cattlepi.ci.fleet.hostkey;

import io.cattlepi.ci.cattlepi.CattlePiApi;
import io.cattlepi.ci.cattlepi.CattlePiApiException;
import io.cattlepi.ci.cattlepi.TrackEvent;
import io.cattlepi.ci.worker.Worker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The {@code track} policy: at every boot the workers' usercode ({@link #USERCODE}, installed by
 * the workers' config setup) reports the Pi's fresh host-key fingerprints to the CattlePi API's
 * {@code POST /track/{mac}}, over the API-key-authenticated channel. A key is accepted only if it
 * is in the Pi's latest report, i.e. it belongs to the Pi's current boot. Needs each Pi's MAC.
 * A Pi that has never reported is trusted on first use: its first reset installs the report.
 * On a real Pi SSH can be up before the report is sent, so a key not reported yet is only
 * "not yet" for a grace period (nothing is sent to the host meanwhile); after that it is rejected.
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

    /** How long a fresh boot's key may wait for the Pi's report before it counts as an impostor's. */
    public static final Duration REPORT_GRACE = Duration.ofMinutes(3);

    private record Unreported(String fingerprint, Instant since) {
    }

    private final CattlePiApi api;
    private final Clock clock;
    private final Duration grace;
    private final Map<String, Unreported> unreported = new ConcurrentHashMap<>();

    public TrackedHostKeys(CattlePiApi api) {
        this(api, Clock.systemUTC(), REPORT_GRACE);
    }

    public TrackedHostKeys(CattlePiApi api, Clock clock, Duration grace) {
        this.api = api;
        this.clock = clock;
        this.grace = grace;
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
                if (reported.contains(fingerprint)) {
                    unreported.remove(worker.mac());
                    return Verdict.accept("reported by the Pi at its boot at " + log.get(i).at());
                }
                return unreported(worker, fingerprint, reported);
            }
        }
        // Never reported: the report is installed by the first reset, which needs this login.
        // Trust on first use until then; from the first report on, only reported keys pass.
        return Verdict.accept("no report from this Pi yet: trusted on first use until its first reset installs the report");
    }

    /** A key the latest report does not list: the report of a new boot may still be on its way. */
    private Verdict unreported(Worker worker, String fingerprint, Set<String> reported) {
        Instant now = clock.instant();
        Unreported seen = unreported.compute(worker.mac(), (mac, old) ->
                old != null && old.fingerprint().equals(fingerprint) ? old : new Unreported(fingerprint, now));
        Duration waited = Duration.between(seen.since(), now);
        if (waited.compareTo(grace) < 0) {
            return Verdict.notYet("host key " + fingerprint + " is not reported yet; waiting up to " + grace.toSeconds()
                    + " s for the Pi's report of this boot");
        }
        return Verdict.reject("host key " + fingerprint + " is not the one the Pi reported for its current boot ("
                + String.join(" ", reported) + "), " + waited.toSeconds() + " s after it was first presented");
    }

    @Override
    public String name() {
        return "track";
    }
}
