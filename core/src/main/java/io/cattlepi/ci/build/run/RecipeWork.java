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
import io.cattlepi.ci.schedule.Scheduler;
import io.cattlepi.ci.worker.Worker;
import java.io.IOException;
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
import java.util.List;
import java.util.Map;

/**
 * A build as the seed ran it, on the controller host: check out the commit, then run each step
 * with the leased Pi in {@code BUILDER_NODE}, stopping at the first failure, all within the job
 * timeout. The log and {@code result.json} go to the build's folder (published as it runs);
 * the checkout and private home live beside it and are deleted afterwards, key included.
 * Artifacts the recipe leaves in {@code artifacts/} are kept with the log.
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

    /** Whether the Pi answers on stock Raspbian (the autobuild waits for that between its recipes). */
    @FunctionalInterface
    public interface StockCheck {
        boolean onStock(Worker pi);
    }

    public RecipeWork(RecipeSettings settings, Clock clock, Sleeper sleeper, StockCheck stockCheck) {
        this(settings, clock, sleeper, System.getenv(), stockCheck);
    }

    /**
     * @param controllerEnv the variables the allow-list picks from (tests pass their own)
     * @param stockCheck    probes the Pi between autobuild steps; null skips the wait
     */
    public RecipeWork(RecipeSettings settings, Clock clock, Sleeper sleeper, Map<String, String> controllerEnv,
                      StockCheck stockCheck) {
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
        Path home = work.resolve("home");
        Path src = work.resolve("src");
        Files.createDirectories(home);
        Files.createDirectories(folder);
        List<StepResult> done = new ArrayList<>();
        WorkOutcome outcome;
        try (BuildLog log = new BuildLog(folder.resolve(BuildPublisher.LOG_NAME), clock, settings.masked())) {
            log.note("build " + b.id() + ": " + b.repository() + " " + b.sha() + " (" + b.ref() + ") on " + pi.id()
                    + " " + pi.host() + ":" + pi.port());
            BuildEnvironment.prepareHome(home, settings.piKey());
            Map<String, String> env = BuildEnvironment.of(controllerEnv, home, pi, settings.sshUser());
            outcome = runAll(b, pi, src, env, log, cancellation, done);
            log.note("result: " + outcome.result().wireName() + " (" + outcome.description() + ")");
            keepArtifacts(src, folder, log);
        } finally {
            FileTrees.delete(work);
        }
        writeResult(folder, outcome, done);
        return outcome;
    }

    private WorkOutcome runAll(Build b, Worker pi, Path src, Map<String, String> env, BuildLog log,
                               Cancellation cancellation, List<StepResult> done) throws IOException, InterruptedException {
        boolean autobuild = Scheduler.AUTOBUILD_EVENT.equals(b.event());
        List<List<String>> steps = autobuild ? settings.autobuildSteps() : settings.steps();
        Duration timeout = autobuild ? settings.autobuildTimeout() : settings.jobTimeout();
        Instant deadline = clock.instant().plus(timeout);
        try {
            checkout.run(b.cloneUrl(), b.sha(), src, env, log, cancellation::cancelled);
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
            StepResult r = runner.run(step, src, env, left, log, "out", cancellation::cancelled);
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

    /** Regular files under {@code src/artifacts}, never following links out of the checkout. */
    private static void keepArtifacts(Path src, Path folder, BuildLog log) throws IOException {
        Path from = src.resolve(ARTIFACTS);
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path to = folder.resolve(ARTIFACTS);
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    Path target = to.resolve(from.relativize(file).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                    log.note("artifact: " + from.relativize(file) + " (" + attrs.size() + " bytes)");
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
