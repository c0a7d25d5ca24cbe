package io.cattlepi.ci.engine.rig;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.engine.Engine;
import io.cattlepi.ci.engine.EnginePorts;
import io.cattlepi.ci.engine.EngineSettings;
import io.cattlepi.ci.engine.WorkersConfigCheck;
import io.cattlepi.ci.fleet.FleetSettings;
import io.cattlepi.ci.fleet.Probe;
import io.cattlepi.ci.fleet.WorkerReset;
import io.cattlepi.ci.intake.Admission;
import io.cattlepi.ci.intake.DeliveryFilter;
import io.cattlepi.ci.intake.QueuedMessage;
import io.cattlepi.ci.intake.VisibilityHeartbeat;
import io.cattlepi.ci.peers.WebhookFixtures;
import io.cattlepi.ci.retry.Sleeper;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.RackMember;
import io.cattlepi.ci.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;

/**
 * The real engine over in-memory ports (queue, statuses, folders, Pis, build work) and a real
 * store, paced in milliseconds: the settling rules tested in core, one engine after another over
 * the same store and outside world, as a crash and a restart would leave them.
 */
public final class EngineRig implements AutoCloseable {
    public static final String REPOSITORY = "Codertocat/Hello-World";
    private static final Duration WAIT = Duration.ofSeconds(10);

    public final Ledger ledger = new Ledger();
    public final InMemoryQueue queue = new InMemoryQueue(ledger);
    public final RecordingReports reports = new RecordingReports(ledger);
    public final ScriptedWork work = new ScriptedWork(ledger);
    public final InMemoryPis pis = new InMemoryPis();
    private final Store store;
    private final Path workspaces;
    private final List<RackMember> rack = new ArrayList<>();
    private Engine engine;

    public EngineRig(Path dir, int pis) {
        this(dir, pis, Clock.systemUTC());
    }

    /** With the store's (and so the engine's) clock given: tests that move time themselves. */
    public EngineRig(Path dir, int pis, Clock clock) {
        this.store = Store.open(dir.resolve("engine.db"), clock);
        this.reports.clock(clock);
        this.workspaces = dir.resolve("workspaces");
        for (int i = 1; i <= pis; i++) {
            rack.add(new RackMember("pi-" + i, "10.0.0." + i, 22, null));
        }
    }

    /** Starts an engine (after a crash: a new one over the same store, as a restarted controller). */
    public EngineRig start() {
        EngineSettings settings = new EngineSettings(workspaces, "cattlepi-ci", null, Duration.ofSeconds(5),
                Duration.ofMillis(200), Duration.ofMillis(50), 2, 5);
        FleetSettings fleet = new FleetSettings(Duration.ofMillis(100), Duration.ofMillis(10), Duration.ofSeconds(5), 3,
                Duration.ofSeconds(1), 2);
        DeliveryFilter filter = new DeliveryFilter(Set.of(REPOSITORY), List.of(), false, "file:///repos/");
        Probe probe = new Probe(pis, Duration.ofSeconds(1));
        EnginePorts ports = new EnginePorts(queue, new Admission(store, queue, filter, null),
                new VisibilityHeartbeat(store, queue, settings.visibilityTimeout()), reports, reports, work, probe,
                new WorkerReset(pis, WorkerReset.BootConfig.UNCHANGED, Duration.ofSeconds(1)), WorkersConfigCheck.NONE);
        engine = new Engine(store, ports, settings, fleet, rack, Sleeper.SYSTEM);
        engine.start();
        return this;
    }

    /** Stops the engine where it stands; messages its consumer held show again, as after a visibility timeout. */
    public void crash() {
        engine.close();
        queue.expireVisibility();
    }

    public Engine engine() {
        return engine;
    }

    /** GitHub's pull_request delivery of PR {@code n} at {@code sha}, put on the queue. */
    public String pullRequest(int n, String sha) {
        return queue.send(new String(WebhookFixtures.pullRequest("opened", n, sha), StandardCharsets.UTF_8),
                Map.of(QueuedMessage.EVENT, "pull_request", QueuedMessage.DELIVERY, "d-" + n + "-" + sha));
    }

    public Optional<Build> build(String sha) {
        return store.read(tx -> tx.buildsOf(REPOSITORY, sha, "pull_request")).stream().findFirst();
    }

    /** What the next start finds in the store, as a transaction of its own (e.g. admission's). */
    public <T> T write(Store.Work<T> work) {
        return store.write(work);
    }

    /** The build's history, oldest first. */
    public List<io.cattlepi.ci.store.Event> history(String buildId) {
        return store.read(tx -> tx.events(io.cattlepi.ci.store.Event.BUILD, buildId, 100));
    }

    public List<Worker> workers() {
        return store.read(tx -> tx.workers());
    }

    public void await(String what, BooleanSupplier condition) {
        // The crash tests kill engine threads on purpose: their deaths are not this wait's failures.
        Awaitility.await().alias(what).dontCatchUncaughtExceptions().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(condition::getAsBoolean);
    }

    @Override
    public void close() {
        if (engine != null) {
            engine.close();
        }
        store.close();
    }
}
