package io.cattlepi.ci.build.run;

/** Where a step's output lines go: the build log, and the result rules watching it. */
@FunctionalInterface
public interface StepOutput {
    /** One line from {@code source} ("out", "err", "git"), without its line end. */
    void line(String source, String text);

    /** Both, in order. */
    default StepOutput and(StepOutput other) {
        return (source, text) -> {
            line(source, text);
            other.line(source, text);
        };
    }
}
