package io.cattlepi.ci.controller.cli;

import io.cattlepi.ci.config.BuildControlConfig;
import io.cattlepi.ci.config.ConfigException;
import io.cattlepi.ci.config.ConfigLoader;
import io.cattlepi.ci.config.ConfigProblem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/** Loads a config for a command: one line per problem on {@code err}, never a stack trace. */
final class ConfigFile {
    private ConfigFile() {
    }

    static Optional<BuildControlConfig> load(Path file, PrintWriter err) {
        try {
            return Optional.of(ConfigLoader.load(file));
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                err.println(file + ": " + p);
            }
            err.flush();
            return Optional.empty();
        }
    }
}
