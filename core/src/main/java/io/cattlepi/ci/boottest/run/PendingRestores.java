package io.cattlepi.ci.boottest.run;

import io.cattlepi.ci.boottest.BootTestRecord;
import io.cattlepi.ci.cattlepi.CattlePiApiException;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts back the device configs batteries changed, from what the store saved before each change:
 * at a battery's end, before a Pi's reset (so no Pi is reset, let alone leased, while its config
 * points at a build's images) and at start-up after a crash. One Pi's restores run one at a time,
 * each on the record as it is then, so a late restore never undoes a newer battery's change.
 */
public final class PendingRestores {
    private static final Logger log = LoggerFactory.getLogger(PendingRestores.class);

    private final Store store;
    private final DeviceConfigs configs;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public PendingRestores(Store store, DeviceConfigs configs) {
        this.store = store;
        this.configs = configs;
    }

    /** Restores what batteries left on one Pi's config; throws (and leaves it owed) when the API fails. */
    public void restore(String workerId) throws CattlePiApiException {
        for (BootTestRecord r : store.read(tx -> tx.bootTestsToRestore(workerId))) {
            restore(r.buildId(), r.workerId());
        }
    }

    /** Restores every config owed; returns how many are still owed (the API failed for them). */
    public int restoreAll() {
        int left = 0;
        for (BootTestRecord r : store.read(tx -> tx.bootTestsToRestore(null))) {
            try {
                restore(r.buildId(), r.workerId());
            } catch (CattlePiApiException | RuntimeException e) {
                log.warn("boot test of build {}: the config of {} is not restored yet: {}", r.buildId(), r.device(),
                        e.getMessage());
                left++;
            }
        }
        return left;
    }

    /** Restores one battery's change, if still owed. */
    void restore(String buildId, String workerId) throws CattlePiApiException {
        ReentrantLock lock = locks.computeIfAbsent(workerId, w -> new ReentrantLock());
        lock.lock();
        try {
            BootTestRecord r = store.read(tx -> tx.bootTest(buildId)).orElse(null);
            if (r == null || !r.restoreOwed()) {
                return;
            }
            configs.restore(r.device(), r.savedConfig());
            store.write(tx -> {
                tx.bootTest(buildId).ifPresent(now -> tx.putBootTest(now.restoredNow()));
                tx.append(Event.BUILD, buildId, "boot-test", "the CattlePi config of " + r.workerId() + " (" + r.device()
                        + ") is restored" + (r.savedConfig() == null ? " (deleted: it follows the default config again)" : ""));
                return null;
            });
        } finally {
            lock.unlock();
        }
    }

    /** For tests: what is owed now. */
    List<BootTestRecord> owed() {
        return store.read(tx -> tx.bootTestsToRestore(null));
    }
}
