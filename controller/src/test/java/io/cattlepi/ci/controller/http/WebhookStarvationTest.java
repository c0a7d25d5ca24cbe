package io.cattlepi.ci.controller.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.intake.WebhookIntake;
import io.cattlepi.ci.intake.WebhookSignature;
import io.cattlepi.ci.peers.WebhookFixtures;
import io.cattlepi.ci.secret.Secret;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack, held: 300 unauthenticated senders trickling bodies to {@code POST /webhook}
 * at a byte per second for 15 s, each reconnecting a second after the server cuts it off. Meanwhile
 * {@code /healthz} must answer every second within 1 s, and the UI and the API must answer too;
 * afterwards a signed delivery goes through at once.
 */
class WebhookStarvationTest {
    private static final Secret SECRET = new Secret("starvation-secret");
    private static final int SENDERS = 300;
    private static final Duration HOLD = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private WebhookRig rig;
    private ControllerHttp http;

    @BeforeEach
    void start() throws Exception {
        rig = WebhookRig.start(dir, false);
        http = rig.serve(SECRET, WebhookIntake.DEFAULT_MAX_BODY, WebhookLimits.DEFAULTS);
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void threeHundredTricklingSendersNeverStarveHealthTheUiOrTheApi() throws Exception {
        SlowSenders senders = new SlowSenders(http.port(), SENDERS);
        Thread attack = new Thread(senders, "slow-senders");
        attack.setDaemon(true);
        HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        List<Long> healthMillis = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        get(probe, "/healthz", Duration.ofSeconds(5)); // warm the probe's connection
        attack.start();
        try {
            long end = System.nanoTime() + HOLD.toNanos();
            long next = System.nanoTime();
            while (System.nanoTime() < end) {
                long start = System.nanoTime();
                int health = get(probe, "/healthz", Duration.ofSeconds(1));
                long took = (System.nanoTime() - start) / 1_000_000;
                healthMillis.add(took);
                if (health != 200) {
                    failures.add("/healthz answered " + health + " after " + took + " ms, " + senders.open() + " senders open");
                }
                for (String page : List.of("/", "/api/builds")) {
                    int status = get(probe, page, Duration.ofSeconds(5));
                    if (status != 200) {
                        failures.add(page + " answered " + status);
                    }
                }
                next += Duration.ofSeconds(1).toNanos();
                Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
            }
        } finally {
            senders.stop();
            attack.join(10_000);
        }
        System.out.printf("starvation: %d senders held %d s, peak %d open at once, %d connections in all;"
                        + " answers to them %s; /healthz %d probes, max %d ms, mean %d ms%n",
                SENDERS, HOLD.toSeconds(), senders.peakOpen(), senders.connections(), senders.answers(),
                healthMillis.size(), healthMillis.stream().mapToLong(Long::longValue).max().orElse(-1),
                (long) healthMillis.stream().mapToLong(Long::longValue).average().orElse(-1));
        assertEquals(List.of(), failures);
        assertTrue(healthMillis.size() >= HOLD.toSeconds() - 1, "probed every second: " + healthMillis);
        assertTrue(senders.peakOpen() >= SENDERS - 10, "the senders really held their connections: " + senders.peakOpen());
        assertTrue(senders.answers().containsKey(503), "beyond the cap senders were turned away: " + senders.answers());

        byte[] body = WebhookFixtures.bytes("pull_request-opened");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + http.port() + "/webhook"))
                .timeout(Duration.ofSeconds(10))
                .header("X-GitHub-Event", "pull_request")
                .header("X-GitHub-Delivery", "after-the-attack")
                .header("X-Hub-Signature-256", WebhookSignature.sign(SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), "recovered: " + r.body());
    }

    /** The status, or -1 when it did not answer within {@code timeout}. */
    private int get(HttpClient client, String path, Duration timeout) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                    .timeout(timeout).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Non-blocking senders on one thread: each declares a 5000-byte body and sends one byte a second;
     * whatever the server answers or closes, it connects again a second later.
     */
    private static final class SlowSenders implements Runnable {
        private static final byte[] HEAD = ("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "X-GitHub-Event: pull_request\r\nContent-Length: 5000\r\n\r\n{").getBytes(StandardCharsets.ISO_8859_1);
        private final int port;
        private final int count;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<Integer, Integer> answers = new TreeMap<>();
        private volatile int open;
        private volatile int peakOpen;
        private volatile int connections;

        SlowSenders(int port, int count) {
            this.port = port;
            this.count = count;
        }

        void stop() {
            running.set(false);
        }

        int open() {
            return open;
        }

        int peakOpen() {
            return peakOpen;
        }

        int connections() {
            return connections;
        }

        synchronized Map<Integer, Integer> answers() {
            return new TreeMap<>(answers);
        }

        @Override
        public void run() {
            List<Long> reconnectAt = new ArrayList<>();
            try (Selector selector = Selector.open()) {
                for (int i = 0; i < count; i++) {
                    connect(selector);
                }
                long nextTrickle = System.nanoTime();
                ByteBuffer read = ByteBuffer.allocate(512);
                while (running.get()) {
                    selector.select(100);
                    for (SelectionKey k : selector.selectedKeys()) {
                        SocketChannel c = (SocketChannel) k.channel();
                        read.clear();
                        int n;
                        try {
                            n = c.read(read);
                        } catch (IOException e) {
                            n = -1;
                        }
                        if (n > 0) {
                            String head = new String(read.array(), 0, Math.min(n, 12), StandardCharsets.ISO_8859_1);
                            if (head.startsWith("HTTP/1.1 ")) {
                                count(Integer.parseInt(head.substring(9, 12)));
                            }
                        }
                        k.cancel();
                        c.close();
                        reconnectAt.add(System.nanoTime() + Duration.ofSeconds(1).toNanos());
                    }
                    selector.selectedKeys().clear();
                    long now = System.nanoTime();
                    while (!reconnectAt.isEmpty() && reconnectAt.get(0) <= now) {
                        reconnectAt.remove(0);
                        connect(selector);
                    }
                    if (now >= nextTrickle) {
                        nextTrickle = now + Duration.ofSeconds(1).toNanos();
                        for (SelectionKey k : selector.keys()) {
                            try {
                                ((SocketChannel) k.channel()).write(ByteBuffer.wrap(new byte[] {' '}));
                            } catch (IOException e) {
                                // closed by the server: seen as readable next round
                            }
                        }
                    }
                    open = selector.keys().size();
                    peakOpen = Math.max(peakOpen, open);
                }
                for (SelectionKey k : selector.keys()) {
                    k.channel().close();
                }
            } catch (IOException e) {
                throw new IllegalStateException("the attack itself failed", e);
            }
        }

        private synchronized void count(int status) {
            answers.merge(status, 1, Integer::sum);
        }

        private void connect(Selector selector) throws IOException {
            SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            c.write(ByteBuffer.wrap(HEAD));
            c.configureBlocking(false);
            c.register(selector, SelectionKey.OP_READ);
            connections++;
        }
    }
}
