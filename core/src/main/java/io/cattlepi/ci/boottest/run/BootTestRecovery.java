package io.cattlepi.ci.boottest.run;

import io.cattlepi.ci.boottest.BootTestRecord;
import io.cattlepi.ci.retry.Backoff;
import io.cattlepi.ci.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What batteries cut short by a crash left behind, cleared once the engine has repaired the store:
 * the images still published and the controller's copies of them, and the device configs still
 * pointing at them, put back at once (a Pi boot-looping on a corrupt image answers no reset, so
 * this cannot wait for one), then retried with back-off while the CattlePi API fails.
 */
public final class BootTestRecovery {
    private static final Logger log = LoggerFactory.getLogger(BootTestRecovery.class);

    private final Store store;
    private final PendingRestores restores;
    private final ImageShelf shelf;
    private final Path stagingDir;
    private final Backoff backoff = Backoff.exponential(Duration.ofSeconds(5), Duration.ofMinutes(5));

    public BootTestRecovery(Store store, PendingRestores restores, ImageShelf shelf, Path stagingDir) {
        this.store = store;
        this.restores = restores;
        this.shelf = shelf;
        this.stagingDir = stagingDir;
    }

    /** Call after the engine started (its reconciler ended the batteries a crash cut short), before any new one. */
    public void start(ScheduledExecutorService timer) {
        deleteStaging();
        // The rest calls out (S3, the CattlePi API): on the timer, so a slow API never holds the start-up.
        timer.execute(() -> {
            withdrawLeftovers();
            sweep(timer, 0);
        });
    }

    private void withdrawLeftovers() {
        for (BootTestRecord r : store.read(tx -> tx.bootTestsHoldingImages())) {
            shelf.withdraw(r.buildId(), r.imageRef());
            store.write(tx -> {
                tx.bootTest(r.buildId()).ifPresent(now -> tx.putBootTest(now.withImageRef(null)));
                return null;
            });
        }
    }

    private void sweep(ScheduledExecutorService timer, int attempt) {
        int left = restores.restoreAll();
        if (left == 0) {
            return;
        }
        Duration delay = backoff.delay(attempt);
        log.warn("{} boot tests' device configs are not restored yet; retrying in {} s", left, delay.toSeconds());
        try {
            timer.schedule(() -> sweep(timer, attempt + 1), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("stopping; the configs are restored at the next start or before the Pis' resets");
        }
    }

    /** No battery runs before the engine: every copy of images found is a crashed battery's. */
    private void deleteStaging() {
        if (!Files.isDirectory(stagingDir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(stagingDir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).filter(f -> !f.equals(stagingDir)).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            log.warn("cannot clear {}: {}", stagingDir, e.getMessage());
        }
    }
}
