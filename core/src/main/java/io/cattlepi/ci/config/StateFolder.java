package io.cattlepi.ci.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the store and the build folders go when the config does not say ({@code store_path},
 * {@code workspace_dir}): the folder systemd gives the unit ({@code StateDirectory=cattlepi-ci}
 * sets {@code STATE_DIRECTORY=/var/lib/cattlepi-ci}; the installed launcher sets it too when that
 * folder exists), else the user's data folder ({@code $XDG_DATA_HOME/cattlepi-ci} or
 * {@code ~/.local/share/cattlepi-ci}: a source checkout, the demo).
 */
public final class StateFolder {
    public static final String STORE_NAME = "cattlepi-ci.db";

    private StateFolder() {
    }

    /** The default folder for this process. */
    public static Path current() {
        return of(System.getenv(), System.getProperty("user.home"));
    }

    static Path of(Map<String, String> env, String userHome) {
        String state = env.get("STATE_DIRECTORY");
        if (state != null && !state.isBlank()) {
            return Path.of(state.split(":")[0]); // systemd lists one folder per StateDirectory=
        }
        return userData(env, userHome);
    }

    /** The user's data folder: the default before the unit had a state folder, so also where an older install's store is. */
    public static Path userData(Map<String, String> env, String userHome) {
        String xdg = env.get("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(userHome, ".local", "share");
        return base.resolve("cattlepi-ci");
    }
}
