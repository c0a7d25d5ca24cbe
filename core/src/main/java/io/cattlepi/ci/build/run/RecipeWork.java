package io.cattlepi.ci.build.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildWork;
import io.cattlepi.ci.build.Lease;
import io.cattlepi.ci.build.WorkOutcome;
import io.cattlepi.ci.report.BuildPublisher;
import io.cattlepi.ci.retry.Sleeper;
import io.cattlepi.ci.sandbox.BuildCell;
import io.cattlepi.ci.sandbox.Sandbox;
import io.cattlepi.ci.schedule.Scheduler;
import io.cattlepi.ci.secret.Redactor;
import io.cattlepi.ci.worker.Worker;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A build as the seed ran it, on the controller host: check out the commit, then run each step
 * with the leased Pi in {@code BUILDER_NODE}, stopping at the first failure, all within the job
 * timeout. Checkout and steps run in the build's sandbox cell (pull-request code is hostile), which
 * reaches the Pi through an agent holding the key. The log and {@code result.json} go to the
 * build's folder (published as it runs); the cell's folders are deleted afterwards. Artifacts the
 * recipe leaves in {@code artifacts/} are kept with the log, never with a secret in them.
 */
public final class RecipeWork implements BuildWork {
    public static final String RESULT_NAME = "result.json";
    public static final String ARTIFACTS = "artifacts";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STOCK_POLL = Duration.ofSeconds(3);

    private final RecipeSettings settings;
    private final Clock clock;
    private final StepRunner runner;
    private final Checkout checkout;
    private final Map<String, String> controllerEnv;
    private final StockCheck stockCheck;
    private final Sleeper sleeper;
    private final Sandbox sandbox;
    private final Redactor redactor;

    /** Whether the Pi answers on stock Raspbian (the autobuild waits for that between its recipes). */
    @FunctionalInterface
    public interface StockCheck {
        boolean onStock(Worker pi);
    }

    public RecipeWork(RecipeSettings settings, Sandbox sandbox, Clock clock, Sleeper sleeper, StockCheck stockCheck) {
        this(settings, sandbox, clock, sleeper, System.getenv(), stockCheck);
    }

    /**
     * @param controllerEnv the variables the allow-list picks from (tests pass their own)
     * @param stockCheck    probes the Pi between autobuild steps; null skips the wait
     */
    public RecipeWork(RecipeSettings settings, Sandbox sandbox, Clock clock, Sleeper sleeper,
                      Map<String, String> controllerEnv, StockCheck stockCheck) {
        this.sandbox = sandbox;
        this.redactor = Redactor.of(settings.masked());
        this.stockCheck = stockCheck;
        this.sleeper = sleeper;
        this.settings = settings;
        this.clock = clock;
        this.runner = new StepRunner(clock, settings.killGrace());
        this.checkout = new Checkout(runner, settings.checkoutWindow(), settings.checkoutEvery(), settings.gitTimeout(),
                clock, sleeper);
        this.controllerEnv = Map.copyOf(controllerEnv);
    }

    @Override
    public WorkOutcome run(Lease lease, Path folder, Cancellation cancellation) throws Exception {
        Build b = lease.build();
        Worker pi = lease.worker();
        Path work = settings.workRoot().resolve(b.id());
        FileTrees.delete(work);
        Files.createDirectories(folder);
        List<StepResult> done = new ArrayList<>();
        WorkOutcome outcome;
        try (BuildLog log = new BuildLog(folder.resolve(BuildPublisher.LOG_NAME), clock, redactor)) {
            log.note("build " + b.id() + ": " + b.repository() + " " + b.sha() + " (" + b.ref() + ") on " + pi.id()
                    + " " + pi.host() + ":" + pi.port());
            outcome = inCell(b, pi, work, folder, log, cancellation, done);
            outcome = new WorkOutcome(outcome.result(), redactor.redact(outcome.description()), outcome.piSuspect());
            log.note("result: " + outcome.result().wireName() + " (" + outcome.description() + ")");
        } finally {
            FileTrees.delete(work);
        }
        writeResult(folder, outcome, done);
        return outcome;
    }

    /** Opens the build's cell, runs checkout and steps in it, and keeps the artifacts once nothing of the build runs. */
    private WorkOutcome inCell(Build b, Worker pi, Path work, Path folder, BuildLog log, Cancellation cancellation,
                               List<StepResult> done) throws IOException, InterruptedException {
        Path local = localRepository(b.cloneUrl());
        WorkOutcome outcome;
        Path src;
        try (BuildCell cell = openCell(b, work, local, log)) {
            if (cell == null) {
                return new WorkOutcome(BuildResult.ERROR, "the build's sandbox could not be prepared (see the log)", false);
            }
            src = cell.src();
            Map<String, String> env = BuildEnvironment.of(controllerEnv, cell, pi, settings.sshUser());
            String cloneUrl = local == null ? b.cloneUrl() : cell.inside(local);
            outcome = runAll(b, pi, cell, cloneUrl, env, log, cancellation, done);
            Optional<String> limit = cell.exceeded();
            if (limit.isPresent()) {
                log.note("the build reached " + limit.get() + ": its processes were refused or killed");
                outcome = new WorkOutcome(BuildResult.ERROR, "the build reached " + limit.get(), false);
            }
        }
        // The cell is closed: whatever the build left running is gone, so nothing changes what is kept.
        keepArtifacts(src, folder, log);
        return outcome;
    }

    private BuildCell openCell(Build b, Path work, Path local, BuildLog log) {
        try {
            BuildCell cell = sandbox.open(b.id(), work, settings.piKey(), local == null ? List.of() : List.of(local));
            log.note("isolation: " + cell.describe());
            return cell;
        } catch (IOException | RuntimeException e) {
            log.note("the build's sandbox could not be prepared: " + e.getMessage());
            return null;
        }
    }

