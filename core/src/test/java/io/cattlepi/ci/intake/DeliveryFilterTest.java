package io.cattlepi.ci.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.peers.WebhookFixtures;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeliveryFilterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DeliveryFilter filter = new DeliveryFilter(Set.of("codertocat/hello-world"), List.of(), false,
            "https://github.com/");

    private Verdict judge(String event, String fixture) throws Exception {
        return filter.judge(event, "d-1", JSON.readTree(WebhookFixtures.bytes(fixture)));
    }

    @Test
    void pullRequestsOpenedSynchronizedReopenedAreBuiltAtTheirHead() throws Exception {
        for (String action : List.of("opened", "synchronize", "reopened")) {
            Verdict v = judge("pull_request", "pull_request-" + action);
            assertEquals(Verdict.Kind.ACCEPTED, v.kind(), action);
            BuildRequest r = v.request();
            assertEquals(WebhookFixtures.PR_HEAD_SHA, r.sha());
            assertEquals(2, r.prNumber());
            assertEquals("refs/pull/2/head", r.ref());
            assertEquals("d-1", r.deliveryId());
            // the configured spelling of the allowed repository, and a clone URL from config
            assertEquals("codertocat/hello-world", r.repository());
            assertEquals("https://github.com/codertocat/hello-world.git", r.cloneUrl());
        }
    }

    @Test
    void readyForReviewIsBuiltDraftsAreNotUnlessConfigured() throws Exception {
        ObjectNode p = WebhookFixtures.tree("pull_request-opened");
        p.put("action", "ready_for_review");
        assertEquals(Verdict.Kind.ACCEPTED, filter.judge("pull_request", "d", p).kind());
        ObjectNode draft = WebhookFixtures.tree("pull_request-opened");
        ((ObjectNode) draft.get("pull_request")).put("draft", true);
        Verdict v = filter.judge("pull_request", "d", draft);
        assertEquals(Verdict.Kind.IGNORED, v.kind());
        assertEquals("pull request is a draft", v.reason());
        DeliveryFilter drafts = new DeliveryFilter(Set.of("Codertocat/Hello-World"), List.of(), true, "https://github.com");
        assertEquals(Verdict.Kind.ACCEPTED, drafts.judge("pull_request", "d", draft).kind());
    }

    @Test
    void aClosedPullRequestIsPassedOnToCancelItsBuildsUnlessThatIsSwitchedOff() throws Exception {
        Verdict closed = judge("pull_request", "pull_request-closed");
        assertEquals(Verdict.Kind.CLOSED, closed.kind());
        assertEquals(new Verdict.ClosedPullRequest("codertocat/hello-world", 2), closed.closed());
        assertEquals("pull request #2 closed", closed.reason());
        DeliveryFilter keeping = new DeliveryFilter(Set.of("codertocat/hello-world"), List.of(), false,
                "https://github.com/", DeliveryFilter.DEFAULT_TRUSTED, DeliveryFilter.DEFAULT_OK_TO_TEST, false);
        Verdict ignored = keeping.judge("pull_request", "d-1", JSON.readTree(WebhookFixtures.bytes("pull_request-closed")));
        assertEquals(Verdict.Kind.IGNORED, ignored.kind());
        assertEquals("pull request action closed is not built", ignored.reason());
    }

    @Test
    void otherPullRequestActionsAreIgnoredWithTheAction() throws Exception {
        Verdict labeled = judge("pull_request", "pull_request-labeled");
        assertEquals(Verdict.Kind.IGNORED, labeled.kind());
        assertEquals("label bug does not approve builds", labeled.reason());
    }

    @Test
    void outsidersNeedApprovalAndTheOkToTestLabelGivesIt() throws Exception {
        ObjectNode p = WebhookFixtures.tree("pull_request-opened");
        ((ObjectNode) p.get("pull_request")).put("author_association", "FIRST_TIME_CONTRIBUTOR");
        Verdict v = filter.judge("pull_request", "d", p);
        assertEquals(BuildRequest.Approval.NEEDED, v.request().approval());
        assertEquals("pull request #2 opened by an untrusted author (FIRST_TIME_CONTRIBUTOR): waiting for ok-to-test",
                v.reason());
        ObjectNode label = WebhookFixtures.tree("pull_request-labeled");
        ((ObjectNode) label.get("label")).put("name", "ok-to-test");
        assertEquals(BuildRequest.Approval.GIVEN, filter.judge("pull_request", "d", label).request().approval());
        DeliveryFilter everyone = new DeliveryFilter(Set.of("codertocat/hello-world"), List.of(), false,
                "https://github.com/", List.of("*"), "ok-to-test");
        assertEquals(BuildRequest.Approval.NOT_NEEDED, everyone.judge("pull_request", "d", p).request().approval());
    }

    @Test
    void pushToTheDefaultBranchIsBuiltTagDeletionIsNot() throws Exception {
        Verdict v = judge("push", "push-with-new-branch");
        assertEquals(Verdict.Kind.ACCEPTED, v.kind());
        assertEquals(WebhookFixtures.PUSH_SHA, v.request().sha());
        assertEquals("refs/heads/master", v.request().ref());
        assertNull(v.request().prNumber());

        Verdict deleted = judge("push", "push");
        assertEquals(Verdict.Kind.IGNORED, deleted.kind());
        assertEquals("ref refs/tags/simple-tag was deleted", deleted.reason());
    }

    @Test
    void tagPushesAndOtherBranchesAreIgnored() throws Exception {
        ObjectNode tag = WebhookFixtures.tree("push-with-new-branch");
        tag.put("ref", "refs/tags/v1");
        assertEquals("push to refs/tags/v1 is not a branch", filter.judge("push", "d", tag).reason());
        ObjectNode feature = WebhookFixtures.tree("push-with-new-branch");
        feature.put("ref", "refs/heads/feature");
        assertEquals("pushes to branch feature are not built (built: master)", filter.judge("push", "d", feature).reason());
        DeliveryFilter configured = new DeliveryFilter(Set.of(WebhookFixtures.REPOSITORY), List.of("feature"), false, "x");
        assertEquals(Verdict.Kind.ACCEPTED, configured.judge("push", "d", feature).kind());
        assertEquals(Verdict.Kind.IGNORED, configured.judge("push", "d", WebhookFixtures.tree("push-with-new-branch")).kind());
    }

    @Test
    void otherRepositoriesAndEventsAreIgnored() throws Exception {
        DeliveryFilter other = new DeliveryFilter(Set.of("cattlepi/cattlepi"), List.of(), false, "https://github.com/");
        JsonNode p = JSON.readTree(WebhookFixtures.bytes("pull_request-opened"));
        assertEquals("repository Codertocat/Hello-World is not in the allow-list", other.judge("pull_request", "d", p).reason());
        assertEquals("event issues is not built", filter.judge("issues", "d", p).reason());
    }

    @Test
    void malformedDeliveriesAreInvalidNamingTheField() throws Exception {
        ObjectNode badSha = WebhookFixtures.tree("pull_request-opened");
        ((ObjectNode) badSha.get("pull_request").get("head")).put("sha", "main; rm -rf /");
        Verdict v = filter.judge("pull_request", "d", badSha);
        assertEquals(Verdict.Kind.INVALID, v.kind());
        assertEquals("pull_request.head.sha is not a 40-hex commit sha", v.reason());

        ObjectNode noHead = WebhookFixtures.tree("pull_request-opened");
        ((ObjectNode) noHead.get("pull_request")).remove("head");
        assertEquals("pull_request.head.sha is missing", filter.judge("pull_request", "d", noHead).reason());

        ObjectNode noRepo = WebhookFixtures.tree("push-with-new-branch");
        noRepo.remove("repository");
        assertEquals("repository.full_name is missing", filter.judge("push", "d", noRepo).reason());
        assertEquals("payload is not a JSON object", filter.judge("push", "d", JSON.readTree("[1]")).reason());
        assertEquals("no event name (X-GitHub-Event)", filter.judge(null, "d", noRepo).reason());
    }

    @Test
    void refsGitWouldRefuseAreInvalidAndPayloadValuesInReasonsAreEscapedAndClipped() throws Exception {
        for (String ref : List.of("refs/heads/a\nFORGED log line", "refs/heads/a..b", "refs/heads/x\u0000",
                "refs/heads/" + "r".repeat(300), "refs/heads/sp ace", "refs/heads/.hidden", "refs/heads/x.lock")) {
            ObjectNode push = WebhookFixtures.tree("push-with-new-branch");
            push.put("ref", ref);
            Verdict v = filter.judge("push", "d", push);
            assertEquals(Verdict.Kind.INVALID, v.kind(), ref);
            assertFalse(v.reason().contains("\n") || v.reason().contains("\u0000"), v.reason());
            assertTrue(v.reason().length() < 200, v.reason());
        }
        ObjectNode bidi = WebhookFixtures.tree("push-with-new-branch");
        bidi.put("ref", "refs/heads/\u202eevil");
        assertEquals("pushes to branch \\u202eevil are not built (built: master)", filter.judge("push", "d", bidi).reason(),
                "git allows it, so it is judged, but shown escaped");

        ObjectNode label = WebhookFixtures.tree("pull_request-labeled");
        ((ObjectNode) label.get("label")).put("name", "x\r\nINFO forged\u2028" + "y".repeat(100_000));
        String reason = filter.judge("pull_request", "d", label).reason();
        assertTrue(reason.startsWith("label x\\r\\nINFO forged\\u2028yyy"), reason);
        assertTrue(reason.endsWith("… (100015 characters) does not approve builds"), reason);
    }
}
