package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The README's first command, as a smoke test: the demo rack comes up and every Pi reaches ready. */
class DemoCommandTest {
    @Test
    void demoRackReachesReady() {
        assertEquals(0, Main.commandLine().execute("demo", "--workers", "3", "--timings", "fast", "--port", "0",
                "--until-ready", "--timeout", "90"));
    }

    @Test
    void demoBuildsItsSamplePullRequests() {
        assertEquals(0, Main.commandLine().execute("demo", "--workers", "2", "--timings", "fast", "--port", "0",
                "--until-built", "--timeout", "120"));
    }

    @Test
    void badOptionsNameTheOption() {
        StringWriter err = new StringWriter();
        var cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("demo", "--workers", "lots");
        assertEquals(2, code);
        assertTrue(err.toString().contains("--workers"), err.toString());
    }

    @Test
    void helpListsTheSubcommands() {
        StringWriter out = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("--help"));
        assertTrue(out.toString().contains("demo") && out.toString().contains("simulate"), out.toString());
    }
}
