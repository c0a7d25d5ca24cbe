package io.cattlepi.ci.retention;

import io.cattlepi.ci.store.EventRetention;
import java.time.Duration;
import java.util.Objects;

/**
 * What the controller deletes as it ages, so neither the bucket nor the store grows forever.
 *
 * @param events       the audit trail's age and count limits
 * @param logMaxAge    finished builds' S3 folders older than this are deleted; null: kept forever
 * @param buildMaxAge  finished builds older than this leave the store; null: no age limit
 * @param buildMax     at most this many finished builds are kept, the newest; 0: no count limit
 */
public record RetentionSettings(EventRetention events, Duration logMaxAge, Duration buildMaxAge, int buildMax) {
    /** Logs stay: GitHub statuses of old commits link to them, as in the seed; deleting them is the operator's choice. */
    public static final int DEFAULT_LOG_DAYS = 0;
    /** A year of build history; the audit trail that explains a build is kept 90 days anyway. */
    public static final int DEFAULT_BUILD_DAYS = 365;
    public static final int DEFAULT_BUILD_MAX = 0;
    public static final RetentionSettings DEFAULTS = new RetentionSettings(EventRetention.DEFAULTS, null,
            Duration.ofDays(DEFAULT_BUILD_DAYS), DEFAULT_BUILD_MAX);
    /** How often the controller prunes. */
    public static final Duration EVERY = EventRetention.EVERY;

    public RetentionSettings {
        Objects.requireNonNull(events, "events");
        logMaxAge = positiveOrNull(logMaxAge);
        buildMaxAge = positiveOrNull(buildMaxAge);
        if (buildMax < 0) {
            throw new IllegalArgumentException("build count limit must be 0 (none) or positive: " + buildMax);
        }
    }

    /** Days to a duration; 0 days: forever (null). */
    public static Duration days(int days) {
        return days == 0 ? null : Duration.ofDays(days);
    }

    public boolean deletesLogs() {
        return logMaxAge != null;
    }

    public boolean prunesBuilds() {
        return buildMaxAge != null || buildMax > 0;
    }

    /** What {@code config check} shows. */
    public String describe() {
        return "events " + events.maxAge().toDays() + " days, at most " + events.maxEvents()
                + "; S3 logs " + (logMaxAge == null ? "kept forever" : logMaxAge.toDays() + " days")
                + "; finished builds " + (!prunesBuilds() ? "kept forever"
                : (buildMaxAge == null ? "" : buildMaxAge.toDays() + " days")
                + (buildMaxAge != null && buildMax > 0 ? ", " : "") + (buildMax > 0 ? "at most " + buildMax : ""));
    }

    private static Duration positiveOrNull(Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("a retention age must be positive, or none: " + d);
        }
        return d;
    }
}
