package io.cattlepi.ci.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.peers.GitHubStandIn;
import io.cattlepi.ci.peers.GitHubStandIn.RecordedStatus;
import io.cattlepi.ci.secret.Secret;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60) // guards against the library's sleep-until-reset coming back; not a timing assertion
class GitHubStatusPublisherTest {
    private static final String TOKEN = "ghp_s3cr3tT0kenValue";
    private static final String REPO = "cattlepi/cattlepi";
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    private GitHubStandIn github;
    private GitHubStatusPublisher publisher;

    @BeforeEach
    void start() throws Exception {
        github = GitHubStandIn.start(TOKEN);
        publisher = new GitHubStatusPublisher(github.url(), "cattlepi-bot", new Secret(TOKEN), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void statusesArriveOnTheRightCommitWithTheirFields() throws Exception {
        publisher.post(REPO, SHA, new CommitStatus(CommitState.PENDING, "cattlepi-ci", "Building on pi-1", "http://s3.local/b/b-1/index.html"));
        publisher.post(REPO, SHA, new CommitStatus(CommitState.SUCCESS, "cattlepi-ci", "Build passed", "http://s3.local/b/b-1/index.html"));

        List<RecordedStatus> got = github.statusesFor(SHA);
        assertEquals(2, got.size());
        RecordedStatus pending = got.get(0);
        assertEquals(REPO, pending.repo());
        assertEquals("pending", pending.state());
        assertEquals("cattlepi-ci", pending.context());
        assertEquals("Building on pi-1", pending.description());
        assertEquals("http://s3.local/b/b-1/index.html", pending.targetUrl());
        assertEquals("success", got.get(1).state());
        // What github-api 1.330 really calls: one repository lookup (then cached), one POST per status, no GET /user.
        assertEquals(List.of("GET /repos/cattlepi/cattlepi",
                "POST /repos/cattlepi/cattlepi/statuses/" + SHA,
                "POST /repos/cattlepi/cattlepi/statuses/" + SHA), github.requests());
    }

    @Test
    void statusWithoutTargetUrlIsPosted() throws Exception {
        publisher.post(REPO, SHA, new CommitStatus(CommitState.ERROR, "ctx", "timed out after 2700 s", null));
        RecordedStatus s = github.statusesFor(SHA).get(0);
        assertEquals("error", s.state());
        assertEquals(null, s.targetUrl());
    }

    @Test
    void serverErrorIsRetryableAndTheNextAttemptGoesThrough() throws Exception {
        github.failNext(1, 502);
        ReportException e = assertThrows(ReportException.class, () -> post("pending"));
        assertTrue(e.retryable(), e.getMessage());
        assertTrue(e.getMessage().contains("502"), e.getMessage());

        post("pending");
        assertEquals(1, github.statusesFor(SHA).size());
    }

    @Test
    void rateLimitedAnswersAreRetryableAndDoNotWaitForTheReset() throws Exception {
        post("pending"); // repository now cached: the faults hit the status POST itself
        github.failNext(1, 403);
        ReportException forbidden = assertThrows(ReportException.class, () -> post("success"));
        assertTrue(forbidden.retryable(), forbidden.getMessage());
        assertTrue(forbidden.getMessage().contains("rate limit"), forbidden.getMessage());

        github.failNext(1, 429);
        ReportException tooMany = assertThrows(ReportException.class, () -> post("success"));
        assertTrue(tooMany.retryable(), tooMany.getMessage());
    }

    @Test
    void forbiddenWithoutRateLimitIsNotRetryable() throws Exception {
        github.failNext(1, 403, Map.of());
        ReportException e = assertThrows(ReportException.class, () -> post("pending"));
        assertFalse(e.retryable(), e.getMessage());
    }

    @Test
    void badTokenIsNotRetryableAndNeverShown() throws Exception {
        GitHubStatusPublisher wrong = new GitHubStatusPublisher(github.url(), "cattlepi-bot",
                new Secret("ghp_wrongTokenValue"), Duration.ofSeconds(5));
        ReportException e = assertThrows(ReportException.class,
                () -> wrong.post(REPO, SHA, new CommitStatus(CommitState.PENDING, "ctx", "d", null)));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("401"), e.getMessage());
        assertNoToken(e, "ghp_wrongTokenValue");
        assertTrue(github.statuses().isEmpty());
    }

    @Test
    void missingRepositoryAndRejectedStatusAreNotRetryable() throws Exception {
        github.missingRepository("cattlepi/gone");
        ReportException notFound = assertThrows(ReportException.class,
                () -> publisher.post("cattlepi/gone", SHA, new CommitStatus(CommitState.PENDING, "ctx", "d", null)));
        assertFalse(notFound.retryable());
        assertTrue(notFound.getMessage().contains("404"), notFound.getMessage());

        github.failNext(1, 422);
        ReportException rejected = assertThrows(ReportException.class, () -> post("pending"));
        assertFalse(rejected.retryable());
        assertTrue(rejected.getMessage().contains("422"), rejected.getMessage());
    }

    @Test
    void invalidInputIsRefusedBeforeAnyCall() {
        ReportException badSha = assertThrows(ReportException.class,
                () -> publisher.post(REPO, "master; rm -rf /", new CommitStatus(CommitState.PENDING, "ctx", "d", null)));
        assertFalse(badSha.retryable());
        assertThrows(ReportException.class, () -> publisher.post("../etc", SHA, new CommitStatus(CommitState.PENDING, "c", "d", null)));
        assertThrows(IllegalArgumentException.class, () -> CommitState.fromWire("green"));
        assertTrue(github.requests().isEmpty());
    }

    @Test
    void unreachableGitHubIsRetryable() throws Exception {
        URI closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
        GitHubStatusPublisher down = new GitHubStatusPublisher(closed, "bot", new Secret(TOKEN), Duration.ofSeconds(2));
        ReportException e = assertThrows(ReportException.class,
                () -> down.post(REPO, SHA, new CommitStatus(CommitState.PENDING, "ctx", "d", null)));
        assertTrue(e.retryable(), e.getMessage());
        assertNoToken(e, TOKEN);
    }

    @Test
    void stalledGitHubEndsWithinTheTimeoutAsRetryable() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket held = silent.accept()) {
                    held.getInputStream().readAllBytes(); // read the request, never answer
                } catch (Exception ignored) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            GitHubStatusPublisher stalled = new GitHubStatusPublisher(
                    URI.create("http://127.0.0.1:" + silent.getLocalPort()), "bot", new Secret(TOKEN), Duration.ofMillis(500));
            ReportException e = assertThrows(ReportException.class,
                    () -> stalled.post(REPO, SHA, new CommitStatus(CommitState.PENDING, "ctx", "d", null)));
            assertTrue(e.retryable(), e.getMessage());
        }
    }

    @Test
    void standInAcceptsBearerTokensAndRefusesMissingOnes() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String body = "{\"state\":\"success\",\"context\":\"c\"}";
        java.net.http.HttpRequest.Builder post = java.net.http.HttpRequest.newBuilder(
                        github.url().resolve("/repos/o/r/statuses/" + SHA))
                .timeout(Duration.ofSeconds(5))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        assertEquals(401, http.send(post.build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(201, http.send(post.header("Authorization", "Bearer " + TOKEN).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals("o/r", github.statusesFor(SHA).get(0).repo());
    }

    private void post(String state) throws ReportException {
        publisher.post(REPO, SHA, new CommitStatus(CommitState.fromWire(state), "cattlepi-ci", "d", null));
    }

    private static void assertNoToken(Throwable e, String token) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(token), "token leaked in " + t);
            assertFalse(t.toString().contains(token), "token leaked in " + t);
        }
    }
}
