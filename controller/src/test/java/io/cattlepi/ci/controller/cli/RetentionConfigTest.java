package io.cattlepi.ci.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config check} on the retention settings: defaults shown, bad values named by their path. */
class RetentionConfigTest {
    private static final Path EXAMPLE = Path.of("..", "docs", "examples", "buildcontrol.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AT = "$.config.buildcontrol.";

    @TempDir
    Path dir;

    private String[] check(Consumer<ObjectNode> change) throws Exception {
        ObjectNode doc = (ObjectNode) JSON.readTree(EXAMPLE.toFile());
        change.accept((ObjectNode) doc.path("config").path("buildcontrol"));
        Path f = dir.resolve("variant.json");
        JSON.writeValue(f.toFile(), doc);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = CattlePiCiCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("config", "check", "--config", f.toString());
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void logsAreKeptForeverAndFinishedBuildsAYearByDefault() throws Exception {
        String[] r = check(bc -> { });
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("retention:         events 90 days, at most 100000; S3 logs kept forever;"
                + " finished builds 365 days"), r[1]);
    }

    @Test
    void retentionSettingsAreShown() throws Exception {
        String[] r = check(bc -> bc.put("log_retention_days", 30).put("build_retention_days", 0)
                .put("build_retention_max", 5000));
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("S3 logs 30 days; finished builds at most 5000"), r[1]);
        String[] forever = check(bc -> bc.put("build_retention_days", 0));
        assertTrue(forever[1].contains("S3 logs kept forever; finished builds kept forever"), forever[1]);
    }

    @Test
    void badRetentionSettingsAreNamedByTheirPath() throws Exception {
        String[] r = check(bc -> bc.put("log_retention_days", -1).put("build_retention_days", "a year")
                .put("build_retention_max", 2.5).put("event_retention_days", 0));
        assertEquals("2", r[0], r[1]);
        assertTrue(r[2].contains(AT + "log_retention_days: expected 0 (keep forever) or a positive integer, got -1"), r[2]);
        assertTrue(r[2].contains(AT + "build_retention_days: expected 0 (no age limit) or a positive integer, got \"a year\""),
                r[2]);
        assertTrue(r[2].contains(AT + "build_retention_max: expected 0 (no count limit) or a positive integer, got 2.5"), r[2]);
        assertTrue(r[2].contains(AT + "event_retention_days: expected a positive integer, got 0"), r[2]);
    }
}
