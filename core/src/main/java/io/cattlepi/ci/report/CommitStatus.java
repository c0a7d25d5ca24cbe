package io.cattlepi.ci.report;

import java.util.Objects;

/**
 * One GitHub commit status.
 *
 * @param targetUrl   link shown on the pull request (the build's logs), or null
 */
public record CommitStatus(CommitState state, String context, String description, String targetUrl) {
    public CommitStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(context, "context");
        description = description == null ? "" : description.length() > 140 ? description.substring(0, 139) + "…" : description;
    }
}
