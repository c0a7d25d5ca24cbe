package io.cattlepi.ci.build.run;

import java.time.Duration;
import java.util.List;

/**
 * How one process ended.
 *
 * @param exitCode the process's exit code, or -1 when it was killed
 */
public record StepResult(List<String> argv, int exitCode, boolean timedOut, boolean cancelled, Duration took) {
    public boolean ok() {
        return exitCode == 0 && !timedOut && !cancelled;
    }

    /** The same result named by the command the build asked for (not the sandbox's wrapping of it). */
    public StepResult as(List<String> command) {
        return new StepResult(List.copyOf(command), exitCode, timedOut, cancelled, took);
    }

    public String commandLine() {
        return String.join(" ", argv);
    }
}
