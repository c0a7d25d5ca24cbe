package io.cattlepi.ci.controller.http.svg;

import io.cattlepi.ci.build.Build;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Times as people say them: "4 s ago, took 5.1 s" instead of two timestamps to subtract. */
public final class Durations {
    private Durations() {
    }

    /** A length: "850 ms", "5.1 s", "42 s", "3 min 12 s", "2 h 5 min". */
    public static String length(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        if (s < 48 * 3600) {
            return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
        }
        return s / 86400 + " d" + (s % 86400 / 3600 == 0 ? "" : " " + s % 86400 / 3600 + " h");
    }

    /** How long before {@code now}: "4 s ago" (a clock a little ahead says "just now", never a negative time). */
    public static String ago(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        if (d.toMillis() < 1000) {
            return "just now";
        }
        return whole(d) + " ago";
    }

    /** A build's times: "4 s ago, took 5.1 s"; "running for 12 s"; "queued 3 s ago". */
    public static String of(Build b, Instant now) {
        if (b.finishedAt() != null) {
            return ago(b.finishedAt(), now)
                    + (b.startedAt() == null ? "" : ", took " + length(Duration.between(b.startedAt(), b.finishedAt())));
        }
        if (b.startedAt() != null) {
            return "running for " + whole(Duration.between(b.startedAt(), now));
        }
        return "queued " + ago(b.createdAt(), now);
    }

    /** Seconds without tenths: "ago" and "for" need no precision. */
    private static String whole(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 60 ? s + " s" : length(Duration.ofSeconds(s));
    }
}
