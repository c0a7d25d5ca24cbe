package io.cattlepi.ci.boottest.run;

import io.cattlepi.ci.build.run.AfterSteps;
import io.cattlepi.ci.build.run.StepOutput;
import io.cattlepi.ci.build.run.StepResult;
import io.cattlepi.ci.build.run.StepRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The battery's SSH to the build's Pi, from inside the build's cell: the same agent, SSH config and
 * pinned host key as the recipe's own {@code ssh}, so the battery trusts the Pi exactly as the
 * build does. Argument lists only; remote command lines are the controller's constants or names
 * checked to be plain.
 */
final class CellShell {
    private final StepRunner runner;
    private final AfterSteps.Passed build;

    CellShell(StepRunner runner, AfterSteps.Passed build) {
        this.runner = runner;
        this.build = build;
    }

    /** Runs {@code remote} on the Pi as its SSH user. */
    StepResult ssh(String remote, Duration timeout, StepOutput out) throws IOException, InterruptedException {
        return run(List.of("ssh", "-o", "LogLevel=ERROR", build.pi().host(), remote), timeout, out);
    }

    /** Copies files of the checkout (paths relative to it) into a folder of the Pi, modes kept. */
    StepResult copy(List<String> relativePaths, String remoteDir, Duration timeout, StepOutput out)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("scp", "-q", "-p", "-o", "LogLevel=ERROR"));
        // "./" first: a file name never reads as an option.
        relativePaths.forEach(p -> argv.add("./" + p));
        argv.add(build.pi().host() + ":" + remoteDir + "/");
        return run(argv, timeout, out);
    }

    private StepResult run(List<String> argv, Duration timeout, StepOutput out) throws IOException, InterruptedException {
        return runner.run(build.cell().command(argv, build.cell().src()), build.cell().src(), build.env(), timeout, out,
                "test", build.stopped()).as(argv);
    }
}
