package io.cattlepi.ci.boottest.run;

import io.cattlepi.ci.boottest.BatteryReport;
import io.cattlepi.ci.boottest.BootTestPhase;
import io.cattlepi.ci.boottest.BootTestRecord;
import io.cattlepi.ci.boottest.BootTestSettings;
import io.cattlepi.ci.boottest.TestResult;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.PiWatch;
import io.cattlepi.ci.build.WorkOutcome;
import io.cattlepi.ci.build.run.AfterSteps;
import io.cattlepi.ci.build.run.StepResult;
import io.cattlepi.ci.build.run.StepRunner;
import io.cattlepi.ci.cattlepi.CattlePiApiException;
import io.cattlepi.ci.cattlepi.ImagePackage;
import io.cattlepi.ci.crash.CrashPoint;
import io.cattlepi.ci.report.CommitState;
import io.cattlepi.ci.report.CommitStatus;
import io.cattlepi.ci.report.ReportException;
import io.cattlepi.ci.report.StatusPublisher;
import io.cattlepi.ci.retry.Sleeper;
import io.cattlepi.ci.secret.Redactor;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recipe's test battery, run after a build's steps passed, in the same lease and cell: the
 * images the build left are taken (md5sums computed) and published for the Pi; that Pi's own
 * CattlePi config is pointed at them, after the store saved what it was; the Pi reboots from its
 * config and, once it booted the image (release, {@code boot=cattlepi}, md5sums), runs the
 * repository's tests for the recipe over the build's own SSH. Whatever happens, the config is put
 * back and the images taken down. The result is a commit status of its own: {@code pending} here,
 * the final one posted by the engine's finisher, exactly once, after the build's logs.
 */
