package io.cattlepi.ci.engine;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.build.run.FileTrees;
import io.cattlepi.ci.concurrent.DaemonThreads;
import io.cattlepi.ci.intake.MessageAdmission;
import io.cattlepi.ci.intake.VisibilityHeartbeat;
import io.cattlepi.ci.intake.WorkQueue;
import io.cattlepi.ci.report.FolderPublisher;
import io.cattlepi.ci.report.ReportException;
import io.cattlepi.ci.report.StatusPublisher;
import io.cattlepi.ci.retry.Sleeper;
import io.cattlepi.ci.schedule.Scheduler;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.store.Tx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds from SQS that another system runs (the Jenkins front end): the same admission,
 * visibility heartbeat and settling as the engine, with the run itself handed over. A build is
 * committed {@code scheduled} before it is handed over, {@code running} when the front end says
 * it started and {@code finishing} when it ended; the finisher then publishes the folder, posts
 * the final status and only then deletes the message. What the front end lost (a crash between
 * hand-over and its own queue, a run deleted) is reported through {@link #lost} and never stays
 * pending.
 */
public final class DelegatedBuilds implements AutoCloseable {
    /** Event kind holding the front end's page for a build (the status link). */
    public static final String RUN_URL = "run-url";
    private static final String LOST = "lost";
    private static final Logger log = LoggerFactory.getLogger(DelegatedBuilds.class);

    /** The front end's half: start a run of this build. */
    public interface Runner {
        /** The page that shows the build until its run exists (the job's page), or null. */
        String page(Build build);

        /** Starts a run; throws when none can be started, and the build then ends {@code error} with the message. */
        void schedule(Build build) throws Exception;
    }

    private final Store store;
    private final WorkQueue queue;
    private final StatusPublisher statuses;
    private final EngineSettings settings;
    private final Runner runner;
    private final StatusText text;
    private final VisibilityHeartbeat heartbeat;
    private final Finisher finisher;
    private final QueueConsumer consumer;
    private final WaitingNotices approvals;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, DaemonThreads.named("delegated-timer"));
    private final ExecutorService settlePool = DaemonThreads.pool("delegated-settle", 2);
    private final ExecutorService handOvers = Executors.newSingleThreadExecutor(DaemonThreads.named("delegated-handover"));
    private final AtomicBoolean passPending = new AtomicBoolean();
    /** Committed {@code scheduled} but not yet given to the front end: not lost, only in flight. */
    private final Set<String> handingOver = ConcurrentHashMap.newKeySet();
    private volatile Runnable afterSettle = () -> { };
    private Thread consumerThread;

    /** @param maxWaiting how many builds may wait for the front end (scheduled, not yet running) at once */
    public DelegatedBuilds(Store store, WorkQueue queue, MessageAdmission admission, StatusPublisher statuses,
                           FolderPublisher publisher, EngineSettings settings, int maxWaiting, Sleeper sleeper,
                           Runner runner) {
        this.store = store;
        this.queue = queue;
        this.statuses = statuses;
        this.settings = settings;
        this.runner = runner;
        this.text = new StatusText(settings, publisher, b -> runUrl(b.id()).orElse(null));
        this.heartbeat = new VisibilityHeartbeat(store, queue, settings.visibilityTimeout());
        this.finisher = new Finisher(store, publisher, statuses, queue, settings, text, timer, settlePool);
        finisher.afterSettle(this::settled);
        this.approvals = new WaitingNotices(store, statuses, publisher, text, settings);
        this.consumer = new QueueConsumer(queue, admission, () -> Math.max(0, maxWaiting - waiting()), () -> {
            handOverSoon();
            finisher.settleAll();
            announceWaiting();
        }, settings.receiveWait(), settings.visibilityTimeout(), sleeper);
    }

    /** Settles what a previous run left, then starts receiving, heart-beating and handing over. */
    public void start() {
        finisher.settleAll();
        consumerThread = DaemonThreads.named("delegated-sqs").newThread(consumer);
        consumerThread.start();
        long beat = Math.max(1000, settings.visibilityTimeout().toMillis() / 3);
        timer.scheduleWithFixedDelay(this::beat, beat, beat, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::handOverSoon, 10, 10, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(finisher::settleAll, 1, 1, TimeUnit.MINUTES);
        timer.scheduleWithFixedDelay(this::announceWaiting, 1, 1, TimeUnit.MINUTES);
        handOverSoon();
    }

    /** Outsiders' pull requests are told they wait for a maintainer; on the settling pool, never the consumer. */
    private void announceWaiting() {
        try {
            settlePool.execute(approvals::postAll);
        } catch (RejectedExecutionException e) {
            log.debug("stopping; waiting builds are announced at the next start");
        }
    }

    /** Calls back after each build is settled (tests wait on it). */
    public void afterSettle(Runnable r) {
        this.afterSettle = r;
    }

    /** The front end keeps its own copy of the log and artifacts; the published folder is not needed any more. */
    private void settled(String buildId) {
        try {
            FileTrees.delete(settings.workspaces().resolve(buildId));
        } catch (IOException e) {
            log.warn("build {}: its folder could not be deleted: {}", buildId, e.getMessage());
        }
        afterSettle.run();
    }

    public void handOverSoon() {
        if (passPending.compareAndSet(false, true)) {
            try {
                handOvers.execute(this::handOver);
            } catch (RejectedExecutionException e) {
                passPending.set(false);
            }
        }
    }

    /** Hands every queued build to the front end, oldest first; each is committed {@code scheduled} first. */
    void handOver() {
        passPending.set(false);
        List<Build> queued = store.read(tx -> tx.buildsIn(BuildState.QUEUED)).stream()
                .filter(b -> !Scheduler.AUTOBUILD_EVENT.equals(b.event()))
                .toList();
        for (Build b : queued) {
            handingOver.add(b.id());
            try {
                handOver(b);
            } finally {
                handingOver.remove(b.id());
            }
        }
    }

    /** Claims one build ({@code scheduled}, committed), posts its pending status, then gives it to the front end. */
    private void handOver(Build b) {
        Optional<Build> claimed = change(b.id(), BuildState.QUEUED, x -> x.withState(BuildState.SCHEDULED,
                "handed to the front end"));
        if (claimed.isEmpty()) {
            return;
        }
        String page = runner.page(claimed.get());
        if (page != null) {
            note(b.id(), RUN_URL, page);
        }
        // Before the run exists, so this never overwrites the run's own "Building on" status.
        pending(claimed.get(), "Queued, waiting for a Pi");
        try {
            runner.schedule(claimed.get());
        } catch (Exception e) {
            log.warn("build {}: the front end could not start it: {}", b.id(), e.getMessage());
            finished(b.id(), BuildResult.ERROR, "could not start: " + e.getMessage());
        }
    }

    /** The front end started the build's run; the pending status now links {@code runUrl}. */
    public void started(String buildId, String runUrl, String where) {
        Optional<Build> running = store.write(tx -> {
            Optional<Build> b = tx.build(buildId);
            if (b.isEmpty() || (b.get().state() != BuildState.SCHEDULED && b.get().state() != BuildState.QUEUED)) {
                return Optional.<Build>empty();
            }
            Build after = b.get().scheduledOn(where).started(tx.now());
            tx.buildChanged(b.get(), after);
            tx.append(Event.BUILD, buildId, RUN_URL, runUrl);
            return Optional.of(after);
        });
        running.ifPresent(b -> pending(b, "Building on " + where));
        consumer.capacityMayHaveChanged();
    }

    /** Where the front end writes the build's log and artifacts; published when it finishes. */
    public Path folder(String buildId) throws IOException {
        return Files.createDirectories(settings.workspaces().resolve(buildId));
    }

    /**
     * The run ended: the build settles (folder published, final status, message deleted). A build
     * already finishing or done is left as it is, so a repeated report is harmless.
     */
    public void finished(String buildId, BuildResult result, String description) {
        Optional<Build> done = store.write(tx -> {
            Optional<Build> b = tx.build(buildId);
            if (b.isEmpty() || !unsettled(b.get().state())) {
                return Optional.<Build>empty();
            }
            Build after = b.get().finished(result, description, tx.now());
            tx.buildChanged(b.get(), after);
            return Optional.of(after);
        });
        done.ifPresent(b -> finisher.settleSoon(b.id(), Duration.ZERO));
        consumer.capacityMayHaveChanged();
    }

    /**
     * Builds handed over and not finished, except one being handed over right now: the front end
     * checks each still has a queue item or run.
     */
    public List<Build> unsettled() {
        return store.read(tx -> tx.buildsIn(BuildState.SCHEDULED, BuildState.RUNNING)).stream()
                .filter(b -> !handingOver.contains(b.id()))
                .toList();
    }

    /**
     * The front end has no queue item or run for this build. One never started is handed over again
     * (up to the engine's run limit); one that ran ends {@code error}, so no status stays pending.
     */
    public void lost(String buildId, String why) {
        Optional<Build> again = store.write(tx -> {
            Optional<Build> b = tx.build(buildId);
            if (b.isEmpty() || !unsettled(b.get().state())) {
                return Optional.<Build>empty();
            }
            long losses = losses(tx, buildId);
            tx.append(Event.BUILD, buildId, LOST, why);
            if (b.get().state() == BuildState.SCHEDULED && losses + 1 < settings.maxRuns()) {
                Build requeued = b.get().requeued("handed over again: " + why);
                tx.buildChanged(b.get(), requeued);
                return Optional.of(requeued);
            }
            return Optional.<Build>empty();
        });
        if (again.isPresent()) {
            handOverSoon();
        } else {
            finished(buildId, BuildResult.ERROR, "lost by the front end: " + why);
        }
    }

    public Optional<Build> build(String buildId) {
        return store.read(tx -> tx.build(buildId));
    }

    /** The page the statuses link to, as last reported by the front end. */
    public Optional<String> runUrl(String buildId) {
        return store.read(tx -> tx.events(Event.BUILD, buildId, 100).stream()
                .filter(e -> RUN_URL.equals(e.kind()))
                .max(Comparator.comparingLong(Event::seq))
                .map(Event::detail));
    }

    private int waiting() {
        return store.read(tx -> tx.buildsIn(BuildState.QUEUED, BuildState.SCHEDULED).size());
    }

    private static long losses(Tx tx, String buildId) {
        return tx.events(Event.BUILD, buildId, 100).stream().filter(e -> LOST.equals(e.kind())).count();
    }

    private static boolean unsettled(BuildState s) {
        return s == BuildState.QUEUED || s == BuildState.SCHEDULED || s == BuildState.RUNNING;
    }

    private Optional<Build> change(String buildId, BuildState from, UnaryOperator<Build> change) {
        return store.write(tx -> {
            Optional<Build> b = tx.build(buildId);
            if (b.isEmpty() || b.get().state() != from) {
                return Optional.<Build>empty();
            }
            Build after = change.apply(b.get());
            tx.buildChanged(b.get(), after);
            return Optional.of(after);
        });
    }

    /** A missing pending status is cosmetic: noted, and the final one is retried by the finisher. */
    private void pending(Build b, String description) {
        try {
            statuses.post(b.repository(), b.sha(), text.pending(b, description));
            change(b.id(), b.state(), x -> x.withPostedStatus("pending"));
        } catch (ReportException e) {
            note(b.id(), "status-failed", "pending status not posted: " + e.getMessage());
        }
    }

    private void note(String buildId, String kind, String detail) {
        store.note(Event.BUILD, buildId, kind, detail);
    }

    private void beat() {
        try {
            heartbeat.run();
        } catch (RuntimeException e) {
            log.warn("visibility heartbeat failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        consumer.close();
        if (consumerThread != null) {
            consumerThread.interrupt();
        }
        handOvers.shutdownNow();
        timer.shutdownNow();
        settlePool.shutdownNow();
    }
}