    /** A {@code file:} clone URL (the demo, an air-gapped mirror): the repository the sandbox must show read-only. */
    private static Path localRepository(String cloneUrl) {
        if (cloneUrl == null || !cloneUrl.startsWith("file:")) {
            return null;
        }
        return Path.of(URI.create(cloneUrl));
    }

    private WorkOutcome runAll(Build b, Worker pi, BuildCell cell, String cloneUrl, Map<String, String> env,
                               BuildLog log, Cancellation cancellation, List<StepResult> done)
            throws IOException, InterruptedException {
        boolean autobuild = Scheduler.AUTOBUILD_EVENT.equals(b.event());
        List<List<String>> steps = autobuild ? settings.autobuildSteps() : settings.steps();
        Duration timeout = autobuild ? settings.autobuildTimeout() : settings.jobTimeout();
        Instant deadline = clock.instant().plus(timeout);
        Path src = cell.src();
        try {
            checkout.run(cloneUrl, b.sha(), src, checkoutEnvironment(cell, env), log, cancellation::cancelled,
                    argv -> cell.command(argv, src));
        } catch (CheckoutException e) {
            // The Pi was never touched: it goes straight back to reset, no probe needed.
            return cancellation.cancelled() ? WorkOutcome.error("cancelled")
                    : new WorkOutcome(BuildResult.ERROR, e.getMessage(), false);
        }
        for (List<String> step : steps) {
            if (autobuild && !done.isEmpty() && !awaitStock(pi, deadline, log, cancellation)) {
                return cancellation.cancelled() ? WorkOutcome.error("cancelled")
                        : WorkOutcome.error("Pi " + pi.id() + " did not come back on stock Raspbian between recipes");
            }
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                return WorkOutcome.error("timed out after " + human(timeout));
            }
            log.note("step: " + String.join(" ", step));
            StepResult r = runner.run(cell.command(step, src), src, env, left, log, "out", cancellation::cancelled)
                    .as(step);
            done.add(r);
            log.note("step " + r.commandLine() + (r.ok() ? " passed" : r.timedOut() ? " timed out" : r.cancelled()
                    ? " cancelled" : " failed with exit code " + r.exitCode()) + " in " + r.took().toSeconds() + " s");
            if (r.cancelled()) {
                return WorkOutcome.error("cancelled");
            }
            if (r.timedOut()) {
                return WorkOutcome.error("timed out after " + human(timeout) + " in `" + r.commandLine() + "`");
            }
            if (!r.ok()) {
                return new WorkOutcome(BuildResult.FAILURE, "step `" + r.commandLine() + "` failed with exit code "
                        + r.exitCode(), false);
            }
        }
        return new WorkOutcome(BuildResult.SUCCESS, "all " + steps.size() + " steps passed", false);
    }

    /**
     * The clone base may be a mirror another user owns (git refuses "dubious ownership"): trusted
     * for the checkout only, through a global config of its own. Not {@code GIT_CONFIG_COUNT}: git
     * drops that for the local transport's upload-pack.
     */
    private static Map<String, String> checkoutEnvironment(BuildCell cell, Map<String, String> env) throws IOException {
        Path config = cell.home().resolve(".checkout.gitconfig");
        Files.writeString(config, "[safe]\n\tdirectory = *\n");
        Map<String, String> out = new LinkedHashMap<>(env);
        out.put("GIT_CONFIG_GLOBAL", cell.inside(config));
        return out;
    }

    /** The seed's hook between release recipes: wait until the Pi answers on stock again, checking every few seconds. */
    private boolean awaitStock(Worker pi, Instant deadline, BuildLog log, Cancellation cancellation)
            throws InterruptedException {
        if (stockCheck == null) {
            return true;
        }
        log.note("waiting for " + pi.id() + " to be alive and on stock Raspbian");
        while (clock.instant().isBefore(deadline) && !cancellation.cancelled()) {
            if (stockCheck.onStock(pi)) {
                log.note(pi.id() + " is on stock Raspbian");
                return true;
            }
            sleeper.sleep(STOCK_POLL);
        }
        return false;
    }

    private void writeResult(Path folder, WorkOutcome outcome, List<StepResult> done) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("result", outcome.result().wireName());
        root.put("description", outcome.description());
        ArrayNode steps = root.putArray("steps");
        for (StepResult r : done) {
            ObjectNode s = steps.addObject();
            ArrayNode argv = s.putArray("argv");
            r.argv().forEach(argv::add);
            s.put("exitCode", r.exitCode());
            s.put("timedOut", r.timedOut());
            s.put("seconds", r.took().toMillis() / 1000.0);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(folder.resolve(RESULT_NAME).toFile(), root);
    }

    /** Regular files under {@code src/artifacts}, never following links out of the checkout, screened for secrets. */
    private void keepArtifacts(Path src, Path folder, BuildLog log) throws IOException {
        Path from = src.resolve(ARTIFACTS);
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path to = folder.resolve(ARTIFACTS);
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    Path relative = from.relativize(file);
                    Path target = to.resolve(relative.toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
                    switch (ArtifactScreen.screen(target, redactor)) {
                        case CLEAN -> log.note("artifact: " + relative + " (" + attrs.size() + " bytes)");
                        case MASKED -> log.note("artifact: " + relative + " (" + attrs.size()
                                + " bytes): a secret of the controller was withheld from it (masked)");
                        case WITHHELD -> log.note("artifact: " + relative + " not published: it holds a secret of"
                                + " the controller");
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 && s >= 60 ? s / 60 + "m" : s + "s";
    }
}
