package io.cattlepi.ci.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GitHub REST API stand-in over real HTTP on 127.0.0.1, serving exactly what github-api 1.330 calls to
 * post a commit status ({@code GET /repos/{o}/{r}}, {@code POST /repos/{o}/{r}/statuses/{sha}}, and
 * {@code GET /rate_limit} should a client ask), and a commit's statuses, newest first, as GitHub lists
 * them ({@code GET /repos/{o}/{r}/commits/{sha}/statuses}). Records every status; can answer the next
 * calls with faults.
 * Any repository exists; use {@link #missingRepository} to make one answer 404.
 */
public final class GitHubStandIn implements AutoCloseable {
    /** One status as GitHub received it. */
    public record RecordedStatus(String repo, String sha, String state, String context, String description,
                                 String targetUrl, Instant at, long id) {
        public RecordedStatus(String repo, String sha, String state, String context, String description,
                              String targetUrl, Instant at) {
            this(repo, sha, state, context, description, targetUrl, at, 0);
        }
    }

    private record Fault(int status, Map<String, String> headers) {
    }

    private static final Pattern REPO = Pattern.compile("/repos/([^/]+)/([^/]+)");
    private static final Pattern STATUS = Pattern.compile("/repos/([^/]+)/([^/]+)/statuses/([^/]+)");
    private static final Pattern COMMIT_STATUSES = Pattern.compile("/repos/([^/]+)/([^/]+)/commits/([^/]+)/statuses");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String token;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "github-stand-in");
        t.setDaemon(true);
        return t;
    });
    private final List<RecordedStatus> statuses = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final List<String> missing = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(1000);

    private GitHubStandIn(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a stand-in that accepts {@code Authorization: token <token>} or {@code Bearer <token>}. */
    public static GitHubStandIn start(String token) throws IOException {
        return new GitHubStandIn(token);
    }

    /** The API root to give the client, e.g. {@code http://127.0.0.1:41234}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Every status received, oldest first. */
    public List<RecordedStatus> statuses() {
        return List.copyOf(statuses);
    }

    public List<RecordedStatus> statusesFor(String sha) {
        return statuses.stream().filter(s -> s.sha().equals(sha)).toList();
    }

    /** A commit's statuses on one context, oldest first. */
    public List<RecordedStatus> statusesFor(String sha, String context) {
        return statuses.stream().filter(s -> s.sha().equals(sha) && s.context().equals(context)).toList();
    }

    /** "METHOD path" of every request received, oldest first (to see what the client really calls). */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /**
     * The next {@code count} API calls answer {@code httpStatus}. 403 and 429 come with exhausted rate-limit
     * headers ({@code X-RateLimit-Remaining: 0}), as GitHub sends them when rate-limited.
     */
    public void failNext(int count, int httpStatus) {
        Map<String, String> headers = httpStatus == 403 || httpStatus == 429
                ? Map.of("X-RateLimit-Limit", "5000", "X-RateLimit-Remaining", "0", "X-RateLimit-Used", "5000",
                         "X-RateLimit-Reset", Long.toString(Instant.now().plusSeconds(3600).getEpochSecond()))
                : Map.of();
        failNext(count, httpStatus, headers);
    }

    /** The next {@code count} API calls answer {@code httpStatus} with exactly these extra headers. */
    public void failNext(int count, int httpStatus, Map<String, String> headers) {
        synchronized (faults) {
            for (int i = 0; i < count; i++) {
                faults.add(new Fault(httpStatus, Map.copyOf(headers)));
            }
        }
    }

    /** {@code owner/name} answers 404 from now on, like a repository the token cannot see. */
    public void missingRepository(String fullName) {
        missing.add(fullName);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            requests.add(method + " " + path);
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, error("Bad credentials"));
                return;
            }
            if (method.equals("GET") && path.equals("/rate_limit")) {
                send(ex, 200, rateLimit());
                return;
            }
            Fault fault;
            synchronized (faults) {
                fault = faults.poll();
            }
            if (fault != null) {
                fault.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
                send(ex, fault.status(), error(fault.status() == 403 || fault.status() == 429
                        ? "API rate limit exceeded" : "Injected fault"));
                return;
            }
            Matcher status = STATUS.matcher(path);
            Matcher listed = COMMIT_STATUSES.matcher(path);
            Matcher repo = REPO.matcher(path);
            if (method.equals("POST") && status.matches()) {
                postStatus(ex, status.group(1), status.group(2), status.group(3), body);
            } else if (method.equals("GET") && (listed.matches() || status.matches())) {
                Matcher m = listed.matches() ? listed : status;
                listStatuses(ex, m.group(1), m.group(2), m.group(3), ex.getRequestURI().getRawQuery());
            } else if (method.equals("GET") && repo.matches()) {
                getRepository(ex, repo.group(1), repo.group(2));
            } else {
                send(ex, 404, error("Not Found"));
            }
        } catch (RuntimeException e) {
            send(ex, 500, error("stand-in failure: " + e));
        }
    }

    private boolean authorized(String header) {
        return header != null && (header.equals("token " + token) || header.equals("Bearer " + token));
    }

    private void getRepository(HttpExchange ex, String owner, String name) throws IOException {
        String fullName = owner + "/" + name;
        if (missing.contains(fullName)) {
            send(ex, 404, error("Not Found"));
            return;
        }
        String api = url() + "/repos/" + fullName;
        ObjectNode r = JSON.createObjectNode();
        r.put("id", Math.abs(fullName.hashCode()) + 1L);
        r.put("node_id", "R_" + fullName);
        r.put("name", name);
        r.put("full_name", fullName);
        r.put("private", false);
        ObjectNode o = r.putObject("owner");
        o.put("login", owner);
        o.put("id", Math.abs(owner.hashCode()) + 1L);
        o.put("type", "User");
        o.put("url", url() + "/users/" + owner);
        r.put("url", api);
        r.put("html_url", "https://github.com/" + fullName);
        r.put("statuses_url", api + "/statuses/{sha}");
        r.put("default_branch", "master");
        r.put("fork", false);
        r.put("created_at", "2018-01-01T00:00:00Z");
        r.put("updated_at", "2018-01-01T00:00:00Z");
        r.put("pushed_at", "2018-01-01T00:00:00Z");
        ObjectNode p = r.putObject("permissions");
        p.put("admin", false);
        p.put("push", true);
        p.put("pull", true);
        send(ex, 200, r);
    }

    private void postStatus(HttpExchange ex, String owner, String name, String sha, byte[] body) throws IOException {
        JsonNode in = JSON.readTree(body);
        String state = text(in, "state");
        if (state == null || !List.of("pending", "success", "failure", "error").contains(state)) {
            send(ex, 422, error("Validation Failed: state"));
            return;
        }
        Instant now = Instant.now();
        RecordedStatus recorded = new RecordedStatus(owner + "/" + name, sha, state,
                text(in, "context") == null ? "default" : text(in, "context"),
                text(in, "description"), text(in, "target_url"), now, ids.incrementAndGet());
        statuses.add(recorded);
        send(ex, 201, statusJson(recorded));
    }

    /**
     * {@code GET /repos/{o}/{r}/commits/{ref}/statuses} (and the older {@code /statuses/{ref}}): every
     * status of the commit, newest first, {@code per_page} (at most 100, default 30) and {@code page}.
     */
    private void listStatuses(HttpExchange ex, String owner, String name, String sha, String query) throws IOException {
        if (missing.contains(owner + "/" + name)) {
            send(ex, 404, error("Not Found"));
            return;
        }
        int perPage = Math.min(100, Math.max(1, param(query, "per_page", 30)));
        int page = Math.max(1, param(query, "page", 1));
        List<RecordedStatus> newest = new java.util.ArrayList<>(statuses.stream()
                .filter(st -> st.repo().equalsIgnoreCase(owner + "/" + name) && st.sha().equals(sha)).toList());
        java.util.Collections.reverse(newest);
        com.fasterxml.jackson.databind.node.ArrayNode out = JSON.createArrayNode();
        newest.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(st -> out.add(statusJson(st)));
        send(ex, 200, out);
    }

    private ObjectNode statusJson(RecordedStatus st) {
        ObjectNode out = JSON.createObjectNode();
        String[] repo = st.repo().split("/", 2);
        out.put("url", url() + "/repos/" + repo[0] + "/" + repo[1] + "/statuses/" + st.sha());
        out.put("avatar_url", "https://avatars.githubusercontent.com/u/1?v=4");
        out.put("id", st.id());
        out.put("node_id", "SC_" + st.id());
        out.put("state", st.state());
        out.put("description", st.description());
        out.put("target_url", st.targetUrl());
        out.put("context", st.context());
        out.put("created_at", st.at().toString());
        out.put("updated_at", st.at().toString());
        ObjectNode creator = out.putObject("creator");
        creator.put("login", "cattlepi-ci-bot");
        creator.put("id", 1);
        creator.put("type", "User");
        return out;
    }

    private static int param(String query, String key, int fallback) {
        if (query != null) {
            for (String kv : query.split("&")) {
                if (kv.startsWith(key + "=")) {
                    try {
                        return Integer.parseInt(kv.substring(key.length() + 1));
                    } catch (NumberFormatException e) {
                        return fallback;
                    }
                }
            }
        }
        return fallback;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static ObjectNode error(String message) {
        ObjectNode e = JSON.createObjectNode();
        e.put("message", message);
        e.put("documentation_url", "https://docs.github.com/rest");
        return e;
    }

    private static ObjectNode rateLimit() {
        ObjectNode core = JSON.createObjectNode();
        core.put("limit", 5000);
        core.put("remaining", 4999);
        core.put("reset", Instant.now().plusSeconds(3600).getEpochSecond());
        core.put("used", 1);
        ObjectNode out = JSON.createObjectNode();
        out.putObject("resources").set("core", core);
        out.set("rate", core.deepCopy());
        return out;
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }
}
