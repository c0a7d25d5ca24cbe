package io.cattlepi.ci.intake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.peers.LocalSqs;
import io.cattlepi.ci.peers.WebhookFixtures;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both halves of intake through ElasticMQ with GitHub's real payloads: deliveries signed here go
 * through {@link WebhookIntake} onto the queue, and come back through {@link Admission} as stored
 * builds, duplicates, supersessions or rejections.
 */
class IntakeTest {
    private static final Secret SECRET = new Secret("webhook-secret-sentinel");
    private static LocalSqs sqs;
    private static int queues;

    @TempDir
    Path dir;
    private Store store;
    private SqsWorkQueue queue;
    private SqsWorkQueue deadLetters;
    private WebhookIntake intake;
    private Admission admission;
    private final DeliveryFilter filter = new DeliveryFilter(java.util.Set.of(WebhookFixtures.REPOSITORY), List.of(),
            false, "https://github.com/");

    @BeforeAll
    static void startSqs() {
        sqs = LocalSqs.start();
    }

    @AfterAll
    static void stopSqs() {
        sqs.close();
    }

    @BeforeEach
    void setUp() {
        store = Store.open(dir.resolve("state.db"), Clock.systemUTC());
        LocalSqs.Queues qs = sqs.createQueueWithDeadLetter("intake" + (++queues), Duration.ofSeconds(2), 5);
        queue = SqsWorkQueueTest.queue(sqs, qs.url());
        deadLetters = SqsWorkQueueTest.queue(sqs, qs.deadLetterUrl());
        intake = new WebhookIntake(SECRET, filter, queue, new StoreAudit(store), 64 * 1024);
        admission = new Admission(store, queue, filter, deadLetters);
    }

    @AfterEach
    void tearDown() {
        queue.close();
        deadLetters.close();
        store.close();
    }

    private WebhookResponse deliver(String event, String delivery, byte[] body) {
        Map<String, String> h = new HashMap<>();
        h.put("x-github-event", event);
        h.put("X-GitHub-Delivery", delivery);
        h.put("X-Hub-Signature-256", WebhookSignature.sign(SECRET, body));
        return intake.handle(h, body);
    }

    private List<Event> audit(String delivery) {
        return store.read(tx -> tx.events(IntakeAudit.DELIVERY, delivery, 10));
    }

    /** Receives and admits whatever is visible now. */
    private List<QueuedMessage> consume() throws QueueException {
        List<QueuedMessage> got = queue.receive(10, Duration.ofSeconds(1));
        got.forEach(admission::admit);
        return got;
    }

    private List<Build> builds() {
        return store.read(tx -> tx.recentBuilds(100));
    }

    @Test
    void aSignedPullRequestIsQueuedUnchangedAndBecomesOneStoredBuild() throws Exception {
        byte[] body = WebhookFixtures.bytes("pull_request-opened");
        WebhookResponse r = deliver("pull_request", "d-open", body);
        assertEquals(202, r.status(), r.message());

        List<QueuedMessage> got = queue.receive(10, Duration.ofSeconds(1));
        assertEquals(1, got.size());
        assertArrayEquals(body, got.get(0).body().getBytes(StandardCharsets.UTF_8));
        assertEquals("d-open", got.get(0).attributes().get(QueuedMessage.DELIVERY));
        admission.admit(got.get(0));

        Build b = builds().get(0);
        assertEquals(BuildState.QUEUED, b.state());
        assertEquals(WebhookFixtures.PR_HEAD_SHA, b.sha());
        assertEquals(2, b.prNumber());
        assertEquals("d-open", b.deliveryId());
        assertEquals(got.get(0).messageId(), b.messageId());
        assertEquals(got.get(0).receiptHandle(), b.receiptHandle());
        assertEquals("accepted", audit("d-open").get(0).kind());
    }

