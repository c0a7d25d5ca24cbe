package io.cattlepi.ci.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.peers.GitHubStandIn;
import io.cattlepi.ci.peers.LocalS3;
import io.cattlepi.ci.peers.LocalSqs;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package as an operator installs it, into a scratch root ({@code dpkg --root}, its
 * maintainer scripts run against that root): owners and modes of what it installs and makes; then
 * the installed launcher, run as the unprivileged service user from an install folder it cannot
 * write and with a {@code mvn} that only tells on being called, checks a config and starts the
 * controller against local SQS, S3 and GitHub, which keeps its store where the docs say. Needs
 * root and dpkg (CI has both); skipped, loudly, elsewhere. Also {@code systemd-analyze verify} on
 * the unit, where the tool exists.
 */
class PackageInstallTest {
    private static final Path SOURCE = Path.of(System.getProperty("release.source.dir", ".."));
    private static final Path DEBS = Path.of(System.getProperty("release.deb.dir", "target"));

    @TempDir
    static Path scratch;
    static Path root;
    static int uid;
    static int gid;

    private static boolean onPath(String tool) {
        return List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    static String run(List<String> cmd, Map<String, String> env, int expected) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (env != null) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ended: " + cmd);
        assertEquals(expected, p.exitValue(), cmd + ":\n" + out);
        return out;
    }

