package io.cattlepi.ci.engine;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.report.CommitStatus;
import io.cattlepi.ci.report.FolderPublisher;

/** What a build's commit statuses say and link to. */
final class StatusText {
    private final EngineSettings settings;
    private final FolderPublisher publisher;

    StatusText(EngineSettings settings, FolderPublisher publisher) {
        this.settings = settings;
        this.publisher = publisher;
    }

    String targetUrl(Build b) {
        if (settings.publicUrl() != null && !settings.publicUrl().isBlank()) {
            String base = settings.publicUrl().replaceAll("/+$", "");
            return base + "/builds/" + b.id();
        }
        return publisher.indexUrl(b.id());
    }

    CommitStatus pending(Build b) {
        return new CommitStatus("pending", settings.statusContext(), "Building on " + b.workerId(), targetUrl(b));
    }

    CommitStatus finalStatus(Build b) {
        return new CommitStatus(b.result().wireName(), settings.statusContext(), b.description(), targetUrl(b));
    }
}
