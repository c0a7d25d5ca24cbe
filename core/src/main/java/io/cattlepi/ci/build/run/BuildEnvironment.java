package io.cattlepi.ci.build.run;

import io.cattlepi.ci.sandbox.BuildCell;
import io.cattlepi.ci.secret.Redactor;
import io.cattlepi.ci.worker.Worker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a build's processes see: an allow-list of the controller's variables (never its whole
 * environment, which holds AWS and GitHub credentials in production), the cell's private
 * {@code HOME} and {@code TMPDIR}, the agent that holds the Pis' key, and where the leased Pi is.
 * Pull-request code runs here, so nothing else goes in.
 */
public final class BuildEnvironment {
    /** Passed through from the controller when set: what tools need to find binaries and speak a locale. */
    static final List<String> ALLOWED = List.of("PATH", "LANG", "LC_ALL", "TZ", "TERM");

    private BuildEnvironment() {
    }

    /**
     * The environment of git and of every step.
     *
     * @param passthrough more of the controller's variables to pass (proxies, package mirrors);
     *                    a value holding a secret of the config is never passed
     */
    public static Map<String, String> of(Map<String, String> controllerEnv, BuildCell cell, Worker pi, String user,
                                         List<String> passthrough, Redactor redactor) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(ALLOWED);
        names.addAll(passthrough);
        for (String name : names) {
            String v = controllerEnv.get(name);
            if (v != null && !redactor.reveals(v)) {
                env.put(name, v);
            }
        }
        env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.putAll(cell.environment());
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