    @Test
    void badSignaturesAreRefusedWithoutASideEffect() throws Exception {
        byte[] body = WebhookFixtures.bytes("pull_request-opened");
        Map<String, String> h = new HashMap<>(Map.of("X-GitHub-Event", "pull_request", "X-GitHub-Delivery", "d-bad"));
        assertEquals(401, intake.handle(h, body).status());
        h.put("X-Hub-Signature-256", WebhookSignature.sign(new Secret("other"), body));
        assertEquals(401, intake.handle(h, body).status());
        h.put("X-Hub-Signature-256", "sha256=zz");
        assertEquals(401, intake.handle(h, body).status());
        byte[] tampered = body.clone();
        tampered[10] ^= 1;
        h.put("X-Hub-Signature-256", WebhookSignature.sign(SECRET, body));
        assertEquals(401, intake.handle(h, tampered).status());
        assertEquals(0, sqs.depth(queue.queueUrl()));
        assertTrue(audit("d-bad").isEmpty(), "counted per minute, not stored per request");
    }

    @Test
    void pingOversizedAndMalformedDeliveries() throws Exception {
        assertEquals(200, deliver("ping", "d-ping", WebhookFixtures.bytes("ping")).status());
        assertEquals(413, deliver("pull_request", "d-big", new byte[64 * 1024 + 1]).status());
        assertEquals(400, deliver("pull_request", "d-junk", "{not json".getBytes(StandardCharsets.UTF_8)).status());
        byte[] noSha = "{\"action\":\"opened\",\"repository\":{\"full_name\":\"Codertocat/Hello-World\"},\"pull_request\":{\"number\":1}}"
                .getBytes(StandardCharsets.UTF_8);
        WebhookResponse invalid = deliver("pull_request", "d-nosha", noSha);
        assertEquals(400, invalid.status());
        assertEquals("invalid: pull_request.head.sha is missing", invalid.message());
        assertEquals(0, sqs.depth(queue.queueUrl()));
    }

    @Test
    void ignoredDeliveriesAreAcknowledgedAndAudited() throws Exception {
        Map<String, String> reasons = Map.of(
                "pull_request-labeled", "label bug does not approve builds",
                "push", "ref refs/tags/simple-tag was deleted");
        for (var e : reasons.entrySet()) {
            String event = e.getKey().startsWith("push") ? "push" : "pull_request";
            WebhookResponse r = deliver(event, "d-" + e.getKey(), WebhookFixtures.bytes(e.getKey()));
            assertEquals("ignored: " + e.getValue(), r.message());
            assertEquals(200, r.status());
            assertEquals(e.getValue(), audit("d-" + e.getKey()).get(0).detail());
        }
        assertEquals(200, deliver("issues", "d-issues", WebhookFixtures.bytes("pull_request-opened")).status());
        assertEquals(202, deliver("push", "d-push", WebhookFixtures.bytes("push-with-new-branch")).status());
        assertEquals(1, sqs.depth(queue.queueUrl()));
    }

    @Test
    void aQueueOutageAnswers503SoGitHubCanRedeliver() throws Exception {
        SqsSettings gone = SqsWorkQueueTest.settings(sqs, sqs.endpoint() + "/000000000000/no-such-queue");
        try (SqsWorkQueue missing = SqsWorkQueue.open(gone)) {
            WebhookIntake broken = new WebhookIntake(SECRET, filter, missing, new StoreAudit(store), 64 * 1024);
            byte[] body = WebhookFixtures.bytes("pull_request-opened");
            WebhookResponse r = broken.handle(Map.of("X-GitHub-Event", "pull_request", "X-GitHub-Delivery", "d-down",
                    "X-Hub-Signature-256", WebhookSignature.sign(SECRET, body)), body);
            assertEquals(503, r.status());
            assertEquals("queue-failed", audit("d-down").get(0).kind());
        }
    }

    @Test
    void duplicatesByDeliveryOrCommitAreAcknowledgedNotBuiltTwice() throws Exception {
        byte[] body = WebhookFixtures.bytes("pull_request-opened");
        deliver("pull_request", "d-1", body);
        deliver("pull_request", "d-1", body); // GitHub's redelivery: same id
        deliver("pull_request", "d-2", WebhookFixtures.bytes("pull_request-reopened")); // same commit
        int admitted = 0;
        for (int i = 0; i < 5 && admitted < 3; i++) {
            admitted += consume().size();
        }
        assertEquals(3, admitted);
        assertEquals(1, builds().size());
        // the duplicates' messages are deleted; the build's own message stays until it is reported
        assertEquals(1, sqs.depth(queue.queueUrl()));
        String id = builds().get(0).id();
        List<Event> history = store.read(tx -> tx.events(Event.BUILD, id, 10));
        assertEquals(2, history.stream().filter(e -> e.kind().equals("duplicate")).count());
    }

