package io.cattlepi.ci.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.peers.GitHubStandIn;
import io.cattlepi.ci.secret.Secret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stand-in lists a commit's statuses as GitHub does: newest first, both contexts, paged. */
class CommitStatusesListingTest {
    private static final String TOKEN = "listing-token";
    private static final String SHA = "89abcdef0123456789abcdef0123456789abcdef";

    @Test
    void aCommitsStatusesAreListedNewestFirstAcrossContexts() throws Exception {
        try (GitHubStandIn github = GitHubStandIn.start(TOKEN)) {
            GitHubStatusPublisher publisher = new GitHubStatusPublisher(github.url(), "bot", new Secret(TOKEN),
                    Duration.ofSeconds(5));
            publisher.post("o/r", SHA, new CommitStatus(CommitState.PENDING, "cattlepi-ci", "Building", null));
            publisher.post("o/r", SHA, new CommitStatus(CommitState.PENDING, "cattlepi-ci/boot-test", "Booting", null));
            publisher.post("o/r", SHA, new CommitStatus(CommitState.SUCCESS, "cattlepi-ci", "all 2 steps passed", null));
            publisher.post("o/r", SHA, new CommitStatus(CommitState.FAILURE, "cattlepi-ci/boot-test", "2 passed, 1 failed",
                    null));
            publisher.post("o/r", "f".repeat(40), new CommitStatus(CommitState.SUCCESS, "cattlepi-ci", "other", null));

            JsonNode all = list(github, "/repos/o/r/commits/" + SHA + "/statuses");
            List<String> seen = new ArrayList<>();
            all.forEach(s -> seen.add(s.path("context").asText() + " " + s.path("state").asText()));
            assertEquals(List.of("cattlepi-ci/boot-test failure", "cattlepi-ci success", "cattlepi-ci/boot-test pending",
                    "cattlepi-ci pending"), seen);
            assertEquals("2 passed, 1 failed", all.get(0).path("description").asText());
            JsonNode page2 = list(github, "/repos/o/r/commits/" + SHA + "/statuses?per_page=3&page=2");
            assertEquals(1, page2.size());
            assertEquals("pending", page2.get(0).path("state").asText());
        }
    }

    private static JsonNode list(GitHubStandIn github, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(github.url() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "token " + TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }
}
