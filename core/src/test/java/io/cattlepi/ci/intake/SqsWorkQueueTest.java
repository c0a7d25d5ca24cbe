package io.cattlepi.ci.intake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.peers.FaultProxy;
import io.cattlepi.ci.peers.LocalSqs;
import io.cattlepi.ci.peers.Ports;
import io.cattlepi.ci.peers.WebhookFixtures;
import io.cattlepi.ci.secret.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SQS adapter against ElasticMQ over real HTTP with the AWS SDK. */
class SqsWorkQueueTest {
    private static LocalSqs sqs;
    private static int queues;

    @BeforeAll
    static void start() {
        sqs = LocalSqs.start();
    }

    @AfterAll
    static void stop() {
        sqs.close();
    }

    private static SqsWorkQueue queue(String url) {
        return queue(sqs, url);
    }

    static SqsWorkQueue queue(LocalSqs sqs, String url) {
        return SqsWorkQueue.open(settings(sqs, url));
    }

    static SqsSettings settings(LocalSqs sqs, String url) {
        return new SqsSettings(url, sqs.region(), sqs.endpoint(), new Secret(sqs.accessKey()), new Secret(sqs.secretKey()),
                Duration.ofSeconds(5));
    }

    private static String newQueue(Duration visibility) {
        return sqs.createQueue("q" + (++queues), visibility);
    }

    @Test
    void theBodyTravelsByteForByteWithItsAttributes() throws Exception {
        try (SqsWorkQueue q = queue(newQueue(Duration.ofSeconds(30)))) {
            byte[] payload = WebhookFixtures.bytes("pull_request-opened");
            String id = q.send(new String(payload, StandardCharsets.UTF_8), Map.of(QueuedMessage.EVENT, "pull_request",
                    QueuedMessage.DELIVERY, "d-1", QueuedMessage.VERIFIED, "true"));
            List<QueuedMessage> got = q.receive(10, Duration.ofSeconds(1));
            assertEquals(1, got.size());
            QueuedMessage m = got.get(0);
            assertEquals(id, m.messageId());
            assertArrayEquals(payload, m.body().getBytes(StandardCharsets.UTF_8));
            assertEquals(Map.of(QueuedMessage.EVENT, "pull_request", QueuedMessage.DELIVERY, "d-1",
                    QueuedMessage.VERIFIED, "true"), m.attributes());
            assertEquals(1, m.receiveCount());
        }
    }

    @Test
    void aStalledQueueFailsASendWithinTheSendTimeoutAndShowsUnreachableUntilACallGetsThrough() throws Exception {
        String url = newQueue(Duration.ofSeconds(30));
        try (FaultProxy proxy = FaultProxy.start(sqs.endpoint().getPort());
             SqsWorkQueue q = SqsWorkQueue.open(new SqsSettings(url, sqs.region(), proxy.endpoint(),
                     new Secret(sqs.accessKey()), new Secret(sqs.secretKey()), Duration.ofSeconds(30)))) {
            q.send("{\"before\":true}", Map.of());
            assertTrue(q.reachable());
            proxy.mode(FaultProxy.Mode.STALL);
            QueueException e = assertThrows(QueueException.class, () -> q.send("{\"during\":true}", Map.of()),
                    "bounded by the send timeout, not the 30 s call timeout");
            assertFalse(e.refused(), "an outage, not a refusal: worth redelivering");
            assertFalse(q.reachable());
            proxy.mode(FaultProxy.Mode.PASS);
            q.send("{\"after\":true}", Map.of());
            assertTrue(q.reachable());
        }
    }

    @Test
    void aMessageTheQueueWillNeverTakeIsRefusedNotAnOutage() throws Exception {
        try (SqsWorkQueue q = queue(newQueue(Duration.ofSeconds(30)))) {
            QueueException e = assertThrows(QueueException.class, () -> q.send("NUL \u0000 is no XML character", Map.of()));
            assertTrue(e.refused(), e.getMessage());
            assertTrue(q.reachable(), "the queue answered");
        }
    }

    @Test
    void receiveTakesNoMoreThanAsked() throws Exception {
        try (SqsWorkQueue q = queue(newQueue(Duration.ofSeconds(30)))) {
            for (int i = 0; i < 5; i++) {
                q.send("{\"n\":" + i + "}", Map.of());
            }
            assertTrue(q.receive(2, Duration.ofSeconds(1)).size() <= 2);
        }
    }