    @Test
    void aNewHeadSupersedesTheQueuedBuildOfThePullRequest() throws Exception {
        String newer = "1111111111111111111111111111111111111111";
        deliver("pull_request", "d-a", WebhookFixtures.bytes("pull_request-opened"));
        consume();
        deliver("pull_request", "d-b", WebhookFixtures.pullRequest("synchronize", 2, newer));
        consume();
        Build old = store.read(tx -> tx.buildsOf(WebhookFixtures.REPOSITORY, WebhookFixtures.PR_HEAD_SHA, "pull_request")).get(0);
        assertEquals(BuildState.FINISHING, old.state());
        assertEquals(BuildResult.ERROR, old.result());
        assertEquals("cancelled: superseded by " + newer.substring(0, 12), old.description());
        Build current = store.read(tx -> tx.buildsOf(WebhookFixtures.REPOSITORY, newer, "pull_request")).get(0);
        assertEquals(BuildState.QUEUED, current.state());
    }

    @Test
    void aClosedPullRequestCancelsItsQueuedBuildAndLeavesNoBuildOfItsOwn() throws Exception {
        deliver("pull_request", "d-open", WebhookFixtures.bytes("pull_request-opened"));
        consume();
        WebhookResponse r = deliver("pull_request", "d-closed", WebhookFixtures.bytes("pull_request-closed"));
        assertEquals(202, r.status());
        assertEquals("queued: pull request #2 closed", r.message());
        consume();
        List<Build> all = builds();
        assertEquals(1, all.size(), "the close is no build: " + all);
        assertEquals(BuildResult.ERROR, all.get(0).result());
        assertEquals("cancelled: pull request #2 closed", all.get(0).description());
        // The build's own message stays until it is reported; the close's is gone.
        assertEquals(1, sqs.depth(queue.queueUrl()));
    }

    /** The fixture's pull request as an outsider opens it, or as a maintainer labels it. */
    private static byte[] outsider(String action, String sha) {
        ObjectNode p = WebhookFixtures.tree("pull_request-labeled");
        p.put("action", action);
        ((ObjectNode) p.get("label")).put("name", "ok-to-test");
        ObjectNode pr = (ObjectNode) p.get("pull_request");
        pr.put("author_association", "CONTRIBUTOR");
        ((ObjectNode) pr.get("head")).put("sha", sha);
        return WebhookFixtures.write(p);
    }

    @Test
    void anOutsidersPullRequestWaitsForTheOkToTestLabelAndANewPushWaitsAgain() throws Exception {
        deliver("pull_request", "d-out", outsider("opened", WebhookFixtures.PR_HEAD_SHA));
        consume();
        Build waiting = builds().get(0);
        assertEquals(BuildState.WAITING, waiting.state());
        assertEquals(Admission.WAITING_FOR_APPROVAL, waiting.description());
        assertTrue(waiting.messageDeleted(), "the store holds it; the message is not kept for days");
        assertTrue(queue.receive(10, Duration.ofSeconds(1)).isEmpty());

        deliver("pull_request", "d-label", outsider("labeled", WebhookFixtures.PR_HEAD_SHA));
        consume();
        Build approved = store.read(tx -> tx.build(waiting.id())).orElseThrow();
        assertEquals(BuildState.QUEUED, approved.state());
        assertTrue(approved.description().startsWith("approved by a maintainer"), approved.description());
        assertEquals(1, builds().size(), "the label approves that build, it makes no second one");

        String pushed = "2222222222222222222222222222222222222222";
        deliver("pull_request", "d-push", outsider("synchronize", pushed));
        consume();
        Build again = store.read(tx -> tx.buildsOf(WebhookFixtures.REPOSITORY, pushed, "pull_request")).get(0);
        assertEquals(BuildState.WAITING, again.state(), "a new push needs the label again");
    }

    @Test
    void aMembersPullRequestRunsAtOnceAndOtherLabelsApproveNothing() throws Exception {
        ObjectNode p = WebhookFixtures.tree("pull_request-opened");
        ((ObjectNode) p.get("pull_request")).put("author_association", "MEMBER");
        deliver("pull_request", "d-member", WebhookFixtures.write(p));
        consume();
        assertEquals(BuildState.QUEUED, builds().get(0).state());
        WebhookResponse other = deliver("pull_request", "d-bug", WebhookFixtures.bytes("pull_request-labeled"));
        assertEquals(200, other.status(), "acknowledged, not queued");
        assertTrue(other.message().contains("label bug does not approve builds"), other.message());
    }