public final class BootTest implements AfterSteps {
    private static final Logger log = LoggerFactory.getLogger(BootTest.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration REBOOT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READ_IMAGE_TIMEOUT = Duration.ofMinutes(10);
    private static final List<String> IMAGES = List.of(BootTestSettings.INITFS, BootTestSettings.ROOTFS);

    /**
     * What the battery reaches.
     *
     * @param link the commit status link of a build (its page, or its logs' index)
     * @param watch the controller's own look at the Pi (is it still there?)
     */
    public record Ports(Store store, DeviceConfigs configs, PendingRestores restores, ImageShelf shelf,
                        StatusPublisher statuses, Function<Build, String> link, PiWatch watch) {
    }

    private final BootTestSettings settings;
    private final Ports ports;
    private final Redactor redactor;
    private final Clock clock;
    private final Sleeper sleeper;
    private final StepRunner runner;
    private final ImageIntake intake;
    private final BatteryTests tests;

    /**
     * @param redactor the build's: what the battery writes passes it too
     * @param killGrace between TERM and KILL of a test's processes on the controller's side
     */
    public BootTest(BootTestSettings settings, Ports ports, Redactor redactor, Clock clock, Sleeper sleeper,
                    Duration killGrace, int maxLineBytes) {
        this.settings = settings;
        this.ports = ports;
        this.redactor = redactor;
        this.clock = clock;
        this.sleeper = sleeper;
        this.runner = new StepRunner(clock, killGrace, maxLineBytes);
        this.intake = new ImageIntake(settings.maxImageBytes(), READ_IMAGE_TIMEOUT);
        this.tests = new BatteryTests(settings, ports.watch(), redactor, clock);
    }

    @Override
    public WorkOutcome run(Passed passed) throws IOException, InterruptedException {
        if (!settings.enabled()) {
            return passed.outcome();
        }
        if (!ImageIntake.present(passed.cell().src(), settings.imagesDir(), IMAGES)) {
            passed.log().note("boot test: no boot images (" + String.join(", ", IMAGES) + ") in " + settings.imagesDir()
                    + ": nothing to boot, no boot test");
            return passed.outcome();
        }
        return new Battery(passed).run();
    }

    /** How a battery ended. */
    private record End(BuildResult result, String description, boolean piSuspect) {
        static End error(String why, boolean piSuspect) {
            return new End(BuildResult.ERROR, why, piSuspect);
        }
    }

    /** One build's battery while it runs. */
    private final class Battery {
        private final Passed build;
        private final Build b;
        private final String id;
        private final Instant started;
        private final Instant deadline;
        private final CellShell shell;
        private final Path staging;
        private final List<BatteryReport.Image> images = new ArrayList<>();
        private final List<TestResult> results = new ArrayList<>();
        private double bootSeconds = -1;
        private String imageRef;

        Battery(Passed build) {
            this.build = build;
            this.b = build.build();
            this.id = b.id();
            this.started = clock.instant();
            this.deadline = started.plus(settings.timeout());
            this.shell = new CellShell(runner, build);
            this.staging = settings.stagingDir().resolve(id);
        }

        WorkOutcome run() throws InterruptedException {
            BootTestRecord record = BootTestRecord.started(id, build.pi().id(), build.pi().mac(), settings.context(),
                    build.outcome().result(), build.outcome().description(), started);
            ports.store().write(tx -> {
                tx.putBootTest(record);
                tx.append(Event.BUILD, id, "boot-test", "boot test of " + settings.recipe() + " on " + build.pi().id()
                        + " started");
                return null;
            });
            note(settings.recipe() + " on " + build.pi().id() + ": images from " + settings.imagesDir()
                    + ", tests from " + settings.recipeTests() + "/");
            End end;
            boolean interrupted = false;
            try {
                end = battery();
            } catch (CattlePiApiException e) {
                end = End.error("the CattlePi API failed: " + e.getMessage(), false);
            } catch (IOException | RuntimeException e) {
                log.warn("boot test of build {} failed in the controller", id, e);
                end = End.error("the boot test failed in the controller: " + e.getMessage(), false);
            } catch (InterruptedException e) {
                interrupted = true;
                end = End.error("the controller is stopping", true);
            }
            if (build.stopped().getAsBoolean()) {
                end = End.error(build.stoppedOutcome().get().description(), true);
            }
            // The thread's interrupt would cut the calls that put things back: put back first, then pass it on.
            Thread.interrupted();
            finish(end);
            if (interrupted) {
                throw new InterruptedException("stopped during the boot test of build " + id);
            }
            if (build.stopped().getAsBoolean()) {
                return build.stoppedOutcome().get();
            }
            WorkOutcome steps = build.outcome();
            return new WorkOutcome(steps.result(), steps.description(), steps.piSuspect() || end.piSuspect());
        }

        private End battery() throws IOException, InterruptedException, CattlePiApiException {
            String mac = build.pi().mac();
            if (mac == null || mac.isBlank()) {
                return End.error("Pi " + build.pi().id() + " has no MAC address in build_machines: the boot test"
                        + " changes the Pi's own CattlePi config, which is keyed by it", false);
            }
            postPending("Booting the built image on " + build.pi().id());
            Map<String, ImageIntake.Taken> taken = new LinkedHashMap<>();
            for (String name : IMAGES) {
                ImageIntake.Taken t = intake.take(build.cell(), build.env(), settings.imagesDir(), name, staging);
                taken.put(name, t);
                images.add(new BatteryReport.Image(name, t.md5sum(), t.bytes()));
                note("image " + name + ": " + t.bytes() + " bytes, md5sum " + t.md5sum());
            }
            writeReport(null, "running");
            Map<String, Path> files = new LinkedHashMap<>();
            taken.forEach((name, t) -> files.put(name, t.file()));
            ImageShelf.Published published = ports.shelf().publish(id, files);
            imageRef = published.ref();
            update(r -> r.withImageRef(published.ref()));
            note("images published for the Pi, " + ports.shelf().describe());
            ImageIntake.Taken initfs = taken.get(BootTestSettings.INITFS);
            ImageIntake.Taken rootfs = taken.get(BootTestSettings.ROOTFS);

            String saved = ports.configs().own(mac);
            // Saved before it changes: a restarted controller puts it back from the store.
            update(r -> r.changing(saved));
            CrashPoint.reach(CrashPoint.BOOT_TEST_CONFIGURING);
            ports.configs().point(mac, saved, new ImagePackage(published.urls().get(BootTestSettings.INITFS).toString(),
                    initfs.md5sum(), published.urls().get(BootTestSettings.ROOTFS).toString(), rootfs.md5sum()));
            update(r -> r.inPhase(BootTestPhase.BOOTING));
            note("the CattlePi config of " + build.pi().id() + " (" + mac + ") points at the images"
                    + (saved == null ? " (it had none of its own: it is a copy of the default one until restored)"
                    : " (its own config is saved, to be restored)"));

            Optional<BootCheck.Seen> before = BootCheck.look(shell);
            String beforeBoot = before.map(BootCheck.Seen::bootId).orElse("");
            before.ifPresent(s -> note("before the reboot: boot " + shortId(s.bootId()) + ", " + s.describe()));
            note("rebooting " + build.pi().id() + " from its CattlePi config: " + settings.rebootCommand());
            Instant rebooted = clock.instant();
            StepResult reboot = shell.ssh(settings.rebootCommand(), REBOOT_TIMEOUT, build.log());
            if (!reboot.ok() && reboot.exitCode() != 255 && !reboot.timedOut() && !reboot.cancelled()) {
                return End.error("the reboot command failed on " + build.pi().id() + " (exit code " + reboot.exitCode()
                        + ")", true);
            }
            CrashPoint.reach(CrashPoint.BOOT_TEST_BOOTING);
            Instant bootDeadline = earliest(rebooted.plus(settings.bootTimeout()), deadline);
            Optional<BootCheck.Seen> last = Optional.empty();
            boolean booted = false;
            while (!booted && clock.instant().isBefore(bootDeadline) && !build.stopped().getAsBoolean()) {
                sleeper.sleep(POLL);
                build.repin().run();
                Optional<BootCheck.Seen> seen = BootCheck.look(shell);
                if (seen.isPresent()) {
                    last = seen;
                    booted = seen.get().booted(beforeBoot, settings.recipe(), initfs.md5sum(), rootfs.md5sum());
                }
            }
            if (!booted) {
                return End.error("did not boot the built image within " + human(Duration.between(rebooted, bootDeadline))
                        + last.map(s -> " (last seen: " + s.describe() + ")").orElse(" (it never answered)"), true);
            }
            bootSeconds = Duration.between(rebooted, clock.instant()).toMillis() / 1000.0;
            note(build.pi().id() + " booted the built image in " + String.format("%.1f", bootSeconds) + " s: boot "
                    + shortId(last.get().bootId()) + ", " + last.get().describe());
            update(r -> r.inPhase(BootTestPhase.TESTING));
            writeReport(null, "running");
            return tests();
        }

        private End tests() throws IOException, InterruptedException {
            List<String> names = tests.find(build.cell().src(), this::note);
            if (names.isEmpty()) {
                return new End(BuildResult.SUCCESS, "booted " + settings.recipe() + "; no tests in "
                        + settings.recipeTests() + "/", false);
            }
            try {
                tests.copy(shell, names, build.log());
            } catch (BatteryTests.NotCopied e) {
                return End.error(e.getMessage(), false);
            }
            for (String name : names) {
                Duration left = Duration.between(clock.instant(), deadline);
                if (build.stopped().getAsBoolean()) {
                    results.add(TestResult.skipped(name, "the build was stopped"));
                } else if (left.isNegative() || left.isZero()) {
                    results.add(TestResult.skipped(name, "the boot test's " + human(settings.timeout()) + " ran out"));
                } else {
                    try {
                        results.add(tests.run(shell, build, name, left));
                    } catch (BatteryTests.PiLost e) {
                        results.add(new TestResult(name, TestResult.Verdict.FAILED, -1, 0, e.getMessage(), ""));
                        names.subList(names.indexOf(name) + 1, names.size())
                                .forEach(n -> results.add(TestResult.skipped(n, "the Pi stopped answering")));
                        writeReport(null, "running");
                        return End.error(e.getMessage(), true);
                    }
                }
                writeReport(null, "running");
            }
            long failed = results.stream().filter(t -> t.verdict() == TestResult.Verdict.FAILED).count();
            long skipped = results.stream().filter(t -> t.verdict() == TestResult.Verdict.SKIPPED).count();
            String counts = (results.size() - failed - skipped) + " passed, " + failed + " failed"
                    + (skipped > 0 ? ", " + skipped + " not run" : "");
            if (failed == 0 && skipped == 0) {
                return new End(BuildResult.SUCCESS, "booted " + settings.recipe() + "; " + counts, false);
            }
            List<String> bad = results.stream().filter(t -> t.verdict() != TestResult.Verdict.PASSED)
                    .map(TestResult::name).toList();
            return new End(BuildResult.FAILURE, counts + ": " + String.join(", ", bad), false);
        }

        /** Stores the result, writes the report, puts the config back and takes the images down. */
        private void finish(End end) {
            String description = redactor.redact(end.description());
            long passed = results.stream().filter(t -> t.verdict() == TestResult.Verdict.PASSED).count();
            long failed = results.stream().filter(t -> t.verdict() == TestResult.Verdict.FAILED).count();
            update(r -> r.ended(end.result(), description, (int) passed, (int) failed, clock.instant()));
            ports.store().write(tx -> {
                tx.append(Event.BUILD, id, "boot-test", "boot test " + end.result().wireName() + ": " + description);
                return null;
            });
            writeReport(end.result(), description);
            note("result: " + end.result().wireName() + " (" + description + ")");
            CrashPoint.reach(CrashPoint.BOOT_TEST_RESTORING);
            try {
                ports.restores().restore(id, build.pi().id());
                BootTestRecord now = ports.store().read(tx -> tx.bootTest(id)).orElseThrow();
                if (now.configChanged()) {
                    note("the CattlePi config of " + build.pi().id() + " is restored");
                }
            } catch (CattlePiApiException | RuntimeException e) {
                note("the CattlePi config of " + build.pi().id() + " could not be restored now (" + e.getMessage()
                        + "); it is restored before the Pi is reset");
            }
            ports.shelf().withdraw(id, imageRef);
            update(r -> r.withImageRef(null));
            deleteStaging();
        }

        private void postPending(String description) {
            try {
                ports.statuses().post(b.repository(), b.sha(), new CommitStatus(CommitState.PENDING, settings.context(),
                        description, ports.link().apply(b)));
                update(r -> r.withPostedStatus(CommitState.PENDING.wireName()));
            } catch (ReportException | RuntimeException e) {
                // The battery goes on: a missing pending status is cosmetic, the final one is retried.
                ports.store().write(tx -> {
                    tx.append(Event.BUILD, id, "status-failed", "boot test pending status not posted: " + e.getMessage());
                    return null;
                });
            }
        }

        private void update(UnaryOperator<BootTestRecord> change) {
            ports.store().write(tx -> {
                tx.bootTest(id).ifPresent(r -> tx.putBootTest(change.apply(r)));
                return null;
            });
        }

        private void writeReport(BuildResult result, String description) {
            try {
                new BatteryReport(id, settings.recipe(), build.pi().id(), b.sha(), started, result, description,
                        bootSeconds, images, results).write(build.folder());
            } catch (IOException e) {
                note("the boot test's report could not be written: " + e.getMessage());
            }
        }

        private void deleteStaging() {
            if (!Files.exists(staging)) {
                return;
            }
            try (Stream<Path> files = Files.walk(staging)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException e) {
                log.warn("boot test of build {}: its copy of the images stays in {}: {}", id, staging, e.getMessage());
            }
        }

        private void note(String text) {
            build.log().note("boot test: " + text);
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String shortId(String bootId) {
        return bootId.length() > 8 ? bootId.substring(0, 8) : bootId;
    }

    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s % 60 == 0 && s >= 60 ? s / 60 + "m" : s + "s";
    }
}
