package io.cattlepi.ci.controller.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.intake.QueuedMessage;
import io.cattlepi.ci.intake.SqsWorkQueue;
import io.cattlepi.ci.intake.WebhookSignature;
import io.cattlepi.ci.peers.FaultProxy;
import io.cattlepi.ci.peers.LocalSqs;
import io.cattlepi.ci.peers.RawHttp;
import io.cattlepi.ci.peers.WebhookFixtures;
import io.cattlepi.ci.secret.Secret;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /webhook} over real HTTP and raw sockets, onto ElasticMQ behind a fault proxy. */
class WebhookReceiverTest {
    private static final Secret SECRET = new Secret("route-secret");
    private static final String DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

    @TempDir
    Path dir;
    private WebhookRig rig;
    private LocalSqs sqs;
    private FaultProxy proxy;
    private SqsWorkQueue queue;
    private ControllerHttp http;
    private final List<Socket> held = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        rig = WebhookRig.start(dir, true);
        sqs = rig.sqs();
        proxy = rig.proxy();
        queue = rig.queue();
        serve(WebhookLimits.DEFAULTS);
    }

    private void serve(WebhookLimits limits) {
        http = rig.serve(SECRET, 100_000, limits);
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : held) {
            s.close();
        }
        rig.close();
    }

    private HttpResponse<String> post(byte[] body, boolean sign, HttpRequest.BodyPublisher publisher) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/webhook"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", "pull_request")
                .header("X-GitHub-Delivery", DELIVERY)
                .POST(publisher);
        if (sign) {
            b.header("X-Hub-Signature-256", WebhookSignature.sign(SECRET, body));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> deliver() throws Exception {
        byte[] body = WebhookFixtures.bytes("pull_request-synchronize");
        return post(body, true, HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /**
     * A delivery's status; 503 also when the connection ended before the answer could be read: the
     * server answers a refused body without reading it and closes, and a client still sending may
     * then see the close instead (GitHub redelivers either way).
     */
    private int refusedOrStatus() throws Exception {
        try {
            return deliver().statusCode();
        } catch (java.io.IOException e) {
            return 503;
        }
    }

    private RawHttp.Answer raw(String head, String body, boolean halfClose) throws Exception {
        byte[] bytes = (head + body).getBytes(StandardCharsets.ISO_8859_1);
        return RawHttp.exchange(http.port(), bytes, halfClose, Duration.ofSeconds(20));
    }

    /** A sender that declares a body and sends a few bytes of it, then nothing. */
    private Socket stalledSender() throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", http.port()), 5000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"a\"")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        held.add(s);
        return s;
    }

    private static final String CHUNKED = "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";

    @Test
    void aSignedDeliveryIsQueuedByteForByte() throws Exception {
        byte[] body = WebhookFixtures.bytes("pull_request-synchronize");
        HttpResponse<String> r = post(body, true, HttpRequest.BodyPublishers.ofByteArray(body));
        assertEquals(202, r.statusCode(), r.body());
        List<QueuedMessage> got = queue.receive(1, Duration.ofSeconds(1));
        assertArrayEquals(body, got.get(0).payload());
        assertEquals(DELIVERY, got.get(0).attributes().get(QueuedMessage.DELIVERY));
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

    @Test
    void malformedAndTruncatedChunkedBodiesAre400NeverA5xx() throws Exception {
        RawHttp.Answer badSize = raw(CHUNKED, "zz\r\n{}\r\n0\r\n\r\n", false);
        assertEquals(400, badSize.status(), badSize.toString());
        RawHttp.Answer noCrlf = raw(CHUNKED, "2\r\n{}XX0\r\n\r\n", false);
        assertEquals(400, noCrlf.status(), noCrlf.toString());
        RawHttp.Answer truncated = raw(CHUNKED, "40\r\n{\"action\":", true);
        assertEquals(400, truncated.status(), truncated.toString());
        assertTrue(truncated.body().contains("malformed body"), truncated.body());
        RawHttp.Answer shortBody = raw("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n", "{}", true);
        assertEquals(400, shortBody.status(), shortBody.toString());
    }

    @Test
    void aBodyThatDoesNotArriveInTimeIs408AndFreesItsSlot() throws Exception {
        serve(new WebhookLimits(1, Duration.ofSeconds(1), Duration.ofSeconds(3)));
        Socket s = stalledSender();
        RawHttp.Answer cut = RawHttp.read(s.getInputStream());
        assertEquals(408, cut.status(), cut.toString());
        assertTrue(cut.body().contains("body not received within 1 s"), cut.body());
        assertEquals(202, deliver().statusCode(), "the only slot is free again");
    }

    @Test
    void beyondTheCapSendersAreTold503WithRetryAfterAndNothingIsRead() throws Exception {
        serve(new WebhookLimits(2, Duration.ofSeconds(30), Duration.ofSeconds(7)));
        Socket first = stalledSender();
        Socket second = stalledSender();
        // The two stalled bodies hold both slots as soon as their headers are in: wait for that.
        RawHttp.Answer busy;
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        do {
            busy = raw("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n", "{}", false);
        } while (busy.status() != 503 && System.nanoTime() < until);
        assertEquals(503, busy.status(), busy.toString());
        assertEquals("7", busy.headers().get("retry-after"));
        assertEquals("close", busy.headers().get("connection"));
        assertEquals(200, client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/healthz"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        first.close();
        second.close();
        // Their reads fail at once (the connection is gone), giving the slots back.
        until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status;
        do {
            status = deliver().statusCode();
        } while (status == 503 && System.nanoTime() < until);
        assertEquals(202, status);
    }

    @Test
    void theBytesHeldForUnreadBodiesAreCappedToo() throws Exception {
        int delivery = WebhookFixtures.bytes("pull_request-synchronize").length;
        serve(new WebhookLimits(32, delivery + 1000L, Duration.ofSeconds(30), Duration.ofSeconds(5)));
        Socket hog = new Socket();
        hog.connect(new InetSocketAddress("127.0.0.1", http.port()), 5000);
        held.add(hog);
        hog.getOutputStream().write(("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: " + (delivery / 2)
                + "\r\n\r\n{").getBytes(StandardCharsets.ISO_8859_1));
        hog.getOutputStream().flush();
        // Nothing else is being received yet, so its bytes are reserved whenever the server gets to it:
        // no answer is what holding looks like.
        hog.setSoTimeout(1000);
        assertThrows(java.net.SocketTimeoutException.class, () -> hog.getInputStream().read());
        int status;
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        do {
            status = refusedOrStatus();
        } while (status == 202 && System.nanoTime() < until);
        assertEquals(503, status, "half the budget is held by a body that never comes");
        hog.close();
        until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        do {
            status = deliver().statusCode();
        } while (status == 503 && System.nanoTime() < until);
        assertEquals(202, status, "given back when its connection went");
    }

    @Test
    void wrongMethodsAre405WithAllow() throws Exception {
        RawHttp.Answer get = raw("GET /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "", false);
        assertEquals(405, get.status());
        assertEquals("POST", get.headers().get("allow"));
        RawHttp.Answer put = raw("PUT /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", "", false);
        assertEquals(405, put.status());
        assertEquals("GET, HEAD", put.headers().get("allow"));
    }

    @Test
    void aStalledQueueAnswersTheWebhook503WellInsideGitHubsTenSecondsAndHealthSaysSo() throws Exception {
        assertEquals(202, deliver().statusCode());
        proxy.mode(FaultProxy.Mode.STALL);
        long start = System.nanoTime();
        HttpResponse<String> r = deliver();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(503, r.statusCode(), r.body());
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "answered in " + took.toMillis() + " ms");
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + http.port() + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, health.statusCode());
        assertTrue(health.body().contains("unreachable"), health.body());

        proxy.mode(FaultProxy.Mode.PASS);
        assertEquals(202, deliver().statusCode(), "recovered at the next delivery");
        assertTrue(queue.reachable());
    }
}
