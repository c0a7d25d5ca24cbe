package io.cattlepi.ci.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.intake.Admission;
import io.cattlepi.ci.intake.DeliveryFilter;
import io.cattlepi.ci.intake.QueuedMessage;
import io.cattlepi.ci.intake.SqsSettings;
import io.cattlepi.ci.intake.SqsWorkQueue;
import io.cattlepi.ci.peers.GitHubStandIn;
import io.cattlepi.ci.peers.LocalS3;
import io.cattlepi.ci.peers.LocalSqs;
import io.cattlepi.ci.peers.WebhookFixtures;
import io.cattlepi.ci.report.BuildPublisher;
import io.cattlepi.ci.report.GitHubStatusPublisher;
import io.cattlepi.ci.report.S3ArtifactStore;
import io.cattlepi.ci.report.S3Settings;
import io.cattlepi.ci.retry.Sleeper;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds run by a front end (Jenkins) through the same intake and settling as the engine: real
 * SQS (ElasticMQ), S3 (S3Proxy) and GitHub stand-in over HTTP; the front end is the test.
 */
class DelegatedBuildsTest {
    private static final String TOKEN = "gh-token";
    private static final String BUCKET = "delegated";
    private static final String JOB_PAGE = "http://jenkins.test/job/cattlepi/";
    private static final String RUN_PAGE = "http://jenkins.test/job/cattlepi/7/";
    private static LocalSqs sqs;
    private static LocalS3 s3;
    private static GitHubStandIn github;
    private static int queues;

    @TempDir
    Path dir;

    private Store store;
    private SqsWorkQueue queue;
    private S3ArtifactStore artifacts;
    private DelegatedBuilds desk;
    private final LinkedBlockingQueue<Build> handedOver = new LinkedBlockingQueue<>();
    private final Semaphore settled = new Semaphore(0);
    private volatile String refusal;
    private volatile CountDownLatch gate;
    private final CountDownLatch inSchedule = new CountDownLatch(1);

    @BeforeAll
    static void peers() throws Exception {
        sqs = LocalSqs.start();
        s3 = LocalS3.start();
        s3.createBucket(BUCKET);
        github = GitHubStandIn.start(TOKEN);
    }

    @AfterAll
    static void stopPeers() throws Exception {
        github.close();
        s3.close();
        sqs.close();
    }

    @BeforeEach
    void open() throws Exception {
        store = Store.open(dir.resolve("delegated.db"), Clock.systemUTC());
        String url = sqs.createQueue("delegated" + (++queues), Duration.ofSeconds(30));
        queue = SqsWorkQueue.open(new SqsSettings(url, sqs.region(), sqs.endpoint(), new Secret(sqs.accessKey()),
                new Secret(sqs.secretKey()), Duration.ofSeconds(5)));
        artifacts = S3ArtifactStore.open(new S3Settings(BUCKET, s3.publicPrefix(BUCKET), "", s3.region(), s3.endpoint(),
                new Secret(s3.accessKey()), new Secret(s3.secretKey()), Duration.ofSeconds(10)));
        DeliveryFilter filter = new DeliveryFilter(Set.of(WebhookFixtures.REPOSITORY), List.of(), false,
                "https://github.com/");
        EngineSettings settings = new EngineSettings(dir.resolve("work"), "cattlepi-ci", null, Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofSeconds(1), 2, 3);
        desk = new DelegatedBuilds(store, queue, new Admission(store, queue, filter, null),
                new GitHubStatusPublisher(github.url(), "bot", new Secret(TOKEN), Duration.ofSeconds(5)),
                new BuildPublisher(artifacts), settings, 5, Sleeper.SYSTEM, new DelegatedBuilds.Runner() {
                    @Override
                    public String page(Build build) {
                        return JOB_PAGE;
                    }

                    @Override
                    public void schedule(Build build) throws Exception {
                        if (refusal != null) {
                            throw new Exception(refusal);
                        }
                        if (gate != null) {
                            inSchedule.countDown();
                            gate.await();
                        }
                        handedOver.add(build);
                    }
                });
        desk.afterSettle(settled::release);
        desk.start();
    }

    @AfterEach
    void close() throws Exception {
        desk.close();
        artifacts.close();
        queue.close();
        store.close();
    }

    private Build deliver(String sha) throws Exception {
        queue.send(new String(WebhookFixtures.pullRequest("synchronize", 9, sha), StandardCharsets.UTF_8),
                Map.of(QueuedMessage.EVENT, "pull_request", QueuedMessage.DELIVERY, "d-" + sha.substring(0, 8)));
        Build b = handedOver.poll(30, TimeUnit.SECONDS);
        assertNotNull(b, "the delivery reached the front end");
        return b;
    }

    private void awaitSettled() throws InterruptedException {
        assertTrue(settled.tryAcquire(30, TimeUnit.SECONDS), "the build settled");
    }

    private List<GitHubStandIn.RecordedStatus> statuses(String sha) {
        return github.statusesFor(sha);
    }

