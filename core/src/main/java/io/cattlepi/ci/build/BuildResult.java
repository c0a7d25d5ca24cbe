package io.cattlepi.ci.build;

import java.util.Locale;

/** A finished build's outcome, named as GitHub's commit status states. */
public enum BuildResult {
    SUCCESS, FAILURE, ERROR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BuildResult fromWire(String name) {
        return name == null ? null : valueOf(name.toUpperCase(Locale.ROOT));
    }

    /**
     * A Jenkins run's result by name: SUCCESS passes; UNSTABLE and FAILURE are the code's fault;
     * ABORTED, NOT_BUILT or none mean the build did not finish, which GitHub calls error.
     */
    public static BuildResult ofRunResult(String jenkinsResult) {
        if (jenkinsResult == null) {
            return ERROR;
        }
        return switch (jenkinsResult) {
            case "SUCCESS" -> SUCCESS;
            case "UNSTABLE", "FAILURE" -> FAILURE;
            default -> ERROR;
        };
    }
}
