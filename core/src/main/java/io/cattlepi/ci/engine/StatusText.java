package io.cattlepi.ci.engine;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.report.CommitState;
import io.cattlepi.ci.report.CommitStatus;
import io.cattlepi.ci.report.FolderPublisher;
import java.util.function.Function;

/** What a build's commit statuses say and link to. */
final class StatusText {
    private final EngineSettings settings;
    private final FolderPublisher publisher;
    private final Function<Build, String> link;

    StatusText(EngineSettings settings, FolderPublisher publisher) {
        this(settings, publisher, null);
    }

    /** @param link the status link when a front end (Jenkins) shows the build itself, or null */
    StatusText(EngineSettings settings, FolderPublisher publisher, Function<Build, String> link) {
        this.settings = settings;
        this.publisher = publisher;
        this.link = link;
    }

    String targetUrl(Build b) {
        String own = link == null ? null : link.apply(b);
        if (own != null) {
            return own;
        }
        if (settings.publicUrl() != null && !settings.publicUrl().isBlank()) {
            String base = settings.publicUrl().replaceAll("/+$", "");
            return base + "/builds/" + b.id();
        }
        return publisher.indexUrl(b.id());
    }

    CommitStatus pending(Build b) {
        return pending(b, "Building on " + b.workerId());
    }

    CommitStatus pending(Build b, String description) {
        return new CommitStatus(CommitState.PENDING, settings.statusContext(), description, targetUrl(b));
    }

    CommitStatus finalStatus(Build b) {
        return new CommitStatus(CommitState.of(b.result()), settings.statusContext(), b.description(), targetUrl(b));
    }
}
