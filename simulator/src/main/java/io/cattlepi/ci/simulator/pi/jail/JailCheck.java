package io.cattlepi.ci.simulator.pi.jail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Decides, before any Pi starts, whether simulated Pis can be jailed here; a rack refuses to start
 * otherwise, because a simulated Pi never runs its commands on the host.
 */
public final class JailCheck {
    private static final List<String> TOOLS = List.of("bwrap", "nsenter", "unshare", "setpriv", "env", "mkfifo", "cp");

    private JailCheck() {
    }

    /** Boots a throw-away Pi in {@code scratch} and runs one command in it; throws saying what is missing. */
    public static void require(Path scratch) throws IOException {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!Integer.valueOf(0).equals(uid)) {
            throw refused("the simulator runs as uid " + uid + ", and only root can map a Pi's root and pi users"
                    + " (uid_map of " + PiRoot.ID_COUNT + " ids) onto unprivileged host ids; run it as root");
        }
        for (String tool : TOOLS) {
            if (!onPath(tool)) {
                throw refused("`" + tool + "` is not installed (Debian: " + (tool.equals("bwrap") ? "bubblewrap" : "util-linux")
                        + ")");
            }
        }
        PiRoot root = PiRoot.create(scratch, "jail-check");
        try (PiKernel kernel = bootTrial(root)) {
            List<String> argv = kernel.enter(PiRoot.PI_UID, "/home/pi", Map.of("PATH", "/usr/bin:/bin"), List.of("id", "-u"));
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw refused("a command in the trial Pi did not finish");
            }
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (p.exitValue() != 0 || !out.equals(Integer.toString(PiRoot.PI_UID))) {
                throw refused("a command in the trial Pi failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static PiKernel bootTrial(PiRoot root) throws IOException {
        root.writeKernel("console=tty1", java.util.UUID.randomUUID().toString());
        try {
            return PiKernel.boot(root, "jail-check", line -> { }, Duration.ofSeconds(20));
        } catch (IOException e) {
            throw refused(e.getMessage());
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static IOException refused(String why) {
        return new IOException("cannot jail simulated Pis, so none is started (a simulated Pi never runs commands on"
                + " the host): " + why);
    }
}
