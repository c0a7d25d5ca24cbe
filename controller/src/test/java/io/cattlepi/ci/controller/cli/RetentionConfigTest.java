package io.cattlepi.ci.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config check} on the retention settings: defaults shown, bad values named by their path. */
class RetentionConfigTest {
    private static final String AT = "$.config.buildcontrol.";

    @TempDir
    Path dir;

    private ConfigChecks.Run check(Consumer<ObjectNode> change) throws Exception {
        return ConfigChecks.variant(dir, change);
    }

    @Test
    void logsAreKeptForeverAndFinishedBuildsAYearByDefault() throws Exception {
        ConfigChecks.Run r = check(bc -> { });
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("retention:         events 90 days, at most 100000; S3 logs kept forever;"
                + " finished builds 365 days"), r.out());
    }

    @Test
    void retentionSettingsAreShown() throws Exception {
        ConfigChecks.Run r = check(bc -> bc.put("log_retention_days", 30).put("build_retention_days", 0)
                .put("build_retention_max", 5000));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("S3 logs 30 days; finished builds at most 5000"), r.out());
        ConfigChecks.Run forever = check(bc -> bc.put("build_retention_days", 0));
        assertTrue(forever.out().contains("S3 logs kept forever; finished builds kept forever"), forever.out());
    }

    @Test
    void badRetentionSettingsAreNamedByTheirPath() throws Exception {
        ConfigChecks.Run r = check(bc -> bc.put("log_retention_days", -1).put("build_retention_days", "a year")
                .put("build_retention_max", 2.5).put("event_retention_days", 0));
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().contains(AT + "log_retention_days: expected 0 (keep forever) or a positive integer, got -1"), r.err());
        assertTrue(r.err().contains(AT + "build_retention_days: expected 0 (no age limit) or a positive integer, got \"a year\""),
                r.err());
        assertTrue(r.err().contains(AT + "build_retention_max: expected 0 (no count limit) or a positive integer, got 2.5"), r.err());
        assertTrue(r.err().contains(AT + "event_retention_days: expected a positive integer, got 0"), r.err());
    }
}
