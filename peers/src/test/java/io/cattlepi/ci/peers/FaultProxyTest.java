package io.cattlepi.ci.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy in front of a small HTTP server: each mode as a client sees it, and back to normal. */
class FaultProxyTest {
    private HttpServer server;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", ex -> {
            byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        proxy = FaultProxy.start(server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        proxy.close();
        server.stop(0);
    }

    private static HttpResponse<String> get(int port, Duration timeout) throws Exception {
        // A new client each time: no pooled connection hides what a new one meets.
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/x"))
                .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void passStallDropAnd503AsAClientSeesThem() throws Exception {
        assertEquals("hello", get(proxy.port(), Duration.ofSeconds(10)).body());

        proxy.mode(FaultProxy.Mode.STALL);
        assertThrows(HttpTimeoutException.class, () -> get(proxy.port(), Duration.ofMillis(500)));
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return get(proxy.port(), Duration.ofSeconds(30));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertFalse(waiting.isDone());
        proxy.mode(FaultProxy.Mode.PASS);
        assertEquals("hello", waiting.get(30, TimeUnit.SECONDS).body(), "a stalled request completes once the stall ends");

        proxy.mode(FaultProxy.Mode.DROP);
        assertThrows(IOException.class, () -> get(proxy.port(), Duration.ofSeconds(10)));

        proxy.mode(FaultProxy.Mode.HTTP_503);
        RawHttp.Answer a = RawHttp.exchange(proxy.port(), RawHttp.request("GET", "/x", Map.of(), new byte[0]), false,
                Duration.ofSeconds(10));
        assertEquals(503, a.status());

        proxy.mode(FaultProxy.Mode.PASS);
        assertEquals("hello", get(proxy.port(), Duration.ofSeconds(10)).body());
        assertTrue(proxy.accepted() >= 6);
    }
}
