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
}
