package io.cattlepi.ci.sandbox.limits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where this process may make cgroups for its builds: below its own cgroup in the {@code pids}
 * and {@code memory} hierarchies (cgroup v1), or in its own cgroup v2 subtree when the host
 * delegated it (systemd's {@code Delegate=yes}). Builds' cgroups are named after this process,
 * so two controllers (or test runs) on one host never touch each other's.
 */
final class Cgroups {
    private static final Logger log = LoggerFactory.getLogger(Cgroups.class);
    private static final Path PROC_CGROUP = Path.of("/proc/self/cgroup");
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private final boolean v2;
    /** v1: the pids and memory cgroups of this process; v2: its delegated cgroup. */
    private final List<Path> parents;

    private Cgroups(boolean v2, List<Path> parents) {
        this.v2 = v2;
        this.parents = parents;
    }

    static Optional<Cgroups> detect() {
        try {
            Map<String, Path> mine = ownCgroups();
            Optional<Cgroups> v1 = v1(mine);
            return v1.isPresent() ? v1 : v2(mine);
        } catch (IOException | RuntimeException e) {
            log.debug("no cgroups for builds: {}", e.toString());
            return Optional.empty();
        }
    }

    /** A new cgroup with the limits set, or empty when this host refuses one. */
    Optional<CgroupLimits> create(String name, int maxProcesses, long maxMemoryBytes) {
        String leaf = "cattlepi-ci-" + ProcessHandle.current().pid() + "-" + name;
        try {
            if (v2) {
                Path dir = Files.createDirectory(parents.get(0).resolve(leaf));
                Files.writeString(dir.resolve("pids.max"), Integer.toString(maxProcesses));
                Files.writeString(dir.resolve("memory.max"), Long.toString(maxMemoryBytes));
                writeIfPresent(dir.resolve("memory.swap.max"), "0");
                return Optional.of(new CgroupLimits(true, List.of(dir), maxProcesses, maxMemoryBytes));
            }
            Path pids = Files.createDirectory(parents.get(0).resolve(leaf));
            Path memory;
            try {
                memory = Files.createDirectory(parents.get(1).resolve(leaf));
            } catch (IOException e) {
                Files.deleteIfExists(pids);
                throw e;
            }
            CgroupLimits limits = new CgroupLimits(false, List.of(pids, memory), maxProcesses, maxMemoryBytes);
            try {
                Files.writeString(pids.resolve("pids.max"), Integer.toString(maxProcesses));
                Files.writeString(memory.resolve("memory.limit_in_bytes"), Long.toString(maxMemoryBytes));
                // Without this, swap would let the build run past its memory limit.
                writeIfPresent(memory.resolve("memory.memsw.limit_in_bytes"), Long.toString(maxMemoryBytes));
            } catch (IOException e) {
                limits.close();
                throw e;
            }
            return Optional.of(limits);
        } catch (IOException | RuntimeException e) {
            log.debug("cannot make a cgroup for build {}: {}", name, e.toString());
            return Optional.empty();
        }
    }

    private static void writeIfPresent(Path file, String value) {
        if (Files.exists(file)) {
            try {
                Files.writeString(file, value);
            } catch (IOException e) {
                log.debug("{} not set: {}", file, e.getMessage());
            }
        }
    }

    private static Optional<Cgroups> v1(Map<String, Path> mine) {
        Path pids = mine.get("pids");
        Path memory = mine.get("memory");
        if (pids == null || memory == null || !Files.isWritable(pids) || !Files.isWritable(memory)) {
            return Optional.empty();
        }
        return Optional.of(new Cgroups(false, List.of(pids, memory)));
    }

    /**
     * A delegated v2 cgroup can only have children with controllers when it holds no process
     * itself, so this process first moves into a leaf of its own.
     */
    private static Optional<Cgroups> v2(Map<String, Path> mine) throws IOException {
        Path own = mine.get("");
        if (own == null || !Files.isWritable(own.resolve("cgroup.subtree_control"))) {
            return Optional.empty();
        }
        String available = Files.readString(own.resolve("cgroup.controllers"));
        if (!available.contains("pids") || !available.contains("memory")) {
            return Optional.empty();
        }
        String enabled = Files.readString(own.resolve("cgroup.subtree_control"));
        if (!enabled.contains("pids") || !enabled.contains("memory")) {
            Path leaf = own.resolve("cattlepi-ci-controller");
            Files.createDirectories(leaf);
            for (String pid : Files.readAllLines(own.resolve("cgroup.procs"))) {
                Files.writeString(leaf.resolve("cgroup.procs"), pid.strip());
            }
            Files.writeString(own.resolve("cgroup.subtree_control"), "+pids +memory");
        }
        return Optional.of(new Cgroups(true, List.of(own)));
    }

    /** Controller name ("" for v2) → this process's cgroup folder. */
    private static Map<String, Path> ownCgroups() throws IOException {
        Map<String, String> paths = new HashMap<>();
        for (String line : Files.readAllLines(PROC_CGROUP)) {
            String[] f = line.split(":", 3);
            if (f.length == 3) {
                for (String controller : f[1].split(",")) {
                    paths.put(controller, f[2]);
                }
            }
        }
        Map<String, Path> out = new HashMap<>();
        for (String line : Files.readAllLines(MOUNTINFO)) {
            String[] halves = line.split(" - ", 2);
            if (halves.length < 2) {
                continue;
            }
            String[] pre = halves[0].split(" ");
            String[] post = halves[1].split(" ");
            if (pre.length < 5 || post.length < 3) {
                continue;
            }
            String root = pre[3];
            Path mountPoint = Path.of(pre[4]);
            if (post[0].equals("cgroup2")) {
                place(out, "", paths.get(""), root, mountPoint);
            } else if (post[0].equals("cgroup")) {
                for (String option : post[2].split(",")) {
                    place(out, option, paths.get(option), root, mountPoint);
                }
            }
        }
        return out;
    }

    private static void place(Map<String, Path> out, String controller, String path, String root, Path mountPoint) {
        if (path == null || !path.startsWith(root)) {
            return;
        }
        String below = path.substring(root.length()).replaceFirst("^/+", "");
        out.putIfAbsent(controller, below.isEmpty() ? mountPoint : mountPoint.resolve(below));
    }
}
