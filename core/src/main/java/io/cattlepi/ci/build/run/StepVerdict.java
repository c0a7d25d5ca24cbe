package io.cattlepi.ci.build.run;

import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.PiWatch;
import io.cattlepi.ci.build.WorkOutcome;
import io.cattlepi.ci.worker.Worker;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Judges a finished step beyond its exit code. A failure is the commit's only when nothing else
 * explains it: a workspace out of space is the controller's (error, "no space left on device"),
 * an "unreachable" claim about a Pi that does not answer the controller either is the Pi's
 * (error); a step that exited 0 fails when its output matches a failure rule or lacks a required
 * success line, and the description quotes the line.
 */
final class StepVerdict {
    /** Below this, a failed step is taken to have run out of space rather than to have failed. */
    static final long LOW_SPACE = 16L * 1024 * 1024;

    private final PiWatch watch;

    StepVerdict(PiWatch watch) {
        this.watch = watch;
    }

    /** Empty when the step passed. */
    Optional<WorkOutcome> judge(StepResult r, ResultRules.Watch output, Worker pi, Path work) {
        if (!r.ok()) {
            return Optional.of(diskFull(work).orElse(new WorkOutcome(BuildResult.FAILURE, "step `" + r.commandLine()
                    + "` failed with exit code " + r.exitCode(), false)));
        }
        Optional<ResultRules.Match> failed = output.failure();
        if (failed.isPresent()) {
            ResultRules.Match m = failed.get();
            if (m.unreachable() && !watch.alive(pi)) {
                return Optional.of(new WorkOutcome(BuildResult.ERROR, "Pi " + pi.id() + " does not answer the"
                        + " controller either (the recipe said: " + m.quoted() + ")", true));
            }
            return Optional.of(new WorkOutcome(BuildResult.FAILURE, m.quoted() + " (`" + r.commandLine()
                    + "` exited 0; rule: " + m.rule() + ")", false));
        }
        if (output.successMissing()) {
            return Optional.of(new WorkOutcome(BuildResult.FAILURE, "`" + r.commandLine()
                    + "` exited 0 but printed none of the required success lines", false));
        }
        return Optional.empty();
    }

    /** The controller's fault, not the commit's: the workspace's file system is (nearly) full. */
    Optional<WorkOutcome> diskFull(Path work) {
        try {
            Path existing = work;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return Optional.empty();
            }
            FileStore store = Files.getFileStore(existing);
            long free = store.getUsableSpace();
            if (free < LOW_SPACE) {
                return Optional.of(new WorkOutcome(BuildResult.ERROR, "no space left on device for the build's workspace ("
                        + store + ": " + free / 1024 + " KiB free)", false));
            }
        } catch (IOException e) {
            // cannot tell: the step's own failure stands
        }
        return Optional.empty();
    }
}
