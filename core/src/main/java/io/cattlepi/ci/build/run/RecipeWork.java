package io.cattlepi.ci.build.run;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildWork;
import io.cattlepi.ci.build.Lease;
import io.cattlepi.ci.build.PiWatch;
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
import java.util.function.BooleanSupplier;

/**
 * A build as the seed ran it, on the controller host: check out the commit, then run each step
 * with the leased Pi in {@code BUILDER_NODE}, stopping at the first failure, all within the job
 * timeout. Checkout and steps run in the build's sandbox cell (pull-request code is hostile), which
 * reaches the Pi through an agent holding the key and an SSH config pinning the Pi's host key.
 * A step's exit code is a claim: its output is checked against the result rules too. The log and
 * {@code result.json} go to the build's folder (published as it runs); the cell's folders are
 * deleted afterwards. Artifacts the recipe leaves in {@code artifacts/} are kept with the log,
 * never with a secret in them.
 */
public final class RecipeWork implements BuildWork {
    public static final String RESULT_NAME = ResultFile.NAME;
    public static final String ARTIFACTS = "artifacts";
    private static final Duration STOCK_POLL = Duration.ofSeconds(3);

    private final RecipeSettings settings;
    private final Clock clock;
    private final StepRunner runner;
    private final Checkout checkout;
    private final Map<String, String> controllerEnv;
    private final PiWatch watch;
    private final Sleeper sleeper;
    private final Sandbox sandbox;
    private final Redactor redactor;
    private final StepVerdict verdict;
    private final AfterSteps afterSteps;

    public RecipeWork(RecipeSettings settings, Sandbox sandbox, Clock clock, Sleeper sleeper, PiWatch watch) {
        this(settings, sandbox, clock, sleeper, System.getenv(), watch, AfterSteps.NONE);
    }

    /** @param afterSteps what runs once the steps passed, in the same cell (the boot-test battery) */
    public RecipeWork(RecipeSettings settings, Sandbox sandbox, Clock clock, Sleeper sleeper, PiWatch watch,
                      AfterSteps afterSteps) {
        this(settings, sandbox, clock, sleeper, System.getenv(), watch, afterSteps);
    }

    public RecipeWork(RecipeSettings settings, Sandbox sandbox, Clock clock, Sleeper sleeper,
                      Map<String, String> controllerEnv, PiWatch watch) {
        this(settings, sandbox, clock, sleeper, controllerEnv, watch, AfterSteps.NONE);
    }

    /**
     * @param controllerEnv the variables the allow-list picks from (tests pass their own)
     * @param watch         looks at the Pi from outside the build: host keys, unreachable claims, autobuild waits
     */
    public RecipeWork(RecipeSettings settings, Sandbox sandbox, Clock clock, Sleeper sleeper,
                      Map<String, String> controllerEnv, PiWatch watch, AfterSteps afterSteps) {
        this.afterSteps = afterSteps;
        this.sandbox = sandbox;
        this.redactor = Redactor.of(settings.masked());
        this.watch = watch;
        this.sleeper = sleeper;
        this.settings = settings;
        this.clock = clock;
        this.runner = new StepRunner(clock, settings.killGrace(), settings.checks().maxLineBytes());
        this.checkout = new Checkout(runner, settings.checkoutWindow(), settings.checkoutEvery(), settings.gitTimeout(),
                clock, sleeper);
        this.controllerEnv = Map.copyOf(controllerEnv);
        this.verdict = new StepVerdict(watch);
    }

    @Override
    public WorkOutcome run(Lease lease, Path folder, Cancellation cancellation) throws Exception {
        Build b = lease.build();
        Worker pi = lease.worker();
        Path work = settings.workRoot().resolve(b.id());
        FileTrees.delete(work);
        Files.createDirectories(folder);
        Run run = new Run(b, pi, work, folder, cancellation);
        WorkOutcome outcome;
        try (BuildLog log = new BuildLog(folder.resolve(BuildPublisher.LOG_NAME), clock, redactor)) {
            log.note("build " + b.id() + ": " + b.repository() + " " + b.sha() + " (" + b.ref() + ") on " + pi.id()
                    + " " + pi.host() + ":" + pi.port());
            outcome = inCell(run, log);
            outcome = new WorkOutcome(outcome.result(), redactor.redact(outcome.description()), outcome.piSuspect());
            log.note("result: " + outcome.result().wireName() + " (" + outcome.description() + ")");
        } finally {
            FileTrees.delete(work);
        }
        ResultFile.write(folder, outcome, run.done, run.marked);
        return outcome;
    }

    /** One build's state while it runs. */
    private final class Run {
        final Build build;
        final Worker pi;
        final Path work;
        final Path folder;
        final Cancellation cancellation;
        final List<StepResult> done = new ArrayList<>();
        final List<ResultFile.Marked> marked = new ArrayList<>();
        HostKeyKeeper keys;

        Run(Build build, Worker pi, Path work, Path folder, Cancellation cancellation) {
            this.build = build;
            this.pi = pi;
            this.work = work;
            this.folder = folder;
            this.cancellation = cancellation;
        }

        /** Stopped by the engine (operator, shutdown) or by the keeper (a host key changed without a reboot). */
        boolean stopped() {
            return cancellation.cancelled() || keys != null && keys.tamper().isPresent();
        }

        /** Why it was stopped, as the build's outcome. */
        WorkOutcome stoppedOutcome() {
            if (keys != null && keys.tamper().isPresent()) {
                return new WorkOutcome(BuildResult.ERROR, keys.tamper().get(), true);
            }
            return WorkOutcome.error("cancelled");
        }
    }

