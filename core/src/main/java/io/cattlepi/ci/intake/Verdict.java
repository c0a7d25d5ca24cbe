package io.cattlepi.ci.intake;

import java.util.Objects;

/**
 * What intake makes of one delivery.
 *
 * @param request the build to run, only when accepted
 * @param closed  the pull request whose builds end, only when closed
 * @param reason  why it was accepted, ignored or found invalid (for the audit trail and the HTTP answer)
 */
public record Verdict(Kind kind, BuildRequest request, ClosedPullRequest closed, String reason) {
    public enum Kind {
        /** Build it. */
        ACCEPTED,
        /** A well-formed delivery we do not build (closed PR, tag push, other repository...). */
        IGNORED,
        /** Not a usable delivery (missing or malformed fields). */
        INVALID,
        /** A pull request was closed: its builds that have not ended are cancelled. */
        CLOSED
    }

    /** A closed pull request: the repository as configured, and its number. */
    public record ClosedPullRequest(String repository, int number) {
        public ClosedPullRequest {
            Objects.requireNonNull(repository, "repository");
            if (number <= 0) {
                throw new IllegalArgumentException("a pull request number is positive");
            }
        }
    }

    public Verdict {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        if ((kind == Kind.ACCEPTED) != (request != null)) {
            throw new IllegalArgumentException("a request goes with, and only with, an accepted verdict");
        }
        if ((kind == Kind.CLOSED) != (closed != null)) {
            throw new IllegalArgumentException("a closed pull request goes with, and only with, a closed verdict");
        }
    }

    public static Verdict accepted(BuildRequest request, String reason) {
        return new Verdict(Kind.ACCEPTED, request, null, reason);
    }

    public static Verdict ignored(String reason) {
        return new Verdict(Kind.IGNORED, null, null, reason);
    }

    public static Verdict invalid(String reason) {
        return new Verdict(Kind.INVALID, null, null, reason);
    }

    public static Verdict closed(String repository, int number) {
        return new Verdict(Kind.CLOSED, null, new ClosedPullRequest(repository, number),
                "pull request #" + number + " closed");
    }

    public boolean accepted() {
        return kind == Kind.ACCEPTED;
    }
}
