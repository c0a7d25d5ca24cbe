package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, as a smoke test, and how it starts and ends for a user. */
class DemoCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void demoRackReachesReady() {
        assertEquals(0, Main.commandLine().execute("demo", "--workers", "3", "--timings", "fast", "--port", "0",
                "--until-ready", "--timeout", "90"));
    }

    @Test
    void demoSaysEachFinishedBuildAndSumsUpTheSampleOnes() {
        StringWriter out = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("demo", "--workers", "2", "--timings", "fast", "--port", "0",
                "--until-built", "--timeout", "120"), out.toString());
        List<String> builds = out.toString().lines().filter(l -> l.startsWith("build ")).toList();
        assertEquals(3, builds.size(), out.toString());
        assertTrue(builds.stream().anyMatch(l -> l.contains("pull request #2") && l.contains(": failure after ")),
                out.toString());
        assertTrue(out.toString().contains("cattlepi-ci demo: the 3 sample builds are done after "), out.toString());
        assertTrue(out.toString().contains("2 success, 1 failure"), out.toString());
    }

    @Test
    void aTakenPortGivesOneLineSuggestingPortZeroBeforeAnythingStarts() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            var cli = Main.commandLine();
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));
            int code = cli.execute("demo", "--timings", "fast", "--port", Integer.toString(taken.getLocalPort()));
            assertEquals(2, code, err.toString());
            List<String> lines = err.toString().lines().toList();
            assertEquals(1, lines.size(), err.toString());
            assertTrue(lines.get(0).contains("port " + taken.getLocalPort()) && lines.get(0).contains("--port 0"),
                    lines.get(0));
            assertEquals("", out.toString(), "nothing started, nothing said");
        }
    }

    @Test
    void sigtermEndsTheDemoWithItsProcessesAndLeavesNoTempFolder() throws Exception {
        // The child's own temp folder: what it leaves is its own, whatever else runs beside it.
        // The simulated Pis' roots (other host ids) must be able to pass through it.
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        Path log = dir.resolve("demo.log");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", classpath, Main.class.getName(),
                "demo", "--workers", "1", "--feed", "1", "--timings", "fast", "--port", "0")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(Poll.until(WAIT, () -> read(log).contains("delivered pull request #1") || !demo.isAlive()),
                    "the demo did not start and feed: " + read(log));
            assertTrue(demo.isAlive(), read(log));
            List<ProcessHandle> children = new ArrayList<>(demo.descendants().toList());
            demo.destroy(); // SIGTERM
            assertTrue(demo.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "still running after SIGTERM: " + read(log));
            assertTrue(Poll.until(Duration.ofSeconds(10), () -> children.stream().noneMatch(ProcessHandle::isAlive)),
                    "left running: " + children.stream().filter(ProcessHandle::isAlive)
                            .map(p -> p.info().commandLine().orElse("?")).toList());
            try (Stream<Path> left = Files.list(tmp)) {
                assertEquals(List.of(), left.toList(), read(log));
            }
            assertTrue(read(log).contains("removed"), read(log));
        } finally {
            demo.destroyForcibly();
        }
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

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
