package io.cattlepi.ci.demo.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The controller alone in its own process, started exactly as the shipped systemd unit starts it:
 * the release's launcher {@code cattlepi-ci} with the release's layout beside it ({@code lib/}: the
 * controller's jar and its runtime dependencies, nothing of the demo) and the environment of
 * {@code deploy/cattlepi-ci.service} (its Java flags, malloc arenas), the AppCDS archive moved into
 * the benchmark's folder. Reads what the kernel says about it from {@code /proc}.
 */
final class ControllerProcess implements AutoCloseable {
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    /** Where the launcher of a release-shaped folder is, and the environment the unit gives. */
    record Launch(Path launcher, Map<String, String> environment) {
        /**
         * Lays the checkout's controller out in {@code dir/release} as the release installs it in
         * {@code /opt/cattlepi-ci} (the launcher copied, the jars linked into one {@code lib/}), with
         * the unit's environment and its AppCDS archive at {@code dir/cattlepi-ci.jsa}.
         */
        static Launch fromCheckout(Path dir) throws IOException {
            Path home = checkout();
            Path release = dir.resolve("release");
            Path lib = Files.createDirectories(release.resolve("lib"));
            Path target = home.resolve("controller/target");
            Files.createSymbolicLink(lib.resolve("cattlepi-ci-controller.jar"), target.resolve("cattlepi-ci-controller.jar"));
            try (var jars = Files.list(target.resolve("lib"))) {
                for (Path jar : (Iterable<Path>) jars::iterator) {
                    Files.createSymbolicLink(lib.resolve(jar.getFileName()), jar);
                }
            }
            Path launcher = Files.copy(home.resolve("cattlepi-ci"), release.resolve("cattlepi-ci"),
                    java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            Map<String, String> env = unitEnvironment(home.resolve("deploy/cattlepi-ci.service"));
            if (env.containsKey("CATTLEPI_CI_CDS")) {
                env.put("CATTLEPI_CI_CDS", dir.resolve("cattlepi-ci.jsa").toString());
            }
            return new Launch(launcher, env);
        }

        /** The same with some variables replaced (experiments with other flags). */
        Launch with(Map<String, String> more) {
            Map<String, String> env = new LinkedHashMap<>(environment);
            env.putAll(more);
            return new Launch(launcher, env);
        }
    }

    private final Process process;
    private final Duration startUp;

    private ControllerProcess(Process process, Duration startUp) {
        this.process = process;
        this.startUp = startUp;
    }

    /** Starts {@code run --config FILE} and returns once {@code /healthz} answers (or fails). */
    static ControllerProcess start(Launch launch, Path config, int httpPort, Path output) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(launch.launcher().toString(), "run", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        pb.environment().putAll(launch.environment());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/healthz"))
                .timeout(Duration.ofSeconds(2)).build();
        long started = System.nanoTime();
        Process p = pb.start();
        long deadline = started + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                http.send(health, HttpResponse.BodyHandlers.discarding());
                return new ControllerProcess(p, Duration.ofNanos(System.nanoTime() - started));
            } catch (IOException e) {
                TimeUnit.MILLISECONDS.sleep(5); // not listening yet
            }
        }
        p.destroyForcibly();
        throw new BenchFailure("the controller did not serve /healthz (exit " + (p.isAlive() ? "none" : p.exitValue())
                + "); its output: " + output);
    }

    /** From launch to the first answer of {@code /healthz}. */
    Duration startUp() {
        return startUp;
    }

    /** Resident memory now, in MiB. */
    double residentMiB() throws IOException {
        return statusKiB("VmRSS") / 1024.0;
    }

    int threads() throws IOException {
        return (int) statusKiB("Threads");
    }

    /** CPU seconds used so far: the JVM's own, and its children's it waited for (sandbox, git, ssh-agent, steps). */
    double[] cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // Fields 14-17 of proc(5), counted from the state field (3).
        double own = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) TICKS_PER_SECOND;
        double children = (Long.parseLong(f[13]) + Long.parseLong(f[14])) / (double) TICKS_PER_SECOND;
        return new double[] {own, children};
    }

    private long statusKiB(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no " + field + " in /proc/" + process.pid() + "/status");
    }

    /** Its native memory summary, a thread dump, its heap and its mappings (jcmd, /proc), into {@code dir}. */
    void saveDiagnostics(Path dir) throws IOException, InterruptedException {
        for (String proc : List.of("smaps_rollup", "smaps")) {
            Files.copy(Path.of("/proc", Long.toString(process.pid()), proc), dir.resolve(proc + ".txt"));
        }
        // The histogram collects first: the heap info after it is the live set.
        List<String> commands = List.of("VM.native_memory summary", "Thread.print", "GC.heap_info", "GC.class_histogram",
                "GC.heap_info");
        for (int i = 0; i < commands.size(); i++) {
            String what = commands.get(i);
            List<String> cmd = new ArrayList<>(List.of("jcmd", Long.toString(process.pid())));
            cmd.addAll(List.of(what.split(" ")));
            Path to = dir.resolve(i + "-" + what.split(" ")[0] + ".txt");
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(to.toFile()).start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, as systemd stops it (the AppCDS archive is written then), then waits. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The checkout this benchmark runs from: where {@code controller/target}, {@code deploy} and the launcher are. */
    static Path checkout() throws IOException {
        String home = System.getProperty("cattlepi.ci.home");
        Path from;
        if (home != null) {
            from = Path.of(home);
        } else {
            try {
                from = Path.of(ControllerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IOException("cannot tell where the benchmark runs from", e);
            }
        }
        for (Path dir = from.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("deploy/cattlepi-ci.service")) && Files.exists(dir.resolve("cattlepi-ci"))) {
                Path jar = dir.resolve("controller/target/cattlepi-ci-controller.jar");
                if (!Files.exists(jar)) {
                    throw new BenchFailure("no " + jar + ": build the controller first (mvn -DskipTests package)");
                }
                return dir;
            }
        }
        throw new BenchFailure("not run from a CattlePi CI checkout (no cattlepi-ci and deploy/cattlepi-ci.service above " + from + ")");
    }

    /** The unit's {@code Environment=} assignments, unquoted as systemd reads them. */
    static Map<String, String> unitEnvironment(Path unit) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(unit)) {
            if (!line.startsWith("Environment=")) {
                continue;
            }
            for (String word : words(line.substring("Environment=".length()))) {
                int eq = word.indexOf('=');
                if (eq > 0) {
                    env.put(word.substring(0, eq), word.substring(eq + 1));
                }
            }
        }
        return env;
    }

    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        for (char c : s.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ' ' && !quoted) {
                if (w.length() > 0) {
                    out.add(w.toString());
                    w.setLength(0);
                }
            } else {
                w.append(c);
            }
        }
        if (w.length() > 0) {
            out.add(w.toString());
        }
        return out;
    }
}
