package io.cattlepi.ci.controller.cli;

import io.cattlepi.ci.config.BuildControlConfig;
import io.cattlepi.ci.config.ConfigException;
import io.cattlepi.ci.config.ConfigLoader;
import io.cattlepi.ci.config.ConfigProblem;
import io.cattlepi.ci.untrusted.Printable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Loads a config for a command: one line per problem on {@code err}, {@code FILE: $.path: what is
 * wrong}, never a stack trace, whatever the file holds.
 */
final class ConfigFile {
    private ConfigFile() {
    }

    static Optional<BuildControlConfig> load(Path file, PrintWriter err) {
        String name = Printable.of(file.toString());
        try {
            return Optional.of(ConfigLoader.load(file));
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                err.println(name + ": " + p);
            }
        } catch (RuntimeException e) {
            // A check that should have caught this did not: still one line, with what the loader knew.
            err.println(name + ": $: could not be checked (" + e.getClass().getSimpleName() + ": "
                    + Printable.clipped(String.valueOf(e.getMessage()), 200) + "); please report this");
        }
        err.flush();
        return Optional.empty();
    }
}
