package io.cattlepi.ci.controller.run;

import io.cattlepi.ci.autobuild.AutobuildTrigger;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.cancel.Cancellations;
import io.cattlepi.ci.controller.http.Operations;
import io.cattlepi.ci.engine.Engine;
import io.cattlepi.ci.fleet.PowerControl;
import io.cattlepi.ci.rack.RackAccess;
import io.cattlepi.ci.schedule.Placement;
import io.cattlepi.ci.report.BuildPublisher;
import io.cattlepi.ci.report.FolderPublisher;
import io.cattlepi.ci.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The operator's actions on a running engine, for the HTTP API and the CLI clients. */
final class EngineOperations implements Operations {
    private final Engine engine;
    private final AutobuildTrigger autobuild;
    private final FolderPublisher publisher;
    private final Path workspaces;
    private final java.util.List<String> warnings;
    private final RackAccess rack;
    private final Placement placement;
    private final PowerControl power;

    EngineOperations(Engine engine, AutobuildTrigger autobuild, FolderPublisher publisher, Path workspaces,
                     java.util.List<String> warnings, RackAccess rack, Placement placement, PowerControl power) {
        this.power = power;
        this.rack = rack;
        this.placement = placement;
        this.warnings = java.util.List.copyOf(warnings);
        this.engine = engine;
        this.autobuild = autobuild;
        this.publisher = publisher;
        this.workspaces = workspaces;
    }

    @Override
    public java.util.Set<String> labelsOf(String workerId) {
        return placement.labelsOf(workerId);
    }

    @Override
    public boolean approveWorkersConfig() throws Exception {
        return rack.approveWorkersConfig();
    }

    @Override
    public Worker drain(String workerId, String reason) {
        return engine.drain(workerId, reason);
    }

    @Override
    public Worker retire(String workerId, String reason) {
        return engine.retire(workerId, reason);
    }

    @Override
    public Worker undrain(String workerId) {
        return engine.undrain(workerId);
    }

    @Override
    public Worker powerCycle(String workerId, String reason) {
        return engine.powerCycle(workerId, reason);
    }

    @Override
    public boolean powerControlled(String workerId) {
        return power.power().controls(workerId);
    }

    @Override
    public Build retry(String buildId) {
        return engine.retry(buildId);
    }

    @Override
    public String cancel(String buildId, String by, String reason) {
        return engine.cancel(buildId, Cancellations.byOperator(by, reason)).name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', '-');
    }

    @Override
    public Build autobuildNow() {
        try {
            Build b = autobuild.requestNow();
            engine.wake();
            return b;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("autobuild could not start: " + e.getMessage(), e);
        }
    }

    @Override
    public java.util.List<String> warnings() {
        return warnings;
    }

    @Override
    public Optional<Path> logOf(String buildId) {
        if (!buildId.matches("[A-Za-z0-9._-]{1,100}") || buildId.matches("\\.+")) {
            return Optional.empty();
        }
        Path log = workspaces.resolve(buildId).resolve(BuildPublisher.LOG_NAME);
        return Files.isRegularFile(log) ? Optional.of(log) : Optional.empty();
    }

    @Override
    public Optional<String> publishedIndex(String buildId) {
        return Optional.of(publisher.indexUrl(buildId));
    }
}
