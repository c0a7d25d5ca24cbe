package io.jenkins.plugins.cattlepi.cloud;

import io.cattlepi.ci.rack.Rack;
import io.cattlepi.ci.rack.RackSettings;
import io.cattlepi.ci.store.Store;
import io.jenkins.plugins.cattlepi.lifecycle.PluginThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;

/**
 * The running rack of each Pi cloud, kept across configuration saves: a cloud saved with the same
 * rack settings keeps its rack; changed settings close the old one and start a new one on the same
 * store, so leases survive both a save and a restart.
 */
public final class RackRuntimes {
    /** Holder names: nodes are {@code jenkins:node:<name>}, steps {@code jenkins:step:<run>:<id>}. */
    public static final String HOLDERS = "jenkins:";
    private static final Logger LOG = Logger.getLogger(RackRuntimes.class.getName());
    private static final Map<String, Running> RUNNING = new ConcurrentHashMap<>();
    private static final Set<String> STARTING = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService STARTS = PluginThreads.serial("rack starts");

    private record Running(String fingerprint, Store store, Rack rack) {
    }

    private RackRuntimes() {
    }

    /** The cloud's rack, started or restarted as needed. */
    public static synchronized Rack of(PiCloud cloud) {
        String fingerprint = cloud.rackFingerprint();
        Running now = RUNNING.get(cloud.name);
        if (now != null && now.fingerprint().equals(fingerprint)) {
            return now.rack(); // every provisioning pass comes here: no credential lookup or key parsing
        }
        RackSettings settings = cloud.rackSettings();
        if (now != null) {
            LOG.info("Pi cloud " + cloud.name + ": settings changed, restarting its rack");
            close(now);
        }
        Store store = Store.open(storePath(cloud.name), Clock.systemUTC());
        try {
            Rack rack = Rack.start(store, settings, (before, after) -> { });
            RUNNING.put(cloud.name, new Running(fingerprint, store, rack));
            return rack;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * The cloud's rack if it runs with the cloud's current settings; otherwise it is started on the
     * plugin's thread and the caller gets none this time. For provisioning, which runs on Jenkins'
     * shared Timer (NodeProvisioner.NodeProvisionerInvoker is a PeriodicWork), where opening a store
     * and starting SSH clients does not belong; the next pass, seconds later, finds the rack running.
     */
    public static Optional<Rack> current(PiCloud cloud) {
        Running now = RUNNING.get(cloud.name);
        if (now != null && now.fingerprint().equals(cloud.rackFingerprint())) {
            return Optional.of(now.rack());
        }
        if (STARTING.add(cloud.name)) {
            STARTS.execute(() -> {
                try {
                    of(cloud);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Pi cloud " + cloud.name + " cannot start its rack: " + e.getMessage());
                } finally {
                    STARTING.remove(cloud.name);
                }
            });
        }
        return Optional.empty();
    }

    /** The cloud's rack if it is running (termination must not start one). */
    public static Optional<Rack> running(String cloudName) {
        return Optional.ofNullable(RUNNING.get(cloudName)).map(Running::rack);
    }

    public static synchronized void stopAll() {
        RUNNING.values().forEach(RackRuntimes::close);
        RUNNING.clear();
    }

    private static void close(Running r) {
        try {
            r.rack().close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing a rack failed", e);
        }
        r.store().close();
    }

    static Path storePath(String cloudName) {
        Path dir = Jenkins.get().getRootDir().toPath().resolve("cattlepi");
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        return dir.resolve("rack-" + cloudName.replaceAll("[^A-Za-z0-9_.-]", "_") + ".db");
    }
}
