package io.cattlepi.ci.simulator.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildWork;
import io.cattlepi.ci.build.Lease;
import io.cattlepi.ci.build.WorkOutcome;
import io.cattlepi.ci.build.run.RecipeSettings;
import io.cattlepi.ci.build.run.RecipeWork;
import io.cattlepi.ci.fleet.FleetSettings;
import io.cattlepi.ci.fleet.hostkey.HostKeyMode;
import io.cattlepi.ci.fleet.ssh.SshKeys;
import io.cattlepi.ci.rack.RackAccess;
import io.cattlepi.ci.rack.RackSettings;
import io.cattlepi.ci.retry.Sleeper;
import io.cattlepi.ci.sandbox.Sandbox;
import io.cattlepi.ci.sandbox.SandboxKind;
import io.cattlepi.ci.sandbox.SandboxSettings;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.pi.RackFixture;
import io.cattlepi.ci.simulator.pi.SimulatedPi;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.RackMember;
import io.cattlepi.ci.worker.Worker;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample recipe run by {@link RecipeWork} against a simulated Pi over real SSH: checkout from
 * the sample repository, {@code make test_noop}, {@code make raspbian_cattlepi} with its reboot.
 */
class RecipeOnSimulatedPiTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final String SECRET = "aws-secret-sentinel-9f1c";
    private static RackFixture rack;
    private static SimulatedPi pi;

    @TempDir
    static Path dir;
    private static SampleRepository repo;
    private static Sandbox sandbox;
    private static Store store;
    private static RackAccess access;

    @BeforeAll
    static void start() throws Exception {
        rack = RackFixture.start(1, PiTimings.fast());
        pi = rack.rack().pis().get(0);
        assertTrue(pi.awaitState(SimulatedPi.State.STOCK, T));
        repo = SampleRepository.create(dir.resolve("git"), "cattlepi/cattlepi");
        sandbox = Sandbox.start(new SandboxSettings(SandboxKind.BUBBLEWRAP, 256, 1024 * SandboxSettings.MIB, List.of()));
        store = Store.open(dir.resolve("rack.db"), Clock.systemUTC());
        access = RackAccess.open(new RackSettings(List.of(new RackMember(pi.name(), pi.host(), pi.port(), pi.mac())), "pi",
                SshKeys.parse(rack.privateKeyText().getBytes(StandardCharsets.US_ASCII), "test key"),
                rack.publicKeyLine(), HostKeyMode.PER_BOOT, URI.create(rack.api().url()), new Secret(RackFixture.API_KEY),
                null, "default", Duration.ofSeconds(5), FleetSettings.DEFAULTS), store);
    }

    @AfterAll
    static void stop() {
        access.close();
        store.close();
        rack.close();
    }

    private static WorkOutcome build(String id, String sha, List<List<String>> steps) throws Exception {
        RecipeSettings settings = new RecipeSettings(steps, Duration.ofMinutes(2), Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(2), new Secret(rack.privateKeyText()), "pi",
                dir.resolve("work"), List.of(new Secret(SECRET)), null, null, null);
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "AWS_SECRET_ACCESS_KEY", SECRET);
        RecipeWork work = new RecipeWork(settings, sandbox, Clock.systemUTC(), Sleeper.SYSTEM, env, access.watch());
        Build b = Build.queued(id, "cattlepi/cattlepi", sha, "refs/pull/1/head", 1, repo.url(), "pull_request", null,
                null, null, Instant.now());
        Worker w = Worker.discovered(pi.name(), pi.host(), pi.port(), pi.mac(), Instant.now());
        return work.run(new Lease(b, w), dir.resolve("out").resolve(id), new BuildWork.Cancellation() {
            public boolean cancelled() {
                return false;
            }

            public void onCancel(Runnable action) {
            }
        });
    }

    @Test
    void theRecipeRebootsThePiAndSucceeds() throws Exception {
        SampleRepository.PullRequest pr = repo.openPullRequest(1, "A good change", Map.of("notes.txt", "ok\n"));
        int boots = pi.bootCount();
        WorkOutcome out = build("b-ok", pr.headSha(), List.of(List.of("make", "test_noop"), List.of("make", "raspbian_cattlepi")));
        Path folder = dir.resolve("out").resolve("b-ok");
        String log = Files.readString(folder.resolve("build.log"));
        assertEquals(BuildResult.SUCCESS, out.result(), log);
        assertEquals("all 2 steps passed", out.description());
        assertTrue(pi.bootCount() > boots, "the recipe rebooted the Pi");
        assertEquals(pr.headSha() + "\n", Files.readString(folder.resolve("artifacts/commit.txt")));
        assertTrue(Files.readString(folder.resolve("result.json")).contains("\"result\" : \"success\""));
        assertTrue(log.contains("hello from the Pi"), log);
        assertTrue(log.lines().allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z \\w+ \\| .*")), "every line stamped");
        assertFalse(Files.exists(dir.resolve("work").resolve("b-ok")), "checkout and private key are gone");
    }

    @Test
    void aFailMarkerFailsTheBuildWithTheStepAndExitCode() throws Exception {
        SampleRepository.PullRequest pr = repo.openPullRequest(2, "A broken change", Map.of(SampleRepository.FAIL, "x\n"));
        WorkOutcome out = build("b-fail", pr.headSha(), List.of(List.of("make", "raspbian_cattlepi")));
        assertEquals(BuildResult.FAILURE, out.result());
        assertEquals("step `make raspbian_cattlepi` failed with exit code 2", out.description());
    }

    @Test
    void theBuildSeesNoneOfTheControllersSecrets() throws Exception {
        SampleRepository.PullRequest pr = repo.openPullRequest(3, "Print the environment", Map.of());
        WorkOutcome out = build("b-env", pr.headSha(), List.of(List.of("env"), List.of("sh", "-c", "echo leaked: " + SECRET)));
        String log = Files.readString(dir.resolve("out/b-env/build.log"));
        assertEquals(BuildResult.SUCCESS, out.result(), log);
        assertTrue(log.contains("BUILDER_NODE=" + pi.host()), log);
        assertTrue(log.contains("BUILDER_PORT=" + pi.port()), log);
        assertFalse(log.contains("AWS_"), log);
        assertFalse(log.contains(SECRET), "a secret that reaches the log anyway is masked");
        assertTrue(log.contains("leaked: ****"));
    }
}
