package io.cattlepi.ci.engine;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.report.BuildPublisher;
import io.cattlepi.ci.report.FolderPublisher;
import io.cattlepi.ci.report.ReportException;
import io.cattlepi.ci.report.StatusPublisher;
import io.cattlepi.ci.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells an outsider's pull request why nothing runs yet: each waiting build gets a {@code pending}
 * status saying it waits for a maintainer's ok-to-test, linking a one-line log that says the same.
 * Posted once per build; one that could not be posted is tried again at the next pass.
 */
final class WaitingNotices {
    private static final Logger log = LoggerFactory.getLogger(WaitingNotices.class);

    private final Store store;
    private final StatusPublisher statuses;
    private final FolderPublisher publisher;
    private final StatusText text;
    private final EngineSettings settings;

    WaitingNotices(Store store, StatusPublisher statuses, FolderPublisher publisher, StatusText text,
                   EngineSettings settings) {
        this.store = store;
        this.statuses = statuses;
        this.publisher = publisher;
        this.text = text;
        this.settings = settings;
    }

    void postAll() {
        for (Build b : store.read(tx -> tx.buildsIn(BuildState.WAITING))) {
            if (b.postedStatus() == null) {
                post(b);
            }
        }
    }

    private void post(Build b) {
        try {
            Path folder = settings.workspaces().resolve(b.id());
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(BuildPublisher.LOG_NAME), "build " + b.id() + " of " + b.ref() + " is "
                    + b.description() + " (a maintainer adds the ok-to-test label; a new push needs it again)\n",
                    StandardCharsets.UTF_8);
            publisher.publish(b.id(), folder);
            statuses.post(b.repository(), b.sha(), text.pending(b, b.description()));
            store.write(tx -> {
                tx.build(b.id()).filter(now -> now.state() == BuildState.WAITING)
                        .ifPresent(now -> tx.putBuild(now.withPostedStatus("pending")));
                return null;
            });
        } catch (IOException | ReportException e) {
            log.warn("build {}: the waiting status is not posted yet: {}", b.id(), e.getMessage());
        }
    }
}
