package io.cattlepi.ci.intake;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the message of every unfinished build invisible (queued, running, or still owing its final
 * status), always with the latest receipt handle the store has. A handle the queue no longer
 * accepts is noted; the message then reappears, and admission adopts its new handle by message id.
 * Run at a fraction of the visibility timeout.
 */
public final class VisibilityHeartbeat implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(VisibilityHeartbeat.class);

    private final Store store;
    private final WorkQueue queue;
    private final Duration timeout;

    public VisibilityHeartbeat(Store store, WorkQueue queue, Duration timeout) {
        this.store = store;
        this.queue = queue;
        this.timeout = timeout;
    }

    @Override
    public void run() {
        List<Build> held = store.read(tx -> tx.buildsIn(BuildState.QUEUED, BuildState.SCHEDULED, BuildState.RUNNING,
                BuildState.FINISHING)).stream()
                .filter(b -> b.messageId() != null && b.receiptHandle() != null && !b.messageDeleted())
                .toList();
        for (Build b : held) {
            try {
                queue.extendVisibility(b.receiptHandle(), timeout);
            } catch (QueueException e) {
                if (!e.staleHandle()) {
                    log.warn("visibility heartbeat stopped this round: {}", e.getMessage());
                    return;
                }
                log.info("build {}: receipt handle expired; its message is adopted again when redelivered", b.id());
                store.write(tx -> {
                    tx.append(Event.BUILD, b.id(), "handle-expired",
                            "receipt handle no longer valid; waiting for the message's redelivery");
                    return null;
                });
            }
        }
    }
}
