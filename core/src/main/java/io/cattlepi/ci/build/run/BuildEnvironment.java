package io.cattlepi.ci.build.run;

import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.worker.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a build's processes see: an allow-list of the controller's variables (never its whole
 * environment, which holds AWS and GitHub credentials in production), a private {@code HOME}
 * with only the Pis' SSH key, and where the leased Pi is. Pull-request code runs here, so
 * nothing else goes in.
 */
public final class BuildEnvironment {
    /** Passed through from the controller when set: what tools need to find binaries and speak a locale. */
    static final List<String> ALLOWED = List.of("PATH", "LANG", "LC_ALL", "TZ", "TERM");

    private BuildEnvironment() {
    }

    /**
     * Creates {@code home/.ssh/id_rsa} (mode 600) from the Pis' private key, and an empty
     * {@code known_hosts}: the Pi presents a new host key after every reboot (CattlePi's own recipes
     * turn checking off for that reason); the controller's probes guard the Pi's identity.
     */
    public static void prepareHome(Path home, Secret piKey) throws IOException {
        Path ssh = home.resolve(".ssh");
        Files.createDirectories(ssh);
        Path key = ssh.resolve("id_rsa");
        Files.writeString(key, piKey.reveal().endsWith("\n") ? piKey.reveal() : piKey.reveal() + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system; ssh may then refuse the key, which the log will show
        }
        Files.writeString(ssh.resolve("known_hosts"), "");
    }

    /** The environment of git and of every step. */
    public static Map<String, String> of(Map<String, String> controllerEnv, Path home, Worker pi, String user) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : ALLOWED) {
            String v = controllerEnv.get(name);
            if (v != null) {
                env.put(name, v);
            }
        }
        env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", home.toString());
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        // No ext:: or fd:: transports: a URL can never make git run a command.
        env.put("GIT_ALLOW_PROTOCOL", "file:git:http:https:ssh");
        if (pi != null) {
            env.put("BUILDER_NODE", pi.host());
            env.put("BUILDER_PORT", Integer.toString(pi.port()));
            env.put("BUILDER_USER", user);
        }
        return env;
    }
}