    @Test
    void aRunIsQueuedStartedAndSettledWithItsLogAndStatusesLinkingTheRun() throws Exception {
        String sha = "1111111111111111111111111111111111111111";
        Build b = deliver(sha);
        assertEquals(sha, b.sha());
        assertEquals(Integer.valueOf(9), b.prNumber());
        assertEquals(BuildState.SCHEDULED, b.state());
        GitHubStandIn.RecordedStatus queued = statuses(sha).get(0);
        assertEquals("pending", queued.state());
        assertEquals(JOB_PAGE, queued.targetUrl());

        desk.started(b.id(), RUN_PAGE, "cattlepi-pi-1");
        GitHubStandIn.RecordedStatus building = statuses(sha).get(1);
        assertEquals("Building on cattlepi-pi-1", building.description());
        assertEquals(RUN_PAGE, building.targetUrl());

        Files.writeString(desk.folder(b.id()).resolve(BuildPublisher.LOG_NAME), "make test_noop\nok\n");
        desk.finished(b.id(), BuildResult.SUCCESS, "make raspbian_cattlepi passed");
        awaitSettled();

        GitHubStandIn.RecordedStatus last = statuses(sha).get(statuses(sha).size() - 1);
        assertEquals("success", last.state());
        assertEquals(RUN_PAGE, last.targetUrl());
        assertEquals("make test_noop\nok\n", fetch(artifacts.publicUrl(b.id() + "/build.log")));
        assertFalse(Files.exists(dir.resolve("work").resolve(b.id())), "the published folder is deleted once settled");
        Build done = desk.build(b.id()).orElseThrow();
        assertEquals(BuildState.DONE, done.state());
        assertTrue(done.messageDeleted(), "the message is deleted only now that the run is settled");

        desk.finished(b.id(), BuildResult.FAILURE, "a late, repeated report");
        assertEquals(BuildResult.SUCCESS, desk.build(b.id()).orElseThrow().result());
    }

    @Test
    void aRunLostAfterItStartedEndsInErrorInsteadOfStayingPending() throws Exception {
        String sha = "2222222222222222222222222222222222222222";
        Build b = deliver(sha);
        desk.started(b.id(), RUN_PAGE, "cattlepi-pi-2");
        desk.lost(b.id(), "no run of job cattlepi has build " + b.id());
        awaitSettled();
        GitHubStandIn.RecordedStatus last = statuses(sha).get(statuses(sha).size() - 1);
        assertEquals("error", last.state());
        assertTrue(last.description().contains("lost by the front end"), last.description());
        assertTrue(desk.build(b.id()).orElseThrow().messageDeleted());
    }

    @Test
    void aBuildLostBeforeItStartedIsHandedOverAgainThenGivenUp() throws Exception {
        Build b = deliver("3333333333333333333333333333333333333333");
        desk.lost(b.id(), "Jenkins restarted before queueing it");
        Build again = handedOver.poll(30, TimeUnit.SECONDS);
        assertNotNull(again, "handed over a second time");
        assertEquals(b.id(), again.id());
        desk.lost(b.id(), "lost again");
        awaitSettled();
        assertEquals(BuildResult.ERROR, desk.build(b.id()).orElseThrow().result());
        assertNull(handedOver.poll(2, TimeUnit.SECONDS), "not a third time (max runs 2)");
    }

    @Test
    void aBuildBeingHandedOverIsNotCountedAsLost() throws Exception {
        gate = new CountDownLatch(1);
        queue.send(new String(WebhookFixtures.pullRequest("opened", 6, "5555555555555555555555555555555555555555"),
                StandardCharsets.UTF_8), Map.of(QueuedMessage.EVENT, "pull_request", QueuedMessage.DELIVERY, "d-gate"));
        assertTrue(inSchedule.await(30, TimeUnit.SECONDS), "the front end is starting it");
        assertEquals(List.of(), desk.unsettled(), "scheduled in the store, but still in the front end's hands");
        gate.countDown();
        Build b = handedOver.poll(30, TimeUnit.SECONDS);
        assertNotNull(b);
        // Counted again once the front end's call has returned.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (desk.unsettled().isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertEquals(List.of(b.id()), desk.unsettled().stream().map(Build::id).toList());
    }

    @Test
    void aBuildTheFrontEndCannotStartEndsInErrorNamingWhy() throws Exception {
        refusal = "no job takes builds from this queue";
        String sha = "4444444444444444444444444444444444444444";
        queue.send(new String(WebhookFixtures.pullRequest("opened", 4, sha), StandardCharsets.UTF_8),
                Map.of(QueuedMessage.EVENT, "pull_request", QueuedMessage.DELIVERY, "d-refused"));
        awaitSettled();
        GitHubStandIn.RecordedStatus last = statuses(sha).get(statuses(sha).size() - 1);
        assertEquals("error", last.state());
        assertEquals("could not start: no job takes builds from this queue", last.description());
        Build refused = store.read(tx -> tx.recentBuilds(1)).get(0);
        assertEquals("build " + refused.id() + " ended without running: could not start: no job takes builds from"
                + " this queue\n", fetch(artifacts.publicUrl(refused.id() + "/build.log")),
                "the status's page explains, instead of pointing at nothing");
    }

    private static String fetch(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
