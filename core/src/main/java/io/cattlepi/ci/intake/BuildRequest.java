package io.cattlepi.ci.intake;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to build, parsed and validated from a GitHub delivery: nothing in here is raw payload text.
 *
 * @param repository {@code owner/name}
 * @param sha        the 40-hex commit to build
 * @param ref        {@code refs/heads/...} for a push, {@code refs/pull/N/head} for a pull request
 * @param prNumber   the pull request number, or null for a push
 * @param cloneUrl   where to clone from (https or a local path in tests)
 * @param event      GitHub event name: {@code pull_request} or {@code push}
 * @param deliveryId GitHub's {@code X-GitHub-Delivery}, or null when the message did not carry it
 * @param approval   whether a maintainer must approve it before it runs
 */
public record BuildRequest(String repository, String sha, String ref, Integer prNumber, String cloneUrl,
                           String event, String deliveryId, Approval approval) {
    /** Pull requests of outsiders run only once a maintainer says so. */
    public enum Approval {
        /** A push, or a pull request of a trusted author. */
        NOT_NEEDED,
        /** A pull request of an outsider: stored, waiting for the ok-to-test label. */
        NEEDED,
        /** The ok-to-test label was added: this head may run. */
        GIVEN
    }

    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");

    public BuildRequest {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(sha, "sha");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(approval, "approval");
        if (!SHA.matcher(sha).matches()) {
            throw new IllegalArgumentException("sha is not 40 lowercase hex digits");
        }
        if (!REPOSITORY.matcher(repository).matches()) {
            throw new IllegalArgumentException("repository is not owner/name");
        }
    }

    public BuildRequest(String repository, String sha, String ref, Integer prNumber, String cloneUrl, String event,
                        String deliveryId) {
        this(repository, sha, ref, prNumber, cloneUrl, event, deliveryId, Approval.NOT_NEEDED);
    }

    public static boolean isSha(String s) {
        return s != null && SHA.matcher(s).matches();
    }
}
