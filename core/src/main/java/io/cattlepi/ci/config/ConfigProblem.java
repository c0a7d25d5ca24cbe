package io.cattlepi.ci.config;

import io.cattlepi.ci.untrusted.Printable;

/** One thing wrong with a config file: where ({@code $.buildcontrol.aws_ak}) and what. */
public record ConfigProblem(String path, String message) {
    /** One line, whatever the message quotes from the file. */
    @Override
    public String toString() {
        return path + ": " + Printable.of(message);
    }
}
