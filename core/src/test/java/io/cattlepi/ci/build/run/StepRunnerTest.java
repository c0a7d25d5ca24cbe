package io.cattlepi.ci.build.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.retry.Sleeper;
import io.cattlepi.ci.secret.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes and real git: exit codes, tree kills, cancellation, checkout retries. */
class StepRunnerTest {
    private static final Map<String, String> ENV = Map.of("PATH", System.getenv("PATH"), "HOME", "/nonexistent",
            "GIT_CONFIG_NOSYSTEM", "1");

    @TempDir
    Path dir;
    private final StepRunner runner = new StepRunner(Clock.systemUTC(), Duration.ofSeconds(2));

    private BuildLog log() throws IOException {
        return new BuildLog(dir.resolve("build.log"), Clock.systemUTC(), Redactor.none());
    }

    @Test
    void exitCodesAndInterleavedOutputAreRecorded() throws Exception {
        try (BuildLog log = log()) {
            StepResult r = runner.run(List.of("sh", "-c", "echo one; echo two >&2; exit 3"), dir, ENV, Duration.ofSeconds(30),
                    log, "out", () -> false);
            assertEquals(3, r.exitCode());
            assertFalse(r.ok());
        }
        String text = Files.readString(dir.resolve("build.log"));
        assertTrue(text.contains(" out | one"), text);
        assertTrue(text.contains(" err | two"), text);
    }

    @Test
    void aTimeoutKillsTheWholeTree() throws Exception {
        Path pids = dir.resolve("pids");
        StepResult r;
        try (BuildLog log = log()) {
            r = runner.run(List.of("sh", "-c", "sleep 300 & echo $! > " + pids + "; sh -c 'sleep 300' & sleep 300"),
                    dir, ENV, Duration.ofSeconds(1), log, "out", () -> false);
        }
        assertTrue(r.timedOut());
        assertEquals(-1, r.exitCode());
        long child = Long.parseLong(Files.readString(pids).strip());
        ProcessHandle.of(child).ifPresent(h -> assertFalse(h.isAlive(), "background child " + child + " survived"));
    }

    @Test
    void cancellationStopsAStep() throws Exception {
        AtomicBoolean cancel = new AtomicBoolean();
        try (BuildLog log = log()) {
            StepResult r = runner.run(List.of("sh", "-c", "echo started; sleep 300"), dir, ENV, Duration.ofMinutes(5), log,
                    "out", () -> {
                        try {
                            return Files.readString(dir.resolve("build.log")).contains("started") && cancel.compareAndSet(false, true)
                                    || cancel.get();
                        } catch (IOException e) {
                            return false;
                        }
                    });
            assertTrue(r.cancelled());
        }
    }

    @Test
    void checkoutRetriesUntilTheCommitIsFetchable() throws Exception {
        Path origin = dir.resolve("origin");
        Files.createDirectories(origin);
        git(origin, "init", "--quiet", "--initial-branch=master");
        git(origin, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "--quiet", "--allow-empty", "-m", "first");
        // The sha of a commit that only exists after the first attempt failed.
        Files.writeString(origin.resolve("f"), "x");
        git(origin, "add", "f");
        git(origin, "-c", "user.name=a", "-c", "user.email=a@b", "-c", "commit.gpgsign=false", "commit", "--quiet",
                "--date=2026-01-01T00:00:00Z", "-m", "second");
        String sha = git(origin, "rev-parse", "HEAD").strip();
        git(origin, "branch", "--quiet", "later");
        git(origin, "reset", "--quiet", "--hard", "HEAD~1");
        git(origin, "branch", "--quiet", "-D", "later");
        // Recreate it on demand: the commit becomes reachable while the checkout waits.
        List<Duration> waits = new ArrayList<>();
        Sleeper sleeper = d -> {
            waits.add(d);
            try {
                git(origin, "update-ref", "refs/heads/arrived", sha);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        Checkout checkout = new Checkout(runner, Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ofSeconds(30),
                Clock.systemUTC(), sleeper);
        try (BuildLog log = log()) {
            checkout.run(origin.toUri().toString(), sha, dir.resolve("src"), ENV, log, () -> false, argv -> argv);
        }
        assertEquals(List.of(Duration.ofSeconds(10)), waits);
        assertEquals(sha, git(dir.resolve("src"), "rev-parse", "HEAD").strip());
        assertTrue(Files.readString(dir.resolve("build.log")).contains("checkout attempt 1 failed"));
    }

    @Test
    void aCommitThatNeverArrivesFailsWhenTheWindowCloses() throws Exception {
        Path origin = dir.resolve("origin2");
        Files.createDirectories(origin);
        git(origin, "init", "--quiet", "--initial-branch=master");
        git(origin, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "--quiet", "--allow-empty", "-m", "first");
        java.util.concurrent.atomic.AtomicInteger sleeps = new java.util.concurrent.atomic.AtomicInteger();
        // A clock that jumps 10 s per sleep: the 30 s window allows a bounded number of attempts.
        MutableClock clock = new MutableClock();
        Checkout checkout = new Checkout(runner, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(30),
                clock, d -> {
                    sleeps.incrementAndGet();
                    clock.advance(d);
                });
        try (BuildLog log = log()) {
            org.junit.jupiter.api.Assertions.assertThrows(CheckoutException.class, () -> checkout.run(origin.toUri().toString(),
                    "0123456789abcdef0123456789abcdef01234567", dir.resolve("src2"), ENV, log, () -> false, argv -> argv));
        }
        assertEquals(2, sleeps.get());
    }

    @Test
    void aHundredMegabyteLineIsCutAtTheBoundAndTheRestCounted() throws Exception {
        StepRunner bounded = new StepRunner(Clock.systemUTC(), Duration.ofSeconds(2), 1024);
        try (BuildLog log = log()) {
            StepResult r = bounded.run(List.of("sh", "-c", "head -c 100000000 /dev/zero | tr '\\0' x; echo; echo after"),
                    dir, ENV, Duration.ofSeconds(120), log, "out", () -> false);
            assertTrue(r.ok());
        }
        List<String> lines = Files.readAllLines(dir.resolve("build.log"));
        String cut = lines.stream().filter(l -> l.contains("line cut")).findFirst().orElseThrow();
        assertTrue(cut.endsWith("xxx […line cut: " + (100_000_000 - 1024) + " more bytes]"), cut.substring(cut.length() - 80));
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("out | after")), "the stream goes on after it");
    }

    private static final class MutableClock extends Clock {
        private java.time.Instant now = java.time.Instant.parse("2026-11-25T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        public java.time.Instant instant() {
            return now;
        }
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
