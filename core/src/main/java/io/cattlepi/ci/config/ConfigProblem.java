package io.cattlepi.ci.config;

/** One thing wrong with a config file: where ({@code $.buildcontrol.aws_ak}) and what. */
public record ConfigProblem(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
