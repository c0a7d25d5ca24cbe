package io.cattlepi.ci.report;

import io.cattlepi.ci.build.BuildResult;
import java.util.Locale;

/** The states GitHub allows for a commit status. */
public enum CommitState {
    PENDING, SUCCESS, FAILURE, ERROR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The final state that reports a build's result. */
    public static CommitState of(BuildResult result) {
        return switch (result) {
            case SUCCESS -> SUCCESS;
            case FAILURE -> FAILURE;
            case ERROR -> ERROR;
        };
    }

    /** @throws IllegalArgumentException naming the state when GitHub has no such state */
    public static CommitState fromWire(String name) {
        for (CommitState s : values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("not a commit status state: \"" + name + "\"");
    }
}
