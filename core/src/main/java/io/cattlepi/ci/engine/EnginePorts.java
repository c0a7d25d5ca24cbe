package io.cattlepi.ci.engine;

import io.cattlepi.ci.build.BuildWork;
import io.cattlepi.ci.fleet.PowerControl;
import io.cattlepi.ci.fleet.Probe;
import io.cattlepi.ci.fleet.WorkerReset;
import io.cattlepi.ci.intake.MessageAdmission;
import io.cattlepi.ci.intake.WorkQueue;
import io.cattlepi.ci.report.FolderPublisher;
import io.cattlepi.ci.report.StatusPublisher;

/**
 * The outside world as the engine sees it: one adapter per port, so the standalone controller,
 * the demo and the Jenkins plugin wire the same engine to different things.
 *
 * @param heartbeat     keeps in-flight messages invisible; called at a fraction of the visibility timeout
 * @param workersConfig checked before and after every build
 * @param power         what may be done with the Pis' power
 */
public record EnginePorts(WorkQueue queue, MessageAdmission admission, Runnable heartbeat, StatusPublisher statuses,
                          FolderPublisher publisher, BuildWork work, Probe probe, WorkerReset reset,
                          WorkersConfigCheck workersConfig, PowerControl power) {
    /** Without power control. */
    public EnginePorts(WorkQueue queue, MessageAdmission admission, Runnable heartbeat, StatusPublisher statuses,
                       FolderPublisher publisher, BuildWork work, Probe probe, WorkerReset reset,
                       WorkersConfigCheck workersConfig) {
        this(queue, admission, heartbeat, statuses, publisher, work, probe, reset, workersConfig, PowerControl.NONE);
    }
}
