package io.cattlepi.ci.controller.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.intake.WebhookSignature;
import io.cattlepi.ci.peers.HostileInput;
import io.cattlepi.ci.peers.RawHttp;
import io.cattlepi.ci.peers.StackTraceWatch;
import io.cattlepi.ci.peers.WebhookFixtures;
import io.cattlepi.ci.secret.Secret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over 10,000 hostile webhook deliveries over real HTTP (and raw sockets for what no client would
 * send), from a seeded generator ({@code -Dfuzz.seed=N} replays a run). Every one must get an answer
 * below 500 that says why when it refuses, and nothing may end in a stack trace or an uncaught
 * exception. Prints the answers per input class.
 */
class WebhookFuzzTest {
    private static final Secret SECRET = new Secret("fuzz-secret");
    private static final int MAX_BODY = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIXTURES = List.of("pull_request-opened", "pull_request-synchronize",
            "pull_request-reopened", "pull_request-closed", "pull_request-labeled", "push", "push-with-new-branch", "ping");
    private static final List<String> EVENTS = List.of("pull_request", "push", "ping", "issues", "check_run");

    @TempDir
    Path dir;
    private WebhookRig rig;
    private ControllerHttp http;
    private final Map<String, Map<Integer, Integer>> outcomes = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();

    /** One input: its class and how to send it (HTTP client or raw socket); returns the answer. */
    private record Case(String kind, Supplier<RawHttp.Answer> send) {
    }

