package io.cattlepi.ci.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.OptionalInt;

/**
 * Which host user a build runs as. When the controller is root, each running build gets a user
 * of its own from a high, otherwise unused range: it owns nothing of the host, cannot signal the
 * controller or another build, and RLIMIT_NPROC counts only its processes. When the controller is
 * not root (the systemd unit's user), builds run as that user, kept apart by the sandbox's mounts
 * and PID namespace alone.
 */
final class BuildUsers {
    /** 0x70000000: far above login users, systemd's dynamic users and the usual subordinate ranges. */
    static final int FIRST_UID = 0x70000000;
    private static final int RANGE = 256;

    /**
     * One for the whole process: a front end may start several sandboxes (the Jenkins plugin, one per
     * Pi cloud), and two cells must never share a host user.
     */
    private static final BuildUsers THIS_PROCESS = new BuildUsers(effectiveUid() == 0);

    private final boolean root;
    private final BitSet taken = new BitSet(RANGE);

    BuildUsers(boolean root) {
        this.root = root;
    }

    static BuildUsers forThisProcess() {
        return THIS_PROCESS;
    }

    boolean switchesUser() {
        return root;
    }

    /** A free build user, or empty when not root (or, absurdly, all 256 are running). */
    synchronized OptionalInt acquire() {
        if (!root) {
            return OptionalInt.empty();
        }
        int i = taken.nextClearBit(0);
        if (i >= RANGE) {
            throw new IllegalStateException("more than " + RANGE + " builds at once");
        }
        taken.set(i);
        return OptionalInt.of(FIRST_UID + i);
    }

    synchronized void release(OptionalInt uid) {
        uid.ifPresent(u -> taken.clear(u - FIRST_UID));
    }

    /** Command words that run the rest as {@code uid} with no supplementary groups and no capabilities. */
    static List<String> runAs(OptionalInt uid) {
        if (uid.isEmpty()) {
            return List.of();
        }
        String u = Integer.toString(uid.getAsInt());
        return List.of("setpriv", "--reuid=" + u, "--regid=" + u, "--clear-groups", "--inh-caps=-all", "--");
    }

    static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.split("\\s+")[2]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no user switch
        }
        return -1;
    }
}
