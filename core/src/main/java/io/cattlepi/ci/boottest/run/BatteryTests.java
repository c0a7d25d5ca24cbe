package io.cattlepi.ci.boottest.run;

import io.cattlepi.ci.boottest.BootTestSettings;
import io.cattlepi.ci.boottest.TestResult;
import io.cattlepi.ci.build.PiWatch;
import io.cattlepi.ci.build.run.AfterSteps;
import io.cattlepi.ci.build.run.StepOutput;
import io.cattlepi.ci.build.run.StepResult;
import io.cattlepi.ci.crash.CrashPoint;
import io.cattlepi.ci.secret.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A recipe's battery: the executable files of {@code tests/<recipe>/} in the checkout, in name
 * order, each copied to the Pi and run there with its own time limit. The controller's side runs
 * in the build's cell; the test's output goes to the build's log and, its tail, to the report.
 */
final class BatteryTests {
    /** Where the tests are copied on the Pi ({@code /tmp} is new at every boot). */
    static final String REMOTE_DIR = "/tmp/cattlepi-boot-test";
    private static final int OUTPUT_TAIL = 32 * 1024;
    private static final Duration COPY_TIMEOUT = Duration.ofMinutes(2);
    /** For {@code timeout}'s KILL after TERM on the Pi, and ssh's own start. */
    private static final Duration MARGIN = Duration.ofSeconds(20);

    /** The Pi stopped answering while a test ran: not the test's verdict. */
    static final class PiLost extends Exception {
        PiLost(String message) {
            super(message);
        }
    }

    /** The tests could not be put on the Pi. */
    static final class NotCopied extends Exception {
        NotCopied(String message) {
            super(message);
        }
    }

    private final BootTestSettings settings;
    private final PiWatch watch;
    private final Redactor redactor;
    private final Clock clock;

    BatteryTests(BootTestSettings settings, PiWatch watch, Redactor redactor, Clock clock) {
        this.settings = settings;
        this.watch = watch;
        this.redactor = redactor;
        this.clock = clock;
    }

    /**
     * The battery's test names: executable regular files with plain names. Anything else in the
     * folder is noted and left out (a README, a helper without the x bit, a link out of the checkout).
     */
    List<String> find(Path src, Consumer<String> note) throws IOException {
        Path dir = src;
        for (Path part : Path.of(settings.recipeTests())) {
            dir = dir.resolve(part.toString());
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return List.of();
            }
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!BootTestSettings.NAME.matcher(name).matches()) {
                    note.accept("not a test (not a plain file name): " + name);
                } else if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    note.accept("not a test (not a regular file): " + name);
                } else if (!executable(f)) {
                    note.accept("not a test (not executable): " + name);
                } else {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static boolean executable(Path f) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS);
        return mode.contains(PosixFilePermission.OWNER_EXECUTE);
    }

    /** Puts the tests on the Pi, in a folder of their own. */
    void copy(CellShell shell, List<String> names, StepOutput log) throws IOException, InterruptedException, NotCopied {
        StepResult made = shell.ssh("rm -rf " + REMOTE_DIR + " && mkdir -m 700 " + REMOTE_DIR, COPY_TIMEOUT, log);
        if (!made.ok()) {
            throw new NotCopied("could not make " + REMOTE_DIR + " on the Pi (" + exit(made) + ")");
        }
        List<String> paths = names.stream().map(n -> settings.recipeTests() + "/" + n).toList();
        StepResult copied = shell.copy(paths, REMOTE_DIR, COPY_TIMEOUT, log);
        if (!copied.ok()) {
            throw new NotCopied("could not copy the tests to the Pi (" + exit(copied) + ")");
        }
    }

    /** Runs one test on the Pi; {@code left} is what remains of the battery's time. */
    TestResult run(CellShell shell, AfterSteps.Passed build, String name, Duration left)
            throws IOException, InterruptedException, PiLost {
        Duration limit = settings.testTimeout().compareTo(left) < 0 ? settings.testTimeout() : left;
        long secs = Math.max(1, limit.toSeconds());
        CrashPoint.reach(CrashPoint.BOOT_TEST_TESTING);
        build.log().note("boot test: " + name);
        Tail tail = new Tail(redactor);
        Instant start = clock.instant();
        StepResult r = shell.ssh("cd " + REMOTE_DIR + " && timeout -k 5 " + secs + " ./" + name,
                limit.plus(MARGIN), build.log().and(tail));
        double took = Duration.between(start, clock.instant()).toMillis() / 1000.0;
        if (r.ok()) {
            build.log().note("boot test " + name + " passed in " + String.format("%.2f", took) + " s");
            return new TestResult(name, TestResult.Verdict.PASSED, 0, took, "", tail.text());
        }
        if (r.cancelled()) {
            return TestResult.skipped(name, "the build was stopped");
        }
        String why;
        if (r.timedOut() || r.exitCode() == 124 || r.exitCode() == 137) {
            why = "timed out after " + secs + " s";
        } else if (r.exitCode() == 255 && !watch.alive(build.pi().withHostKey(null))) {
            throw new PiLost("Pi " + build.pi().id() + " stopped answering during " + name);
        } else {
            why = "exit code " + r.exitCode();
        }
        build.log().note("boot test " + name + " failed: " + why);
        return new TestResult(name, TestResult.Verdict.FAILED, r.timedOut() ? -1 : r.exitCode(), took, why, tail.text());
    }

    private static String exit(StepResult r) {
        return r.timedOut() ? "timed out" : r.cancelled() ? "stopped" : "exit code " + r.exitCode();
    }

    /** The last lines a test printed, masked like the log, bounded. */
    private static final class Tail implements StepOutput {
        private final Redactor redactor;
        private final StringBuilder text = new StringBuilder();

        Tail(Redactor redactor) {
            this.redactor = redactor;
        }

        @Override
        public synchronized void line(String source, String line) {
            text.append(redactor.redact(line)).append('\n');
            if (text.length() > OUTPUT_TAIL) {
                text.delete(0, text.length() - OUTPUT_TAIL);
            }
        }

        synchronized String text() {
            return text.toString();
        }
    }
}
