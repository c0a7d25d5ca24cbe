package io.cattlepi.ci.intake;

import java.util.Objects;

/**
 * What intake makes of one delivery.
 *
 * @param request the build to run, only when accepted
 * @param reason  why it was accepted, ignored or found invalid (for the audit trail and the HTTP answer)
 */
public record Verdict(Kind kind, BuildRequest request, String reason) {
    public enum Kind {
        /** Build it. */
        ACCEPTED,
        /** A well-formed delivery we do not build (closed PR, tag push, other repository...). */
        IGNORED,
        /** Not a usable delivery (missing or malformed fields). */
        INVALID
    }

    public Verdict {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        if ((kind == Kind.ACCEPTED) != (request != null)) {
            throw new IllegalArgumentException("a request goes with, and only with, an accepted verdict");
        }
    }

    public static Verdict accepted(BuildRequest request, String reason) {
        return new Verdict(Kind.ACCEPTED, request, reason);
    }

    public static Verdict ignored(String reason) {
        return new Verdict(Kind.IGNORED, null, reason);
    }

    public static Verdict invalid(String reason) {
        return new Verdict(Kind.INVALID, null, reason);
    }

    public boolean accepted() {
        return kind == Kind.ACCEPTED;
    }
}