    @BeforeAll
    static void install() throws Exception {
        boolean ready = "root".equals(System.getProperty("user.name")) && onPath("dpkg") && onPath("setpriv");
        if (!ready) {
            System.err.println("SKIPPED: PackageInstallTest needs root, dpkg and setpriv (CI has them)");
        }
        Assumptions.assumeTrue(ready, "needs root, dpkg and setpriv");
        Path deb;
        try (var files = Files.list(DEBS)) {
            deb = files.filter(f -> f.getFileName().toString().endsWith("_all.deb"))
                    .max(Comparator.comparing(f -> f.toFile().lastModified())).orElseThrow();
        }
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
        root = scratch.resolve("root");
        for (String d : List.of("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "etc")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.writeString(root.resolve("var/lib/dpkg/status"), "");
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\n");
        Files.writeString(root.resolve("etc/shadow"), "root:*:19000:0:99999:7:::\n");
        Files.writeString(root.resolve("etc/gshadow"), "root:*::\n");
        String said = run(List.of("dpkg", "--root=" + root, "--force-script-chrootless", "--force-depends", "-i",
                deb.toString()), null, 0);
        assertTrue(said.contains("Setting up cattlepi-ci"), said);
        String[] user = Files.readAllLines(root.resolve("etc/passwd")).stream().filter(l -> l.startsWith("cattlepi-ci:"))
                .findFirst().orElseThrow().split(":");
        uid = Integer.parseInt(user[2]);
        gid = Integer.parseInt(user[3]);
        assertEquals("/var/lib/cattlepi-ci", user[5]);
    }

    private static void owned(String path, int owner, int group, String mode) throws Exception {
        Path p = root.resolve(path);
        assertEquals(owner, Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS), path + " owner");
        assertEquals(group, Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS), path + " group");
        assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)),
                path + " mode");
    }

    @Test
    void itInstallsWithTightOwnersAndModes() throws Exception {
        owned("opt/cattlepi-ci", 0, 0, "rwxr-xr-x");
        owned("opt/cattlepi-ci/cattlepi-ci", 0, 0, "rwxr-xr-x");
        owned("opt/cattlepi-ci/deploy/setup-host", 0, 0, "rwxr-xr-x");
        owned("opt/cattlepi-ci/lib/cattlepi-ci-controller.jar", 0, 0, "rw-r--r--");
        owned("lib/systemd/system/cattlepi-ci.service", 0, 0, "rw-r--r--");
        owned("etc/cattlepi-ci", 0, gid, "rwxr-x---");
        owned("var/lib/cattlepi-ci", uid, gid, "rwxr-x---");
        assertEquals(Path.of("/opt/cattlepi-ci/cattlepi-ci"), Files.readSymbolicLink(root.resolve("usr/bin/cattlepi-ci")));
        try (var jars = Files.list(root.resolve("opt/cattlepi-ci/lib"))) {
            List<String> names = jars.map(j -> j.getFileName().toString()).toList();
            assertFalse(names.stream().anyMatch(n -> n.contains("demo") || n.contains("simulator") || n.contains("peers")
                    || n.contains("elasticmq") || n.contains("s3proxy")), "no demo or test servers: " + names);
        }
        // Installed again (an upgrade): the scripts run again and change nothing that was made.
        Path deb;
        try (var files = Files.list(DEBS)) {
            deb = files.filter(f -> f.getFileName().toString().endsWith("_all.deb"))
                    .max(Comparator.comparing(f -> f.toFile().lastModified())).orElseThrow();
        }
        run(List.of("dpkg", "--root=" + root, "--force-script-chrootless", "--force-depends", "-i", deb.toString()), null, 0);
        assertEquals(1, Files.readAllLines(root.resolve("etc/passwd")).stream().filter(l -> l.startsWith("cattlepi-ci:")).count());
        owned("var/lib/cattlepi-ci", uid, gid, "rwxr-x---");
    }

    @Test
    void theInstalledLauncherStartsTheControllerAsTheServiceUserWithoutMaven() throws Exception {
        Path shims = scratch.resolve("shims");
        Path told = scratch.resolve("told");
        Files.createDirectories(shims);
        Files.createDirectories(told);
        Files.setPosixFilePermissions(told, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path mvn = shims.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\ntouch " + told.resolve("mvn-was-called") + "\nexit 1\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path opt = root.resolve("opt/cattlepi-ci");
        Path state = root.resolve("var/lib/cattlepi-ci");
        Map<String, String> env = Map.of("PATH", shims + ":/usr/local/bin:/usr/bin:/bin", "HOME", state.toString(),
                "STATE_DIRECTORY", state.toString(), "LANG", "C.UTF-8");
        List<String> asService = List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--");

        run(concat(asService, List.of("test", "-w", opt.toString())), env, 1); // read-only for it
        assertTrue(run(concat(asService, List.of(opt.resolve("cattlepi-ci").toString(), "--version")), env, 0)
                .contains("cattlepi-ci"));

        try (LocalSqs sqs = LocalSqs.start(); LocalS3 s3 = LocalS3.start(); GitHubStandIn github = GitHubStandIn.start("gh-token")) {
            String queue = sqs.createQueue("builds", Duration.ofSeconds(30));
            s3.createBucket("logs");
            Path config = root.resolve("etc/cattlepi-ci/buildcontrol.json");
            ObjectNode doc = (ObjectNode) new ObjectMapper().readTree(SOURCE.resolve("docs/examples/buildcontrol.json").toFile());
            ObjectNode bc = (ObjectNode) doc.path("config").path("buildcontrol");
            bc.put("aws_ak", s3.accessKey()).put("aws_sk", s3.secretKey()).put("aws_s3_bucket", "logs")
                    .put("aws_s3_path", s3.publicPrefix("logs").toString()).put("aws_sqs_queue", queue)
                    .put("gh_token", "gh-token").put("http_host", "127.0.0.1").put("http_port", freePort())
                    .put("build_sandbox", "off").put("cattlepi_api", "http://127.0.0.1:9");
            bc.putArray("build_machines").add("127.0.0.1:9");
            ObjectNode endpoints = bc.putObject("endpoints");
            endpoints.put("sqs", sqs.endpoint().toString()).put("s3", s3.endpoint().toString())
                    .put("github", github.url().toString());
            Files.writeString(config, doc.toPrettyString());
            run(List.of("chown", "0:" + gid, config.toString()), null, 0);
            run(List.of("chmod", "0640", config.toString()), null, 0);

            String checked = run(concat(asService, List.of(opt.resolve("cattlepi-ci").toString(), "config", "check",
                    "--config", config.toString())), env, 0);
            assertTrue(checked.contains("store:             " + state.resolve("cattlepi-ci.db")), checked);

            ProcessBuilder service = new ProcessBuilder(concat(asService, List.of(opt.resolve("cattlepi-ci").toString(),
                    "run", "--config", config.toString()))).redirectErrorStream(true)
                    .redirectOutput(scratch.resolve("controller.log").toFile()).directory(state.toFile());
            service.environment().clear();
            service.environment().putAll(env);
            // The unit's environment (its measured JVM flags), the AppCDS archive in its CacheDirectory.
            service.environment().putAll(unitEnvironment());
            Path cache = Files.createDirectories(root.resolve("var/cache/cattlepi-ci"));
            run(List.of("chown", uid + ":" + gid, cache.toString()), null, 0);
            run(List.of("chmod", "0750", cache.toString()), null, 0);
            Path archive = cache.resolve("controller.jsa");
            service.environment().put("CATTLEPI_CI_CDS", archive.toString());
            Process controller = service.start();
            controller.getOutputStream().close();
            try {
                Pattern up = Pattern.compile("UI on 127\\.0\\.0\\.1:(\\d+)");
                int[] port = {0};
                Awaitility.await("the controller is up").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            assertTrue(controller.isAlive(), "the controller stopped:\n" + log());
                            Matcher m = up.matcher(log());
                            if (m.find()) {
                                port[0] = Integer.parseInt(m.group(1));
                            }
                            return port[0] > 0;
                        });
                HttpResponse<String> health = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port[0] + "/healthz"))
                                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(health.body().contains("\"store\":\"ok\""), health.body());
                Path store = state.resolve("cattlepi-ci.db");
                assertTrue(Files.isRegularFile(store), "the store where the docs say:\n" + log());
                assertEquals(uid, Files.getAttribute(store, "unix:uid"));
                assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
                assertTrue(log().matches("(?s).*\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}.*INFO.*controller up.*"),
                        "ISO times with date:\n" + log());
            } finally {
                controller.destroy();
                controller.waitFor(60, TimeUnit.SECONDS);
                controller.destroyForcibly();
            }
            assertTrue(log().contains("stopped"), log());
            assertTrue(Files.size(root.resolve("var/cache/cattlepi-ci/controller.jsa")) > 0,
                    "the first stop writes the AppCDS archive:\n" + log());
        }
        assertFalse(Files.exists(told.resolve("mvn-was-called")), "Maven was called");
        try (var left = Files.list(opt)) {
            assertEquals(List.of("README.md", "VERSION", "cattlepi-ci", "deploy", "docs", "lib"),
                    left.map(p -> p.getFileName().toString()).sorted().toList(), "nothing built or written there");
        }
    }

    @Test
    void systemdAnalyzeFindsNothingWrongWithTheUnitButItsAbsentInstallPath() throws Exception {
        if (!onPath("systemd-analyze")) {
            System.err.println("SKIPPED: systemd-analyze is not installed (.ci/run installs systemd)");
        }
        Assumptions.assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed");
        ProcessBuilder pb = new ProcessBuilder("systemd-analyze", "verify",
                SOURCE.resolve("deploy/cattlepi-ci.service").toAbsolutePath().toString()).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        List<String> warnings = new ArrayList<>(out.lines().filter(l -> !l.isBlank()).toList());
        warnings.removeIf(l -> l.contains("Command /opt/cattlepi-ci/cattlepi-ci is not executable"));
        assertEquals(List.of(), warnings, out);
    }

    /** The unit's {@code Environment="NAME=VALUE"} lines, as systemd reads them. */
    private static Map<String, String> unitEnvironment() throws java.io.IOException {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        Pattern assignment = Pattern.compile("^Environment=\"([A-Z_]+)=([^\"]*)\"$");
        for (String line : Files.readAllLines(SOURCE.resolve("deploy/cattlepi-ci.service"))) {
            Matcher m = assignment.matcher(line);
            if (m.matches()) {
                env.put(m.group(1), m.group(2));
            }
        }
        assertTrue(env.containsKey("CATTLEPI_CI_JAVA_OPTS"), "the unit sets the JVM flags: " + env);
        return env;
    }

    private String log() {
        try {
            return Files.readString(scratch.resolve("controller.log"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** A port nobody listens on now (the config wants a positive one). */
    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
