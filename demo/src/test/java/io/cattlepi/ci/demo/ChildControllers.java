package io.cattlepi.ci.demo;

import io.cattlepi.ci.controller.cli.Main;
import io.cattlepi.ci.crash.CrashPoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Controllers run as child JVMs of the test, so a test can kill one with SIGKILL as a crash would
 * and start the next on the same store; each logs to {@code controller-NAME.log} in the folder.
 */
final class ChildControllers {
    private final DemoWorld world;
    private final Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    ChildControllers(DemoWorld world, Path dir) {
        this.world = world;
        this.dir = dir;
    }

    /** @param crashAt the crash point it dies at (see {@link CrashPoint}), or null to run until killed */
    Process start(String name, String crashAt) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath));
        if (crashAt != null) {
            argv.add("-D" + CrashPoint.PROPERTY + "=" + crashAt);
        }
        argv.addAll(List.of(Main.class.getName(), "run", "--config", world.configFile().toString()));
        return new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dir.resolve("controller-" + name + ".log").toFile()).start();
    }

    /** Whether a controller answers {@code /healthz} on the port (any answer: it is up). */
    boolean answers(int port) {
        try {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The end of a child controller's log, for a failure's report. */
    String tail(String name) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("controller-" + name + ".log"));
            return "--- controller " + name + " ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 60),
                    lines.size())) + "\n";
        } catch (IOException e) {
            return "--- controller " + name + ": " + e.getMessage() + "\n";
        }
    }
}