    @Test
    void invalidMessagesAreRecordedDeadLetteredAndDeleted() throws Exception {
        queue.send("not json at all", Map.of());
        queue.send("{\"action\":\"opened\",\"repository\":{\"full_name\":\"Codertocat/Hello-World\"},"
                + "\"pull_request\":{\"number\":3,\"head\":{\"sha\":\"nope\"}}}", Map.of(QueuedMessage.EVENT, "pull_request"));
        int seen = 0;
        for (int i = 0; i < 5 && seen < 2; i++) {
            seen += consume().size();
        }
        List<Build> rejected = store.read(tx -> tx.buildsIn(BuildState.REJECTED));
        assertEquals(2, rejected.size());
        assertTrue(rejected.stream().anyMatch(b -> b.description().equals("message body is not JSON")));
        assertTrue(rejected.stream().anyMatch(b -> b.description().equals("pull_request.head.sha is not a 40-hex commit sha")));
        assertTrue(rejected.stream().allMatch(Build::messageDeleted));
        assertEquals(0, sqs.depth(queue.queueUrl()));
        List<QueuedMessage> dead = deadLetters.receive(10, Duration.ofSeconds(1));
        assertEquals(2, dead.size());
        assertTrue(dead.stream().allMatch(m -> m.attributes().containsKey(Admission.REJECTED_REASON)));
    }

    @Test
    void aRedeliveredMessageRefreshesItsHandleAndTheHeartbeatUsesTheLatest() throws Exception {
        deliver("pull_request", "d-r", WebhookFixtures.bytes("pull_request-opened"));
        QueuedMessage first = consume().get(0);
        // The controller "crashed" before any heartbeat: the message comes back after 2 s.
        QueuedMessage again = SqsWorkQueueTest.receiveOne(queue);
        admission.admit(again);
        assertEquals(1, builds().size());
        Build b = builds().get(0);
        assertEquals(again.receiptHandle(), b.receiptHandle());
        assertFalse(first.receiptHandle().equals(b.receiptHandle()));

        new VisibilityHeartbeat(store, queue, Duration.ofSeconds(60)).run();
        // Extended with the latest handle, it stays hidden well past the queue's 2 s timeout.
        assertEquals(List.of(), queue.receive(10, Duration.ofSeconds(4)));
        assertTrue(store.read(tx -> tx.events(Event.BUILD, b.id(), 10)).stream().noneMatch(e -> e.kind().equals("handle-expired")));
    }

    @Test
    void aBuildFinishedBeforeItsMessageCouldBeDeletedDeletesItOnRedelivery() throws Exception {
        deliver("push", "d-p", WebhookFixtures.bytes("push-with-new-branch"));
        consume();
        store.write(tx -> {
            Build b = tx.recentBuilds(1).get(0);
            tx.putBuild(b.finished(BuildResult.SUCCESS, "ok", tx.now()).withState(BuildState.DONE, "ok"));
            return null;
        });
        admission.admit(SqsWorkQueueTest.receiveOne(queue));
        assertEquals(0, sqs.depth(queue.queueUrl()));
        assertTrue(builds().get(0).messageDeleted());
        assertNull(builds().get(0).prNumber());
    }

    @Test
    void aPayloadSqsRefusesAsTextIsQueuedAsBase64AndComesBackByteForByte() throws Exception {
        ObjectNode p = WebhookFixtures.tree("pull_request-opened");
        ((ObjectNode) p.get("pull_request")).put("title", "noncharacters \uffff and \ufffe, both valid JSON and UTF-8");
        byte[] body = WebhookFixtures.write(p);
        WebhookResponse r = deliver("pull_request", "d-ffff", body);
        assertEquals(202, r.status(), r.message());

        QueuedMessage m = SqsWorkQueueTest.receiveOne(queue);
        assertEquals(MessageBody.BASE64, m.attributes().get(MessageBody.ENCODING));
        assertArrayEquals(body, m.payload(), "GitHub's bytes, exactly as signed");
        assertTrue(admission.admit(m));
        assertEquals(BuildState.QUEUED, builds().get(0).state());
        assertTrue(audit("d-ffff").get(0).detail().contains("base64"), audit("d-ffff").get(0).detail());
    }

