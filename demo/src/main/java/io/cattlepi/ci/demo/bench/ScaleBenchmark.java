package io.cattlepi.ci.demo.bench;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.build.BuildWork;
import io.cattlepi.ci.build.WorkOutcome;
import io.cattlepi.ci.demo.Poll;
import io.cattlepi.ci.engine.Engine;
import io.cattlepi.ci.engine.EnginePorts;
import io.cattlepi.ci.engine.EngineSettings;
import io.cattlepi.ci.engine.WorkersConfigCheck;
import io.cattlepi.ci.fleet.FleetSettings;
import io.cattlepi.ci.fleet.Probe;
import io.cattlepi.ci.fleet.WorkerReset;
import io.cattlepi.ci.intake.Admission;
import io.cattlepi.ci.intake.DeliveryFilter;
import io.cattlepi.ci.intake.SqsSettings;
import io.cattlepi.ci.intake.SqsWorkQueue;
import io.cattlepi.ci.intake.VisibilityHeartbeat;
import io.cattlepi.ci.intake.WebhookIntake;
import io.cattlepi.ci.intake.WebhookSignature;
import io.cattlepi.ci.peers.LocalSqs;
import io.cattlepi.ci.peers.WebhookFixtures;
import io.cattlepi.ci.report.FolderPublisher;
import io.cattlepi.ci.retry.Sleeper;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.RackMember;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The engine at rack scale: {@code jobs} builds queued in SQS (ElasticMQ) before the engine starts,
 * run on {@code pis} in-memory Pis ({@link InMemoryPis}). The engine, its store (SQLite, one
 * synchronous transaction per state change), the SQS consumer, admission and the visibility
 * heartbeat are the real ones; a build's work waits its fixed length and statuses go nowhere,
 * so the figure is the scheduling and bookkeeping cost, not SSH or sandbox CPU.
 */
final class ScaleBenchmark {
    private static final Secret SECRET = new Secret("bench-secret");

    private ScaleBenchmark() {
    }

    static MakespanBenchmark.Result measure(int jobs, int pis, Duration length, Duration reset) throws Exception {
        Path dir = Files.createTempDirectory("cattlepi-ci-bench-scale");
        try (LocalSqs sqs = LocalSqs.start();
             Store store = Store.open(dir.resolve("scale.db"), Clock.systemUTC())) {
            String url = sqs.createQueue("scale", Duration.ofSeconds(60));
            try (SqsWorkQueue queue = SqsWorkQueue.open(new SqsSettings(url, sqs.region(), sqs.endpoint(),
                    new Secret(sqs.accessKey()), new Secret(sqs.secretKey()), Duration.ofSeconds(10)))) {
                DeliveryFilter filter = new DeliveryFilter(Set.of(WebhookFixtures.REPOSITORY), List.of(), false,
                        "https://github.com/");
                enqueue(new WebhookIntake(SECRET, filter, queue, (d, o, why) -> { }, WebhookIntake.DEFAULT_MAX_BODY), jobs);
                InMemoryPis rack = new InMemoryPis(reset);
                Duration command = Duration.ofSeconds(5);
                EnginePorts ports = new EnginePorts(queue, new Admission(store, queue, filter, null),
                        new VisibilityHeartbeat(store, queue, Duration.ofSeconds(60)), (repo, sha, status) -> { },
                        FolderPublisher.NONE, fixedLength(length), new Probe(rack, command),
                        new WorkerReset(rack, WorkerReset.BootConfig.UNCHANGED, command), WorkersConfigCheck.NONE);
                List<RackMember> members = new ArrayList<>();
                for (int i = 1; i <= pis; i++) {
                    members.add(RackMember.of("pi-" + i, "127.0.0.1", 10_000 + i, null));
                }
                Instant start = Instant.now();
                try (Engine engine = new Engine(store, ports, EngineSettings.of(dir.resolve("workspaces"),
                        EngineSettings.DEFAULT_STATUS_CONTEXT, null, Duration.ofSeconds(60)), FleetSettings.DEFAULTS,
                        members, Sleeper.SYSTEM)) {
                    engine.start();
                    double ideal = jobs * (length.toMillis() + reset.toMillis()) / 1000.0 / pis;
                    Duration limit = Duration.ofSeconds((long) (3 * ideal) + 120);
                    BenchFailure.require(Poll.until(limit, () -> done(store) == jobs),
                            "only " + done(store) + " of " + jobs + " builds finished");
                    List<Build> finished = store.read(tx -> tx.buildsIn(BuildState.DONE));
                    long failed = finished.stream().filter(b -> b.result() != BuildResult.SUCCESS).count();
                    BenchFailure.require(failed == 0, failed + " builds did not succeed");
                    Instant last = finished.stream().map(Build::finishedAt).max(Instant::compareTo).orElseThrow();
                    return new MakespanBenchmark.Result(jobs, pis, length.toMillis() / 1000.0, reset.toMillis() / 1000.0,
                            DispatchBenchmark.millis(start, last) / 1000);
                }
            }
        }
    }

    private static int done(Store store) {
        return store.read(tx -> tx.buildsIn(BuildState.DONE)).size();
    }

    /** A build that takes exactly {@code length} unless cancelled. */
    private static BuildWork fixedLength(Duration length) {
        return (lease, folder, cancellation) -> {
            CountDownLatch cancelled = new CountDownLatch(1);
            cancellation.onCancel(cancelled::countDown);
            if (cancelled.await(length.toMillis(), TimeUnit.MILLISECONDS)) {
                return WorkOutcome.error("cancelled");
            }
            return new WorkOutcome(BuildResult.SUCCESS, "waited " + length.toMillis() + " ms", false);
        };
    }

    private static void enqueue(WebhookIntake intake, int jobs) {
        for (int i = 1; i <= jobs; i++) {
            byte[] body = WebhookFixtures.pullRequest("synchronize", i, randomSha());
            int status = intake.handle(Map.of(WebhookIntake.EVENT_HEADER, "pull_request",
                    WebhookIntake.DELIVERY_HEADER, "scale-" + i,
                    WebhookSignature.HEADER, WebhookSignature.sign(SECRET, body)), body).status();
            BenchFailure.require(status == 202, "delivery " + i + " answered " + status);
        }
    }

    private static String randomSha() {
        byte[] b = new byte[20];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
