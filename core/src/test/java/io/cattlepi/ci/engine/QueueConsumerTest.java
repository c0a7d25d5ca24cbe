package io.cattlepi.ci.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.intake.QueuedMessage;
import io.cattlepi.ci.intake.SqsSettings;
import io.cattlepi.ci.intake.SqsWorkQueue;
import io.cattlepi.ci.peers.LocalSqs;
import io.cattlepi.ci.peers.Ports;
import io.cattlepi.ci.secret.Secret;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The consumer through an SQS outage: it backs off exponentially (bounded) while the queue is
 * unreachable, reports it, and picks up the waiting message once the queue is back.
 */
class QueueConsumerTest {
    @Test
    void anOutageIsWaitedOutWithBoundedBackOffAndNothingIsLost() throws Exception {
        int port = Ports.free(); // nothing listens there
        String url = "http://127.0.0.1:" + port + "/000000000000/outage";
        SqsWorkQueue queue = SqsWorkQueue.open(new SqsSettings(url, LocalSqs.REGION, java.net.URI.create("http://127.0.0.1:" + port),
                new Secret("local-access-key"), new Secret("local-secret-key"), Duration.ofSeconds(2)));
        List<Duration> waits = new CopyOnWriteArrayList<>();
        CountDownLatch threeFailures = new CountDownLatch(3);
        CountDownLatch queueBack = new CountDownLatch(1);
        LinkedBlockingQueue<QueuedMessage> admitted = new LinkedBlockingQueue<>();
        QueueConsumer consumer = new QueueConsumer(queue, admitted::add, () -> 1, () -> { },
                Duration.ofSeconds(1), Duration.ofSeconds(30), d -> {
                    waits.add(d);
                    threeFailures.countDown();
                    if (waits.size() >= 3) {
                        queueBack.await(); // the outage ends while the consumer waits
                    }
                });
        Thread t = new Thread(consumer, "consumer");
        t.start();
        try {
            assertTrue(threeFailures.await(60, TimeUnit.SECONDS));
            assertFalse(consumer.reachable(), "the outage is visible to /healthz");
            assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)), waits.subList(0, 3));
            try (LocalSqs sqs = LocalSqs.start(port)) {
                sqs.createQueue("outage", Duration.ofSeconds(30));
                sqs.client().sendMessage(b -> b.queueUrl(url).messageBody("{\"waiting\":true}"));
                queueBack.countDown();
                QueuedMessage m = admitted.poll(60, TimeUnit.SECONDS);
                assertEquals("{\"waiting\":true}", m == null ? null : m.body());
                assertTrue(consumer.reachable());
                consumer.close();
                t.join(30_000);
            }
        } finally {
            queueBack.countDown();
            consumer.close();
            queue.close();
        }
    }

    @Test
    void aMessageIsHiddenBrieflyUntilAdmittedThenForTheWholeVisibilityTimeout() throws Exception {
        try (LocalSqs sqs = LocalSqs.start()) {
            String url = sqs.createQueue("hold", Duration.ofSeconds(300)); // the queue's own default: long
            SqsWorkQueue queue = SqsWorkQueue.open(new SqsSettings(url, LocalSqs.REGION, sqs.endpoint(),
                    new Secret(sqs.accessKey()), new Secret(sqs.secretKey()), Duration.ofSeconds(5)));
            AtomicInteger attempts = new AtomicInteger();
            LinkedBlockingQueue<QueuedMessage> admitted = new LinkedBlockingQueue<>();
            // The first admission fails, as if the controller died right after receiving: the message must
            // come back after the short receive hold, not after the queue's 300 s.
            QueueConsumer consumer = new QueueConsumer(queue, m -> {
                if (attempts.incrementAndGet() == 1) {
                    throw new IllegalStateException("died before admitting");
                }
                return admitted.add(m);
            }, () -> 1, () -> { }, Duration.ofSeconds(1), Duration.ofSeconds(120), d -> { });
            Thread t = new Thread(consumer, "consumer");
            t.start();
            try {
                queue.send("{\"held\":true}", java.util.Map.of());
                QueuedMessage m = admitted.poll(60, TimeUnit.SECONDS);
                assertEquals(2, m == null ? 0 : m.receiveCount(), "received again after the hold, and admitted");
                consumer.close();
                t.join(30_000);
                // Admitted and held: hidden for the visibility timeout (120 s), far past the 5 s receive hold.
                assertEquals(List.of(), queue.receive(10, QueueConsumer.RECEIVE_HOLD.plusSeconds(3)));
            } finally {
                consumer.close();
                queue.close();
            }
        }
    }
}
