package io.cattlepi.ci.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.cattlepi.ci.untrusted.Printable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides which GitHub deliveries become builds, and turns those into validated {@link BuildRequest}s.
 * Pull requests are built when opened, synchronized, reopened or marked ready (drafts only when
 * configured); pushes to the configured branches (by default the repository's default branch).
 * A pull request whose author is not trusted ({@code author_association}) needs a maintainer's
 * approval, which is the ok-to-test label being added. A closed pull request is passed on (when
 * superseded builds are cancelled) so its builds end. Everything else is ignored with a reason.
 * Used by the webhook receiver and again by the queue consumer, so a message put on the queue by
 * anything else meets the same rules.
 */
public final class DeliveryFilter {
    public static final String PULL_REQUEST = "pull_request";
    public static final String PUSH = "push";
    private static final Set<String> PR_ACTIONS = Set.of("opened", "synchronize", "reopened", "ready_for_review");
    /** GitHub's own default for who may run code on the rack unasked. */
    public static final List<String> DEFAULT_TRUSTED = List.of("OWNER", "MEMBER", "COLLABORATOR");
    public static final String DEFAULT_OK_TO_TEST = "ok-to-test";
    /** Every {@code author_association} GitHub sends, and the wildcard. */
    public static final Set<String> ASSOCIATIONS = Set.of("OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR",
            "FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER", "MANNEQUIN", "NONE", "*");
    private static final String ZERO_SHA = "0".repeat(40);
    private static final int SHOWN_MAX = 100;

    /** Lower-cased name → the configured spelling, which is what gets built and reported. */
    private final Map<String, String> repositories;
    private final List<String> pushBranches;
    private final boolean buildDrafts;
    private final String cloneBase;
    private final Set<String> trusted;
    private final String okToTest;
    private final boolean cancelSuperseded;

    /**
     * @param repositories allowed {@code owner/name}s (compared without case, as GitHub does)
     * @param pushBranches branches whose pushes are built; empty means the repository's default branch
     * @param cloneBase    where repositories are cloned from, {@code owner/name.git} appended
     *                     ("https://github.com/"); the payload's own clone URL is never used, so
     *                     nothing untrusted reaches git's command line as a URL
     */
    public DeliveryFilter(Set<String> repositories, List<String> pushBranches, boolean buildDrafts, String cloneBase) {
        this(repositories, pushBranches, buildDrafts, cloneBase, DEFAULT_TRUSTED, DEFAULT_OK_TO_TEST);
    }

    /**
     * @param trusted  {@code author_association}s whose pull requests run unasked; {@code *} trusts everyone
     * @param okToTest the label a maintainer adds to let an outsider's pull request run
     */
    public DeliveryFilter(Set<String> repositories, List<String> pushBranches, boolean buildDrafts, String cloneBase,
                          List<String> trusted, String okToTest) {
        this(repositories, pushBranches, buildDrafts, cloneBase, trusted, okToTest, true);
    }

    /**
     * @param cancelSuperseded whether a new head (or push) cancels the older builds of the same pull
     *                         request (or branch) also when they already run, and a closed pull
     *                         request cancels its builds; when false only queued ones are superseded
     */
    public DeliveryFilter(Set<String> repositories, List<String> pushBranches, boolean buildDrafts, String cloneBase,
                          List<String> trusted, String okToTest, boolean cancelSuperseded) {
        this.cancelSuperseded = cancelSuperseded;
        this.trusted = Set.copyOf(trusted);
        this.okToTest = okToTest;
        this.cloneBase = cloneBase.endsWith("/") ? cloneBase : cloneBase + "/";
        this.repositories = repositories.stream()
                .collect(Collectors.toUnmodifiableMap(r -> r.toLowerCase(Locale.ROOT), r -> r, (a, b) -> a));
        this.pushBranches = List.copyOf(pushBranches);
        this.buildDrafts = buildDrafts;
    }

    public boolean cancelSuperseded() {
        return cancelSuperseded;
    }

    public Verdict judge(String event, String deliveryId, JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            return Verdict.invalid("payload is not a JSON object");
        }
        if (event == null || event.isBlank()) {
            return Verdict.invalid("no event name (X-GitHub-Event)");
        }
        String named = text(payload, "repository", "full_name");
        if (named == null) {
            return Verdict.invalid("repository.full_name is missing");
        }
        String repository = repositories.get(named.toLowerCase(Locale.ROOT));
        if (repository == null) {
            return Verdict.ignored("repository " + shown(named) + " is not in the allow-list");
        }
        try {
            return switch (event) {
                case PULL_REQUEST -> pullRequest(repository, deliveryId, payload);
                case PUSH -> push(repository, deliveryId, payload);
                default -> Verdict.ignored("event " + shown(event) + " is not built");
            };
        } catch (IllegalArgumentException e) {
            return Verdict.invalid(e.getMessage());
        }
    }

    private Verdict pullRequest(String repository, String deliveryId, JsonNode p) {
        String action = text(p, "action");
        boolean approving = "labeled".equals(action);
        if (approving && !okToTest.equals(text(p, "label", "name"))) {
            return Verdict.ignored("label " + shown(text(p, "label", "name")) + " does not approve builds");
        }
        if ("closed".equals(action) && cancelSuperseded) {
            return Verdict.closed(repository, number(p));
        }
        if (action == null || !PR_ACTIONS.contains(action) && !approving) {
            return Verdict.ignored("pull request action " + shown(action) + " is not built");
        }
        JsonNode pr = p.path("pull_request");
        if (pr.path("draft").asBoolean(false) && !buildDrafts) {
            return Verdict.ignored("pull request is a draft");
        }
        int n = number(p);
        String sha = sha(text(pr, "head", "sha"), "pull_request.head.sha");
        String author = text(pr, "author_association");
        BuildRequest.Approval approval = approving ? BuildRequest.Approval.GIVEN
                : trusted.contains("*") || author != null && trusted.contains(author) ? BuildRequest.Approval.NOT_NEEDED
                : BuildRequest.Approval.NEEDED;
        String why = approving ? "pull request #" + n + " approved with " + okToTest
                : "pull request #" + n + " " + action + (approval == BuildRequest.Approval.NEEDED
                        ? " by an untrusted author (" + shown(author) + "): waiting for " + okToTest : "");
        return Verdict.accepted(new BuildRequest(repository, sha, "refs/pull/" + n + "/head", n, cloneUrl(repository),
                PULL_REQUEST, deliveryId, approval), why);
    }

    private Verdict push(String repository, String deliveryId, JsonNode p) {
        String ref = required(text(p, "ref"), "ref");
        if (!GitRefs.isValid(ref)) {
            return Verdict.invalid("ref " + shown(ref) + " is not a git ref name");
        }
        String after = sha(text(p, "after"), "after");
        if (p.path("deleted").asBoolean(false) || ZERO_SHA.equals(after)) {
            return Verdict.ignored("ref " + shown(ref) + " was deleted");
        }
        if (!ref.startsWith("refs/heads/")) {
            return Verdict.ignored("push to " + shown(ref) + " is not a branch");
        }
        String branch = ref.substring("refs/heads/".length());
        List<String> built = pushBranches.isEmpty() ? defaultBranch(p) : pushBranches;
        if (!built.contains(branch)) {
            return Verdict.ignored("pushes to branch " + shown(branch) + " are not built (built: "
                    + shown(String.join(", ", built)) + ")");
        }
        return Verdict.accepted(new BuildRequest(repository, after, ref, null, cloneUrl(repository), PUSH,
                deliveryId), "push to " + branch);
    }

    private static int number(JsonNode p) {
        JsonNode pr = p.path("pull_request");
        JsonNode number = pr.path("number").isMissingNode() ? p.path("number") : pr.path("number");
        if (!number.canConvertToInt() || number.asInt() <= 0) {
            throw new IllegalArgumentException("pull_request.number is missing or not a positive number");
        }
        return number.asInt();
    }

    /** Allowed repositories only get here, so the name is one the operator configured. */
    private String cloneUrl(String repository) {
        return cloneBase + repository + ".git";
    }

    private static List<String> defaultBranch(JsonNode p) {
        String b = text(p, "repository", "default_branch");
        return b == null ? List.of() : List.of(b);
    }

    private static String required(String value, String path) {
        if (value == null) {
            throw new IllegalArgumentException(path + " is missing");
        }
        return value;
    }

    /** A commit sha, checked here to name the field (BuildRequest checks it again). */
    private static String sha(String value, String path) {
        if (!BuildRequest.isSha(required(value, path))) {
            throw new IllegalArgumentException(path + " is not a 40-hex commit sha");
        }
        return value;
    }

    /** A payload value in a reason: escaped and cut short, since reasons reach logs, pages and GitHub's delivery log. */
    private static String shown(String value) {
        return Printable.clipped(value, SHOWN_MAX);
    }

    private static String text(JsonNode node, String... path) {
        JsonNode n = node;
        for (String p : path) {
            n = n.path(p);
        }
        return n.isTextual() ? n.asText() : null;
    }
}