    @BeforeEach
    void start() throws Exception {
        rig = WebhookRig.start(dir, false);
        http = rig.serve(SECRET, MAX_BODY, new WebhookLimits(32, Duration.ofSeconds(10), Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void tenThousandHostileDeliveriesGetAReasonedAnswerBelow500AndNoStackTrace() throws Exception {
        long seed = Long.getLong("fuzz.seed", 20251115L);
        HostileInput in = new HostileInput(seed);
        List<Case> cases = new ArrayList<>();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(2)).build();
        add(cases, 4000, () -> signedCase(client, "signed: fields mutated",
                JSON.writeValueAsBytes(in.mutate(fixture(in), in.between(1, 6))), in.oneOf(EVENTS), delivery(in)));
        add(cases, 1000, () -> signedCase(client, "signed: every string hostile",
                JSON.writeValueAsBytes(in.everyStringHostile(fixture(in), 300)), in.oneOf(EVENTS), delivery(in)));
        add(cases, 600, () -> signedCase(client, "signed: noncharacters and huge numbers",
                noncharacters(in), "pull_request", delivery(in)));
        add(cases, 500, () -> signedCase(client, "signed: invalid UTF-8", invalidUtf8(in), in.oneOf(EVENTS), delivery(in)));
        add(cases, 300, () -> signedCase(client, "signed: deep nesting",
                in.nested(in.between(500, 20_000)).getBytes(StandardCharsets.UTF_8), "pull_request", delivery(in)));
        add(cases, 400, () -> signedCase(client, "signed: not JSON", in.bytes(in.between(0, 2000)), in.oneOf(EVENTS),
                delivery(in)));
        add(cases, 100, () -> signedCase(client, "signed: over the size limit", in.bytes(MAX_BODY + in.between(1, 4096)),
                "pull_request", delivery(in)));
        add(cases, 800, () -> unsignedCase(client, in));
        add(cases, 500, () -> headerCase(client, in));
        add(cases, 600, () -> rawCase("raw: malformed chunked", malformedChunked(in), true));
        add(cases, 400, () -> rawCase("raw: truncated chunked", truncatedChunked(in), true));
        add(cases, 300, () -> rawCase("raw: body shorter than Content-Length", shortBody(in), true));
        add(cases, 400, () -> rawCase("raw: hostile request line or headers", hostileHead(in), false));
        add(cases, 300, () -> {
            String method = in.oneOf(List.of("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE"));
            // A HEAD answer has no body by definition: its status line is all it can say.
            return rawCase(method.equals("HEAD") ? "raw: HEAD" : "raw: other methods", wrongMethod(in, method), false);
        });

        long start = System.nanoTime();
        ExecutorService workers = Executors.newFixedThreadPool(4);
        try (StackTraceWatch watch = StackTraceWatch.start()) {
            List<Future<?>> running = new ArrayList<>();
            for (Case c : cases) {
                running.add(workers.submit(() -> record(c.kind(), c.send().get())));
            }
            for (Future<?> f : running) {
                f.get();
            }
            workers.shutdown();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            StringBuilder report = new StringBuilder("webhook fuzz, seed " + seed + ": " + cases.size() + " inputs in "
                    + took.toSeconds() + " s\n");
            outcomes.forEach((kind, statuses) -> report.append(String.format("  %-45s %s%n", kind, statuses)));
            report.append("  stack traces: ").append(watch.stackTraces()).append(", uncaught exceptions: ")
                    .append(watch.uncaughtExceptions()).append('\n');
            System.out.print(report);
            assertTrue(cases.size() >= 10_000, "at least 10,000 inputs");
            assertEquals(List.of(), failures.subList(0, Math.min(20, failures.size())), failures.size() + " failures");
            assertEquals(0, watch.stackTraces(), "stack traces: " + watch.samples());
            assertEquals(0, watch.uncaughtExceptions(), "uncaught: " + watch.samples());
        } finally {
            workers.shutdownNow();
        }
        assertTrue(rig.store().read(tx -> tx.eventCount()) < 10_000, "rejected requests are counted, not stored one by one");
    }

    private static void add(List<Case> cases, int n, ThrowingSupplier<Case> make) throws Exception {
        for (int i = 0; i < n; i++) {
            cases.add(make.get());
        }
    }

    @FunctionalInterface
    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    private synchronized void record(String kind, RawHttp.Answer a) {
        outcomes.computeIfAbsent(kind, k -> new TreeMap<>()).merge(a.status(), 1, Integer::sum);
        if (!a.answered()) {
            failures.add(kind + ": no answer: " + a.body());
        } else if (a.status() >= 500) {
            failures.add(kind + ": " + a.status() + " " + a.body());
        } else if (a.status() >= 400 && a.body().isBlank() && !kind.equals("raw: HEAD")) {
            failures.add(kind + ": " + a.status() + " without a reason");
        }
    }

    // ---- inputs sent with an HTTP client (well-formed HTTP, hostile content)

    private Case signedCase(HttpClient client, String kind, byte[] body, String event, String delivery) {
        return new Case(kind, () -> post(client, body, Map.of("X-GitHub-Event", event, "X-GitHub-Delivery", delivery,
                "X-Hub-Signature-256", WebhookSignature.sign(SECRET, body))));
    }

    private Case unsignedCase(HttpClient client, HostileInput in) throws Exception {
        byte[] body = JSON.writeValueAsBytes(in.mutate(fixture(in), in.between(0, 3)));
        String signature = switch (in.between(0, 3)) {
            case 0 -> null;
            case 1 -> WebhookSignature.sign(new Secret("guessed"), body);
            case 2 -> "sha256=" + "0".repeat(in.between(0, 80));
            default -> clip(ascii(in.string()), 3000);
        };
        Map<String, String> headers = new TreeMap<>(Map.of("X-GitHub-Event", "pull_request", "X-GitHub-Delivery", delivery(in)));
        if (signature != null) {
            headers.put("X-Hub-Signature-256", signature);
        }
        return new Case("unsigned or wrongly signed", () -> post(client, body, headers));
    }

    /**
     * Hostile values in the headers intake reads, as far as an HTTP client lets them through, and
     * short of Jetty's 8 KiB of headers: a client still sending its body when the server answers 431
     * and closes may miss the answer (the raw class sends oversized headers and reads what comes back).
     */
    private Case headerCase(HttpClient client, HostileInput in) {
        byte[] body = WebhookFixtures.bytes(in.oneOf(FIXTURES));
        return new Case("signed: hostile GitHub headers", () -> post(client, body, Map.of(
                "X-GitHub-Event", clip(ascii(in.string()), 3000), "X-GitHub-Delivery", clip(ascii(in.string()), 3000),
                "X-Hub-Signature-256", WebhookSignature.sign(SECRET, body))));
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private RawHttp.Answer post(HttpClient client, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/webhook"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new RawHttp.Answer(r.statusCode(), Map.of(), r.body());
        } catch (java.io.IOException e) {
            return new RawHttp.Answer(-1, Map.of(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RawHttp.Answer(-1, Map.of(), "interrupted");
        }
    }

    private String delivery(HostileInput in) {
        return in.random().nextInt(10) == 0 ? clip(ascii(in.string()), 3000) : java.util.UUID.randomUUID().toString();
    }

    /** What an HTTP client accepts in a header value: printable ASCII, no leading or trailing blanks, not empty. */
    private static String ascii(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().filter(c -> c > 0x20 && c < 0x7f).limit(4000).forEach(c -> b.append((char) c));
        return b.length() == 0 ? "x" : b.toString();
    }

    private static ObjectNode fixture(HostileInput in) {
        return WebhookFixtures.tree(in.oneOf(FIXTURES));
    }

    private static byte[] noncharacters(HostileInput in) throws Exception {
        ObjectNode p = WebhookFixtures.tree("pull_request-opened");
        ObjectNode pr = (ObjectNode) p.get("pull_request");
        pr.put("title", in.oneOf(List.of("\uffff", "\ufffe", "a\uffffb\ufffe", "\ud83d\ude00\uffff")));
        pr.put("body", in.string());
        ((ObjectNode) pr.get("head")).put("sha", String.format("%040x", in.random().nextLong() & Long.MAX_VALUE));
        p.put("number", in.random().nextBoolean() ? in.random().nextInt(100_000) : -1);
        String json = JSON.writeValueAsString(p);
        if (in.random().nextBoolean()) {
            json = json.replace("\"id\":", "\"huge\":" + "9".repeat(in.between(30, 900)) + ",\"id\":");
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] invalidUtf8(HostileInput in) throws Exception {
        byte[] good = WebhookFixtures.bytes(in.oneOf(FIXTURES));
        byte[] bad = good.clone();
        for (int i = in.between(1, 5); i > 0; i--) {
            bad[in.random().nextInt(bad.length)] = (byte) (int) in.oneOf(List.of(0xff, 0xc0, 0x80, 0xed, 0xf8, 0xfe));
        }
        return bad;
    }

    // ---- inputs only a raw socket can send

    private Case rawCase(String kind, byte[] request, boolean halfClose) {
        return new Case(kind, () -> {
            try {
                return RawHttp.exchange(http.port(), request, halfClose, Duration.ofSeconds(20));
            } catch (java.io.IOException e) {
                return new RawHttp.Answer(-1, Map.of(), e.toString());
            }
        });
    }

    private static final String HEAD = "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "X-GitHub-Event: pull_request\r\nConnection: close\r\n";

    private static byte[] malformedChunked(HostileInput in) {
        String size = in.oneOf(List.of("zz", "-5", "ffffffffffffffffffff", "1;ext=\u0000", " 5", "5 5", "", "0x5",
                "99999999", "5\r\n\r\n"));
        String body = in.oneOf(List.of(size + "\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n",
                "5\r\nhello\r\n0\r\nTrailer\u0001: x\r\n\r\n", size + "\r\n" + in.string() + "\r\n0\r\n\r\n",
                "3\r\nabcdef\r\n0\r\n\r\n"));
        return (HEAD + "Transfer-Encoding: chunked\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] truncatedChunked(HostileInput in) {
        String body = in.oneOf(List.of("400\r\n{\"action\":", "5\r\nhel", "5\r\nhello\r\n", "5\r\nhello\r\n3", "a"));
        return (HEAD + "Transfer-Encoding: chunked\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] shortBody(HostileInput in) {
        int declared = in.between(10, MAX_BODY);
        byte[] part = in.bytes(in.between(0, Math.min(declared - 1, 4000)));
        byte[] head = (HEAD + "Content-Length: " + declared + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + part.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(part, 0, all, head.length, part.length);
        return all;
    }

    private static byte[] hostileHead(HostileInput in) {
        String nasty = in.string();
        String request = switch (in.between(0, 9)) {
            case 0 -> "POST /webhook HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: " + nasty + "\r\nContent-Length: 2\r\n\r\n{}";
            case 1 -> "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 9\r\n\r\n{}";
            case 2 -> "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
            case 3 -> "POST /webhook HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(in.between(9000, 40_000)) + "\r\n\r\n";
            case 4 -> "POST /webhook?" + "q".repeat(in.between(9000, 40_000)) + " HTTP/1.1\r\nHost: x\r\n\r\n";
            case 5 -> "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: " + in.oneOf(List.of("-1", "abc", "99999999999999999999",
                    "1 2", "")) + "\r\n\r\n{}";
            case 6 -> nasty + " /webhook HTTP/1.1\r\nHost: x\r\n\r\n";
            case 7 -> "POST /webhook" + nasty + " HTTP/1.1\r\nHost: x\r\n\r\n";
            case 8 -> "POST /webhook HTTP/1.1\r\nHost: x\r\n" + nasty + "\r\n\r\n";
            default -> "POST /webhook HTTP/9.9\r\nHost: x\r\n\r\n";
        };
        byte[] bytes = new byte[request.length()];
        for (int i = 0; i < request.length(); i++) {
            bytes[i] = (byte) request.charAt(i); // raw bytes, controls and high bytes included
        }
        return bytes;
    }

    private static byte[] wrongMethod(HostileInput in, String method) {
        String path = in.oneOf(List.of("/webhook", "/webhook/", "/api/builds", "/healthz", "/api/workers/pi/drain"));
        return (method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }
}
