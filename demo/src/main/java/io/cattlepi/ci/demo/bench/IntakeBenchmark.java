package io.cattlepi.ci.demo.bench;

import io.cattlepi.ci.controller.http.ControllerHttp;
import io.cattlepi.ci.controller.http.ReadOnlyOperations;
import io.cattlepi.ci.intake.Admission;
import io.cattlepi.ci.intake.DeliveryFilter;
import io.cattlepi.ci.intake.QueuedMessage;
import io.cattlepi.ci.intake.SqsSettings;
import io.cattlepi.ci.intake.SqsWorkQueue;
import io.cattlepi.ci.intake.StoreAudit;
import io.cattlepi.ci.intake.WebhookIntake;
import io.cattlepi.ci.intake.WebhookSignature;
import io.cattlepi.ci.peers.LocalSqs;
import io.cattlepi.ci.peers.WebhookFixtures;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Latency from a delivery's {@code POST /webhook} to its build request being stored: real HTTP to
 * the controller's server, ElasticMQ, and admission into the SQLite store, one delivery at a time
 * (as GitHub sends a hook's deliveries). The consumer here receives without the capacity limit,
 * so the number is intake's own cost, not waiting for a free Pi.
 */
@Command(name = "intake", mixinStandardHelpOptions = true,
        description = "Measure POST /webhook -> build request stored, p50/p99 over N deliveries.")
public final class IntakeBenchmark implements Callable<Integer> {
    private static final Secret SECRET = new Secret("bench-secret");

    @Option(names = "--deliveries", defaultValue = "1000", description = "Deliveries to measure (default ${DEFAULT-VALUE}).")
    int deliveries;

    @Option(names = "--warmup", defaultValue = "100", description = "Deliveries sent first and not counted.")
    int warmup;

    @Override
    public Integer call() throws Exception {
        System.out.println(measure(deliveries, warmup).summary("POST /webhook -> build request stored"));
        return 0;
    }

    static Percentiles measure(int deliveries, int warmup) throws Exception {
        Path dir = Files.createTempDirectory("cattlepi-ci-bench");
        Map<String, Long> stored = new ConcurrentHashMap<>();
        LocalSqs sqs = LocalSqs.start();
        try (Store store = Store.open(dir.resolve("bench.db"), Clock.systemUTC())) {
            String url = sqs.createQueue("bench", Duration.ofSeconds(60));
            SqsWorkQueue queue = SqsWorkQueue.open(new SqsSettings(url, sqs.region(), sqs.endpoint(),
                    new Secret(sqs.accessKey()), new Secret(sqs.secretKey()), Duration.ofSeconds(10)));
            DeliveryFilter filter = new DeliveryFilter(Set.of(WebhookFixtures.REPOSITORY), List.of(), false, "https://github.com/");
            WebhookIntake intake = new WebhookIntake(SECRET, filter, queue, new StoreAudit(store), WebhookIntake.DEFAULT_MAX_BODY);
            Admission admission = new Admission(store, queue, filter, null);
            ControllerHttp http = ControllerHttp.start("127.0.0.1", 0, store, new ReadOnlyOperations(), null,
                    () -> new ControllerHttp.Health(true, Map.of()), () -> "", intake);
            Thread consumer = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        for (QueuedMessage m : queue.receive(10, Duration.ofSeconds(1))) {
                            admission.admit(m);
                            stored.put(m.attributes().get(QueuedMessage.DELIVERY), System.nanoTime());
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "bench-consumer");
            consumer.setDaemon(true);
            consumer.start();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI webhook = URI.create("http://127.0.0.1:" + http.port() + "/webhook");
            Percentiles latency = new Percentiles();
            for (int i = 0; i < warmup + deliveries; i++) {
                String delivery = "bench-" + i;
                byte[] body = WebhookFixtures.pullRequest("synchronize", 1 + i, randomSha());
                long sent = System.nanoTime();
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(30))
                        .header("X-GitHub-Event", "pull_request").header("X-GitHub-Delivery", delivery)
                        .header(WebhookSignature.HEADER, WebhookSignature.sign(SECRET, body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                BenchFailure.require(r.statusCode() == 202, "delivery " + delivery + " answered " + r.statusCode());
                long deadline = sent + Duration.ofSeconds(30).toNanos();
                while (!stored.containsKey(delivery)) {
                    BenchFailure.require(System.nanoTime() <= deadline, "delivery " + delivery + " not stored within 30 s");
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                }
                if (i >= warmup) {
                    latency.add((stored.get(delivery) - sent) / 1e6);
                }
            }
            // Its long poll ends on its own within a second; ElasticMQ waits for open requests when it stops.
            consumer.interrupt();
            consumer.join(Duration.ofSeconds(15).toMillis());
            http.close();
            queue.close();
            return latency;
        } finally {
            stopQuietly(sqs);
        }
    }

    /**
     * The local SQS is a test peer, not what is measured: after the other parts ran in this JVM its
     * stop has been seen to outlast its own one-minute limit, which must not lose the figures.
     */
    private static void stopQuietly(LocalSqs sqs) {
        try {
            sqs.close();
        } catch (Exception e) { // its Scala future's timeout arrives undeclared
            System.err.println("bench: the local SQS did not stop cleanly: " + e);
        }
    }

    private static String randomSha() {
        byte[] b = new byte[20];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

}
