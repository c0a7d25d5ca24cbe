package io.cattlepi.ci.simulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local CattlePi API with the hosted one's rules (reference-behaviour.md, "CattlePi API
 * details"): per-key device configs with a {@code default} fallback, the 4096-byte body limit,
 * unknown top-level keys dropped, missing ones set to "", {@code /track} events, {@code /ping}
 * and static images. Configs are kept as the bytes stored, so a GET is byte-stable.
 */
public final class CattlePiApiServer implements AutoCloseable {
    public static final int MAX_BODY = 4096;
    private static final List<String> TOP_LEVEL = List.of("bootcode", "usercode", "initfs", "rootfs", "config");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One {@code /track} entry. */
    public record TrackEvent(Instant at, String info) {
    }

    private record Key(boolean canWrite) {
    }

    private final HttpServer http;
    private final Clock clock;
    private final Map<String, Key> keys = new ConcurrentHashMap<>();
    private final Map<String, byte[]> configs = new ConcurrentHashMap<>();
    private final Map<String, List<TrackEvent>> tracks = new ConcurrentHashMap<>();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
    private final AtomicInteger posts = new AtomicInteger();
    private volatile boolean down;

    private CattlePiApiServer(HttpServer http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    public static CattlePiApiServer start() {
        return start(0);
    }

    public static CattlePiApiServer start(int port) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
            CattlePiApiServer api = new CattlePiApiServer(http, Clock.systemUTC());
            http.createContext("/", api::handle);
            http.setExecutor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "cattlepi-api");
                t.setDaemon(true);
                return t;
            }));
            http.start();
            return api;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the local CattlePi API: " + e.getMessage(), e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    public void addKey(String apiKey, boolean canWrite) {
        keys.put(apiKey, new Key(canWrite));
    }

    public void putConfig(String apiKey, String device, JsonNode config) {
        try {
            configs.put(apiKey + "/" + device, JSON.writeValueAsBytes(normalize(config)));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Removes a device's own config (it gets the default one again), as {@code DELETE /boot/{id}/config} does. */
    public void deleteConfig(String apiKey, String device) {
        configs.remove(apiKey + "/" + device);
    }

    public Optional<JsonNode> config(String apiKey, String device) {
        byte[] bytes = configs.get(apiKey + "/" + device);
        try {
            return bytes == null ? Optional.empty() : Optional.of(JSON.readTree(bytes));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stored bytes of a config (what a Pi's autoupdate compares). */
    public Optional<byte[]> configBytes(String apiKey, String device) {
        return Optional.ofNullable(configs.get(apiKey + "/" + device)).map(byte[]::clone);
    }

    public List<TrackEvent> track(String apiKey, String device) {
        return List.copyOf(tracks.getOrDefault(apiKey + "/" + device, List.of()));
    }

    public void serve(String path, byte[] bytes) {
        files.put(path, bytes.clone());
    }

    public void setDown(boolean down) {
        this.down = down;
    }

    public int configGets(String device) {
        return gets.getOrDefault(device, new AtomicInteger()).get();
    }

    /** Successful config writes so far. */
    public int configPosts() {
        return posts.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (down) {
                send(ex, 503, "{\"error\":\"service unavailable\"}");
                return;
            }
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/ping")) {
                ex.getResponseHeaders().add("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().atZone(ZoneOffset.UTC)));
                send(ex, 200, method.equals("HEAD") ? null : "{\"status\":\"ok\"}");
                return;
            }
            if (path.startsWith("/images/") && files.containsKey(path)) {
                byte[] body = files.get(path);
                ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
                ex.sendResponseHeaders(200, method.equals("HEAD") ? -1 : body.length);
                if (!method.equals("HEAD")) {
                    ex.getResponseBody().write(body);
                }
                return;
            }
            String key = apiKey(ex);
            if (key == null) {
                send(ex, 400, "{\"error\":\"missing X-Api-Key\"}");
                return;
            }
            Key k = keys.get(key);
            if (k == null) {
                send(ex, 403, "{\"error\":\"forbidden\"}");
                return;
            }
            String[] parts = path.split("/");
            if (parts.length == 4 && parts[1].equals("boot") && parts[3].equals("config")) {
                bootConfig(ex, method, key, k, parts[2]);
            } else if (parts.length == 2 && parts[1].equals("track") && method.equals("GET")) {
                List<String> ids = tracks.keySet().stream().filter(s -> s.startsWith(key + "/"))
                        .map(s -> s.substring(key.length() + 1)).sorted().toList();
                send(ex, 200, JSON.writeValueAsString(ids));
            } else if (parts.length == 3 && parts[1].equals("track")) {
                track(ex, method, key, parts[2]);
            } else {
                send(ex, 404, "{\"error\":\"not found\"}");
            }
        } catch (RuntimeException e) {
            send(ex, 500, "{\"error\":\"internal\"}");
        }
    }

    private void bootConfig(HttpExchange ex, String method, String key, Key k, String device) throws IOException {
        switch (method) {
            case "GET" -> {
                gets.computeIfAbsent(device, d -> new AtomicInteger()).incrementAndGet();
                byte[] body = configs.getOrDefault(key + "/" + device, configs.get(key + "/default"));
                if (body == null) {
                    send(ex, 404, "{\"error\":\"no config for " + (device.matches("[0-9a-zA-Z:_-]+") ? device : "device") + "\"}");
                    return;
                }
                appendTrack(key, device, "config get");
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            case "POST" -> {
                if (!k.canWrite()) {
                    send(ex, 403, "{\"error\":\"this key cannot write\"}");
                    return;
                }
                byte[] body = readLimited(ex.getRequestBody(), MAX_BODY);
                if (body == null) {
                    send(ex, 413, "{\"error\":\"body over " + MAX_BODY + " bytes\"}");
                    return;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(body);
                } catch (IOException e) {
                    node = null;
                }
                if (node == null || !node.isObject()) {
                    send(ex, 400, "{\"error\":\"body is not a JSON object\"}");
                    return;
                }
                configs.put(key + "/" + device, JSON.writeValueAsBytes(normalize(node)));
                posts.incrementAndGet();
                send(ex, 200, "{\"status\":\"ok\"}");
            }
            case "DELETE" -> {
                configs.remove(key + "/" + device);
                send(ex, 200, "{\"status\":\"ok\"}");
            }
            default -> send(ex, 405, "{\"error\":\"method not allowed\"}");
        }
    }

    private void track(HttpExchange ex, String method, String key, String device) throws IOException {
        if (method.equals("GET")) {
            List<Map<String, String>> out = new ArrayList<>();
            for (TrackEvent e : track(key, device)) {
                out.add(Map.of("ts", e.at().toString(), "info", e.info()));
            }
            send(ex, 200, JSON.writeValueAsString(out));
            return;
        }
        if (!method.equals("POST")) {
            send(ex, 405, "{\"error\":\"method not allowed\"}");
            return;
        }
        byte[] body = readLimited(ex.getRequestBody(), MAX_BODY);
        JsonNode node = null;
        try {
            node = body == null ? null : JSON.readTree(body);
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.path("info").isTextual() || node.path("info").asText().length() > 256) {
            send(ex, 400, "{\"error\":\"body must be {\\\"info\\\": text of at most 256 characters}\"}");
            return;
        }
        appendTrack(key, device, node.path("info").asText());
        send(ex, 200, "{\"status\":\"ok\"}");
    }

    private void appendTrack(String key, String device, String info) {
        tracks.computeIfAbsent(key + "/" + device, d -> java.util.Collections.synchronizedList(new ArrayList<>()))
                .add(new TrackEvent(clock.instant(), info));
    }

    private static ObjectNode normalize(JsonNode in) {
        ObjectNode out = JSON.createObjectNode();
        for (String field : TOP_LEVEL) {
            JsonNode v = in.get(field);
            if (v == null) {
                out.put(field, "");
            } else {
                out.set(field, v);
            }
        }
        if (!out.get("config").isObject()) {
            out.set("config", JSON.createObjectNode());
        }
        return out;
    }

    private static String apiKey(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("X-Api-Key");
        if (header != null && !header.isBlank()) {
            return header.trim();
        }
        String query = ex.getRequestURI().getRawQuery();
        if (query != null) {
            for (String kv : query.split("&")) {
                if (kv.startsWith("apiKey=")) {
                    return URLDecoder.decode(kv.substring(7), StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }

    private static byte[] readLimited(InputStream in, int max) throws IOException {
        byte[] body = in.readNBytes(max + 1);
        return body.length > max ? null : body;
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        http.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    }
}
