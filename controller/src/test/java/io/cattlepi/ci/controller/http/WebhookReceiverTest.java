package io.cattlepi.ci.controller.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /webhook} over real HTTP, onto ElasticMQ. */
class WebhookRouteTest {
    private static final Secret SECRET = new Secret("route-secret");

    @TempDir
    Path dir;
    private LocalSqs sqs;
    private SqsWorkQueue queue;
    private Store store;
    private ControllerHttp http;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();


    @BeforeEach
    void start() {
        sqs = LocalSqs.start();
        String url = sqs.createQueue("webhooks", Duration.ofSeconds(30));
        queue = SqsWorkQueue.open(new SqsSettings(url, sqs.region(), sqs.endpoint(), new Secret(sqs.accessKey()),
                new Secret(sqs.secretKey()), Duration.ofSeconds(5)));
        store = Store.open(dir.resolve("w.db"), Clock.systemUTC());
        WebhookIntake intake = new WebhookIntake(SECRET, new DeliveryFilter(Set.of(WebhookFixtures.REPOSITORY), List.of(),
                false, "https://github.com/"), queue, new StoreAudit(store), 100_000);
        http = ControllerHttp.start("127.0.0.1", 0, store, new ReadOnlyOperations(), null,
                () -> new ControllerHttp.Health(true, Map.of()), () -> "", routes -> WebhookRoute.register(routes, intake));
    }

    @AfterEach
    void stop() {
        http.close();
        queue.close();
        store.close();
        sqs.close();
    }

    private HttpResponse<String> post(byte[] body, boolean sign, HttpRequest.BodyPublisher publisher) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/webhook"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", "pull_request")
                .header("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
                .POST(publisher);
        if (sign) {
            b.header("X-Hub-Signature-256", WebhookSignature.sign(SECRET, body));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSignedDeliveryIsQueuedByteForByte() throws Exception {
        byte[] body = WebhookFixtures.bytes("pull_request-synchronize");
        HttpResponse<String> r = post(body, true, HttpRequest.BodyPublishers.ofByteArray(body));
        assertEquals(202, r.statusCode(), r.body());
        List<QueuedMessage> got = queue.receive(1, Duration.ofSeconds(1));
        assertArrayEquals(body, got.get(0).body().getBytes(StandardCharsets.UTF_8));
        assertEquals("72d3162e-cc78-11e3-81ab-4c9367dc0958", got.get(0).attributes().get(QueuedMessage.DELIVERY));
    }

    @Test
    void unsignedOversizedAndStreamedOversizedBodiesAreRefused() throws Exception {
        byte[] body = WebhookFixtures.bytes("pull_request-opened");
        assertEquals(401, post(body, false, HttpRequest.BodyPublishers.ofByteArray(body)).statusCode());
        byte[] big = new byte[200_000];
        assertEquals(413, post(big, true, HttpRequest.BodyPublishers.ofByteArray(big)).statusCode());
        // Without a Content-Length (chunked), the limit still holds.
        assertEquals(413, post(big, true, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .statusCode());
        assertEquals(0, sqs.depth(queue.queueUrl()));
    }
}