    @Test
    void aPayloadSqsTakesAsTextStaysTextWithNoEncodingAttribute() throws Exception {
        byte[] body = WebhookFixtures.bytes("pull_request-opened");
        assertEquals(202, deliver("pull_request", "d-text", body).status());
        QueuedMessage m = SqsWorkQueueTest.receiveOne(queue);
        assertNull(m.attributes().get(MessageBody.ENCODING));
        assertEquals(new String(body, StandardCharsets.UTF_8), m.body(), "what the AWS CLI and the seed's readers see");
    }

    @Test
    void invalidUtf8IsNotJson() {
        byte[] body = "{\"action\":\"opened\",\"x\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        WebhookResponse r = deliver("pull_request", "d-latin1", body);
        assertEquals(400, r.status());
        assertEquals("body is not JSON", r.message());
    }

    @Test
    void messagesWhoseAttributesOrEncodingLieAreRejectedNamingWhy() throws Exception {
        byte[] body = WebhookFixtures.bytes("pull_request-opened");
        String text = new String(body, StandardCharsets.UTF_8);
        queue.send(text, Map.of(QueuedMessage.DELIVERY, "d 1\nforged line"));
        queue.send(text, Map.of(QueuedMessage.EVENT, "pull_request\u202e"));
        queue.send("%%% not base64 %%%", Map.of(MessageBody.ENCODING, MessageBody.BASE64));
        queue.send(java.util.Base64.getEncoder().encodeToString(body), Map.of(MessageBody.ENCODING, "rot13"));
        int seen = 0;
        for (int i = 0; i < 5 && seen < 4; i++) {
            seen += consume().size();
        }
        List<String> why = store.read(tx -> tx.buildsIn(BuildState.REJECTED)).stream().map(Build::description).sorted().toList();
        assertEquals(List.of("message attribute body_encoding is not base64",
                "message attribute body_encoding says base64 but the body is not base64",
                "message attribute github_delivery is not a delivery id",
                "message attribute github_event is not an event name"), why);
        List<QueuedMessage> dead = deadLetters.receive(10, Duration.ofSeconds(1));
        assertTrue(dead.stream().anyMatch(d -> MessageBody.BASE64.equals(d.attributes().get(MessageBody.ENCODING))),
                "a dead-lettered copy still says how to read its body");
    }

    @Test
    void requestsRejectedBeforeTheSignatureAreCountedPerMinuteNotStoredOneByOne() {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2025-01-01T10:00:05Z"));
        StoreAudit audit = new StoreAudit(store, clock);
        WebhookIntake guarded = new WebhookIntake(SECRET, filter, queue, audit, 64 * 1024);
        byte[] body = WebhookFixtures.bytes("pull_request-opened");
        for (int i = 0; i < 500; i++) {
            assertEquals(401, guarded.handle(Map.of("X-GitHub-Delivery", "d-" + i), body).status());
        }
        assertEquals(413, guarded.tooLarge(Map.of(), 1 << 30).status());
        assertEquals(0, (int) store.read(tx -> tx.eventCount()), "nothing written per request");
        assertEquals(Map.of("too-large", 1, "unauthorized", 500), audit.pendingRejections());

        clock.now = clock.now.plusSeconds(60);
        guarded.handle(Map.of(), body); // the first of the next minute writes the last one's counts
        List<Event> written = store.read(tx -> tx.events(IntakeAudit.DELIVERY, "rejected", 10));
        assertEquals(2, written.size(), written.toString());
        Event unauthorized = written.stream().filter(e -> e.kind().equals("unauthorized")).findFirst().orElseThrow();
        assertTrue(unauthorized.detail().startsWith("500 requests in the minute from 2025-01-01T10:00:00Z: "
                + "no X-Hub-Signature-256 header ×500"), unauthorized.detail());
        audit.flush();
        assertEquals(3, (int) store.read(tx -> tx.eventCount()));
    }

    /** A clock the test moves; the JDK's own type, nothing of ours replaced. */
    private static final class MutableClock extends Clock {
        java.time.Instant now;

        MutableClock(java.time.Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }
}
