package io.cattlepi.ci.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.controller.http.ControllerHttp;
import io.cattlepi.ci.controller.http.Operations;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The operator's commands as a script sees them: exit codes and one clear line when something is wrong. */
class OperatorCommandsTest {
    @TempDir
    Path dir;
    private Store store;
    private ControllerHttp http;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private int run(String... args) {
        CommandLine cli = CattlePiCiCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private String controller(AtomicBoolean healthy) {
        store = Store.open(dir.resolve("s.db"), Clock.systemUTC());
        http = ControllerHttp.start("127.0.0.1", 0, store, new Operations() {
            public Worker drain(String w, String r) {
                throw new IllegalArgumentException("no Pi named " + w);
            }

            public Worker undrain(String w) {
                throw new IllegalArgumentException("no Pi named " + w);
            }

            public Worker retire(String w, String r) {
                throw new IllegalArgumentException("no Pi named " + w);
            }

            public Build retry(String b) {
                throw new IllegalArgumentException("no build " + b);
            }

            public String cancel(String b, String by, String reason) {
                throw new IllegalArgumentException("no build " + b);
            }

            public Build autobuildNow() {
                throw new IllegalStateException("no autobuild here");
            }

            public boolean approveWorkersConfig() {
                return false;
            }

            public Optional<Path> logOf(String b) {
                return Optional.empty();
            }

            public Optional<String> publishedIndex(String b) {
                return Optional.empty();
            }
        }, null, () -> new ControllerHttp.Health(healthy.get(), Map.of("queue", healthy.get() ? "ok" : "unreachable")),
                () -> "", routes -> { });
        return "http://127.0.0.1:" + http.port();
    }

    @Test
    void statusExitsNonZeroWhenTheControllerIsUnhealthy() {
        AtomicBoolean healthy = new AtomicBoolean(true);
        String url = controller(healthy);
        assertEquals(0, run("status", "--url", url), err.toString());
        healthy.set(false);
        assertEquals(1, run("status", "--url", url));
        assertTrue(out.toString().contains("unhealthy (HTTP 503)"), out.toString());
    }

    @Test
    void aControllerThatIsDownIsOneLineNamingItsUrlAndNoTableHeader() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        for (String command : new String[] {"workers", "builds", "status"}) {
            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);
            assertEquals(1, run(command, "--url", "http://127.0.0.1:" + closed));
            assertEquals("", out.toString(), command + " printed before failing");
            assertEquals(command + ": controller not reachable at http://127.0.0.1:" + closed + "/: connection refused"
                    + " (is it running? systemctl status cattlepi-ci)", err.toString().strip());
        }
    }
}
