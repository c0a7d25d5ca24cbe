package io.cattlepi.ci.build.run;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.WorkOutcome;
import io.cattlepi.ci.sandbox.BuildCell;
import io.cattlepi.ci.worker.Worker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Port: more work once a build's steps passed, in the same cell and lease (the boot-test battery).
 * It reports on its own; it may only mark the build's outcome {@code piSuspect} (the Pi was left in
 * doubt) or replace it by why the build was stopped.
 */
@FunctionalInterface
public interface AfterSteps {
    AfterSteps NONE = passed -> passed.outcome();

    WorkOutcome run(Passed passed) throws IOException, InterruptedException;

    /**
     * A build whose steps passed, with what its cell gives.
     *
     * @param env          the steps' environment (the agent, the SSH config pinning the Pi's key)
     * @param log          the build's log
     * @param folder       the build's folder (published with the log)
     * @param stopped      the build was cancelled, or its Pi's host key changed without a reboot
     * @param stoppedOutcome why, as the build's outcome
     * @param repin        looks at the Pi now and pins a new boot's host key for the build's SSH
     * @param outcome      the steps' outcome
     */
    record Passed(Build build, Worker pi, BuildCell cell, Map<String, String> env, BuildLog log, Path folder,
                  BooleanSupplier stopped, Supplier<WorkOutcome> stoppedOutcome, Runnable repin, WorkOutcome outcome) {
    }
}
