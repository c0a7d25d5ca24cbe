package io.cattlepi.ci.build;

import io.cattlepi.ci.build.BuildResult;
import java.util.Objects;

/**
 * How a build's work ended.
 *
 * @param piSuspect the Pi may be in any state (timed out, killed mid-flash): probe it before reuse
 */
public record WorkOutcome(BuildResult result, String description, boolean piSuspect) {
    public WorkOutcome {
        Objects.requireNonNull(result, "result");
        description = description == null ? "" : description;
    }

    public static WorkOutcome error(String why) {
        return new WorkOutcome(BuildResult.ERROR, why, true);
    }
}