    /** Opens the build's cell, runs checkout and steps in it, and keeps the artifacts once nothing of the build runs. */
    private WorkOutcome inCell(Run run, BuildLog log) throws IOException, InterruptedException {
        Path local = localRepository(run.build.cloneUrl());
        WorkOutcome outcome;
        Path src;
        try (BuildCell cell = openCell(run, local, log)) {
            if (cell == null) {
                return new WorkOutcome(BuildResult.ERROR, "the build's sandbox could not be prepared (see the log)", false);
            }
            src = cell.src();
            Map<String, String> env = BuildEnvironment.of(controllerEnv, cell, run.pi, settings.sshUser(),
                    settings.checks().passthrough(), redactor);
            try (HostKeyKeeper keys = new HostKeyKeeper(watch, run.pi, settings.sshUser(), settings.checks().hostKeys(),
                    cell, settings.checks().hostKeyWatch(), log)) {
                run.keys = keys;
                keys.start();
                String cloneUrl = local == null ? run.build.cloneUrl() : cell.inside(local);
                outcome = runAll(run, cell, cloneUrl, env, log);
                if (outcome.result() == BuildResult.SUCCESS && !run.stopped()
                        && !Scheduler.AUTOBUILD_EVENT.equals(run.build.event())) {
                    outcome = afterSteps.run(new AfterSteps.Passed(run.build, run.pi, cell, env, log, run.folder,
                            run::stopped, run::stoppedOutcome, keys::lookNow, outcome));
                }
            }
            Optional<String> limit = cell.exceeded();
            if (limit.isPresent()) {
                log.note("the build reached " + limit.get() + ": its processes were refused or killed");
                outcome = new WorkOutcome(BuildResult.ERROR, "the build reached " + limit.get(), false);
            }
        }
        // The cell is closed: whatever the build left running is gone, so nothing changes what is kept.
        ArtifactScreen.keep(src.resolve(ARTIFACTS), run.folder.resolve(ARTIFACTS), log, redactor);
        return outcome;
    }

    private BuildCell openCell(Run run, Path local, BuildLog log) {
        try {
            BuildCell cell = sandbox.open(run.build.id(), run.work, settings.piKey(),
                    local == null ? List.of() : List.of(local));
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

    private WorkOutcome runAll(Run run, BuildCell cell, String cloneUrl, Map<String, String> env, BuildLog log)
            throws IOException, InterruptedException {
        Build b = run.build;
        boolean autobuild = Scheduler.AUTOBUILD_EVENT.equals(b.event());
        List<List<String>> steps = autobuild ? settings.autobuildSteps() : settings.steps();
        Duration timeout = autobuild ? settings.autobuildTimeout() : settings.jobTimeout();
        Instant deadline = clock.instant().plus(timeout);
        Path src = cell.src();
        BooleanSupplier stopped = run::stopped;
        try {
            checkout.run(cloneUrl, b.sha(), src, checkoutEnvironment(cell, env), log, stopped,
                    argv -> cell.command(argv, src));
        } catch (CheckoutException e) {
            if (run.stopped()) {
                return run.stoppedOutcome();
            }
            // The Pi was never touched: it goes straight back to reset, no probe needed.
            return verdict.diskFull(run.work).orElse(new WorkOutcome(BuildResult.ERROR, e.getMessage(), false));
        }
        ResultRules rules = settings.checks().rulesFor(b.repository());
        for (List<String> step : steps) {
            if (autobuild && !run.done.isEmpty() && !awaitStock(run, deadline, log)) {
                return run.stopped() ? run.stoppedOutcome()
                        : WorkOutcome.error("Pi " + run.pi.id() + " did not come back on stock Raspbian between recipes");
            }
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                return WorkOutcome.error("timed out after " + human(timeout));
            }
            log.note("step: " + String.join(" ", step));
            ResultRules.Watch output = rules.watch();
            StepResult r = runner.run(cell.command(step, src), src, env, left, log.and(output), "out", stopped).as(step);
            run.done.add(r);
            log.note("step " + r.commandLine() + (r.ok() ? " exited 0" : r.timedOut() ? " timed out" : r.cancelled()
                    ? " stopped" : " failed with exit code " + r.exitCode()) + " in " + r.took().toSeconds() + " s");
            for (ResultRules.Match m : output.matches()) {
                log.note("result rule \"" + m.rule() + "\" matched: " + m.line());
                run.marked.add(new ResultFile.Marked(r.commandLine(), m));
            }
            if (r.cancelled()) {
                return run.stoppedOutcome();
            }
            if (r.timedOut()) {
                return WorkOutcome.error("timed out after " + human(timeout) + " in `" + r.commandLine() + "`");
            }
            if (!r.ok() && run.keys.tamperNow().isPresent()) {
                return run.stoppedOutcome();
            }
            Optional<WorkOutcome> failed = verdict.judge(r, output, run.pi, run.work);
            if (failed.isPresent()) {
                return failed.get();
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
    private boolean awaitStock(Run run, Instant deadline, BuildLog log) throws InterruptedException {
        log.note("waiting for " + run.pi.id() + " to be alive and on stock Raspbian");
        while (clock.instant().isBefore(deadline) && !run.stopped()) {
            if (watch.onStock(run.pi)) {
                log.note(run.pi.id() + " is on stock Raspbian");
                return true;
            }
            sleeper.sleep(STOCK_POLL);
        }
        return false;
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 && s >= 60 ? s / 60 + "m" : s + "s";
    }
}
