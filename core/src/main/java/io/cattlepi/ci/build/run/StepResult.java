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

    public String commandLine() {
        return String.join(" ", argv);
    }
}
