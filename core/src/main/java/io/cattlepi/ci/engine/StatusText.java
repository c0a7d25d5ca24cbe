package io.cattlepi.ci.engine;

import io.cattlepi.ci.boottest.BootTestRecord;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.report.CommitState;
import io.cattlepi.ci.report.CommitStatus;
import io.cattlepi.ci.report.FolderPublisher;
import java.util.function.Function;

/** What a build's commit statuses say and link to. */
public final class StatusText {
    private final EngineSettings settings;
    private final FolderPublisher publisher;
    private final Function<Build, String> link;

    public StatusText(EngineSettings settings, FolderPublisher publisher) {
        this(settings, publisher, null);
    }

    /** @param link the status link when a front end (Jenkins) shows the build itself, or null */
    StatusText(EngineSettings settings, FolderPublisher publisher, Function<Build, String> link) {
        this.settings = settings;
        this.publisher = publisher;
        this.link = link;
    }

    /** The build's page in the UI (with {@code public_url}), else its logs' index. */
    public String targetUrl(Build b) {
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

    /** The final status of the build's boot test, on its own context. */
    CommitStatus bootTest(Build b, BootTestRecord t) {
        return new CommitStatus(CommitState.of(t.result()), t.context(), t.description(), targetUrl(b));
    }
}