    @Test
    void extendedMessagesStayHiddenDeletedOnesStayGone() throws Exception {
        try (SqsWorkQueue q = queue(newQueue(Duration.ofSeconds(1)))) {
            q.send("{}", Map.of());
            QueuedMessage m = q.receive(1, Duration.ofSeconds(1)).get(0);
            q.extendVisibility(m.receiptHandle(), Duration.ofSeconds(60));
            // Past the queue's own 1 s timeout the message would be back; extended, it is not.
            assertEquals(List.of(), q.receive(1, Duration.ofSeconds(3)));
            q.delete(m.receiptHandle());
            // Deleting again: SQS accepts it, ElasticMQ calls the handle stale; neither is a failure to retry.
            try {
                q.delete(m.receiptHandle());
            } catch (QueueException e) {
                assertTrue(e.staleHandle(), e.getMessage());
            }
            assertEquals(0, sqs.depth(q.queueUrl()));
        }
    }

    @Test
    void aRedeliveredMessageCountsItsReceivesAndKeepsItsId() throws Exception {
        try (SqsWorkQueue q = queue(newQueue(Duration.ofSeconds(1)))) {
            q.send("{}", Map.of());
            QueuedMessage first = q.receive(1, Duration.ofSeconds(1)).get(0);
            QueuedMessage again = receiveOne(q);
            assertEquals(first.messageId(), again.messageId());
            assertEquals(2, again.receiveCount());
            QueueException stale = assertThrows(QueueException.class,
                    () -> q.extendVisibility(first.receiptHandle(), Duration.ofSeconds(30)));
            assertTrue(stale.staleHandle(), stale.getMessage());
            q.extendVisibility(again.receiptHandle(), Duration.ofSeconds(30));
        }
    }

    @Test
    void theReceiverChoosesHowLongAMessageStaysHidden() throws Exception {
        try (SqsWorkQueue q = queue(newQueue(Duration.ofMinutes(10)))) {
            q.send("{}", Map.of());
            QueuedMessage first = q.receive(1, Duration.ofSeconds(1), Duration.ofSeconds(1)).get(0);
            // Back after 1 s, not after the queue's 10 minutes.
            assertEquals(first.messageId(), receiveOne(q).messageId());
        }
    }

    @Test
    void anUnreachableQueueIsAnOrdinaryFailure() throws Exception {
        int port = Ports.free(); // nothing listens there
        SqsSettings nowhere = new SqsSettings("http://127.0.0.1:" + port + "/000000000000/q", "us-east-1",
                URI.create("http://127.0.0.1:" + port), new Secret("ak-sentinel"), new Secret("sk-sentinel"), Duration.ofSeconds(2));
        try (SqsWorkQueue q = SqsWorkQueue.open(nowhere)) {
            QueueException e = assertThrows(QueueException.class, () -> q.receive(1, Duration.ofSeconds(1)));
            assertFalse(e.staleHandle());
            assertFalse(e.getMessage().contains("sk-sentinel"));
        }
    }

    @Test
    void theRedrivePolicyMovesAMessageReceivedTooOften() throws Exception {
        LocalSqs.Queues qs = sqs.createQueueWithDeadLetter("redriven", Duration.ofSeconds(1), 2);
        try (SqsWorkQueue q = queue(qs.url()); SqsWorkQueue dlq = queue(qs.deadLetterUrl())) {
            q.send("{\"poison\":true}", Map.of());
            receiveOne(q);
            receiveOne(q);
            // The third receive finds it over the limit: moved, not handed out.
            assertEquals(List.of(), q.receive(1, Duration.ofSeconds(3)));
            QueuedMessage dead = receiveOne(dlq);
            assertEquals("{\"poison\":true}", dead.body());
        }
    }

    /** Long-polls until a message arrives (a hidden one reappears after its visibility timeout). */
    static QueuedMessage receiveOne(WorkQueue q) throws QueueException {
        for (int i = 0; i < 10; i++) {
            List<QueuedMessage> got = q.receive(1, Duration.ofSeconds(2));
            if (!got.isEmpty()) {
                return got.get(0);
            }
        }
        throw new AssertionError("no message within 20 s");
    }
}
