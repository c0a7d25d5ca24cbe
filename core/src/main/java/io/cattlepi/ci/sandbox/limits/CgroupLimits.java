package io.cattlepi.ci.sandbox.limits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A build's own cgroup (one folder in v2, one per controller in v1). Its first process moves
 * itself in before it execs the build, so no child can start outside; the counters tell which
 * limit was hit.
 */
final class CgroupLimits implements BuildLimits {
    private static final Logger log = LoggerFactory.getLogger(CgroupLimits.class);
    /** Moves the shell into each cgroup named before "--", then becomes the command after it. */
    private static final String ENTER =
            "for f in \"$@\"; do shift; [ \"$f\" = -- ] && break; echo $$ > \"$f\" || exit 125; done; exec \"$@\"";
    private static final int KILL_ROUNDS = 10;
    private static final long EXIT_WAIT_MS = 2000;

    private final boolean v2;
    private final List<Path> dirs;
    private final int maxProcesses;
    private final long maxMemoryBytes;

    CgroupLimits(boolean v2, List<Path> dirs, int maxProcesses, long maxMemoryBytes) {
        this.v2 = v2;
        this.dirs = List.copyOf(dirs);
        this.maxProcesses = maxProcesses;
        this.maxMemoryBytes = maxMemoryBytes;
    }

    @Override
    public List<String> prefix() {
        List<String> out = new ArrayList<>(List.of("/bin/sh", "-c", ENTER, "enter-cgroup"));
        dirs.forEach(d -> out.add(d.resolve("cgroup.procs").toString()));
        out.add("--");
        return out;
    }

    @Override
    public Optional<String> exceeded() {
        List<String> hit = new ArrayList<>();
        if (counter(pidsDir().resolve("pids.events"), "max") > 0) {
            hit.add("its limit of " + maxProcesses + " processes");
        }
        Path memoryEvents = v2 ? memoryDir().resolve("memory.events") : memoryDir().resolve("memory.oom_control");
        if (counter(memoryEvents, "oom_kill") > 0) {
            hit.add("its memory limit of " + maxMemoryBytes / (1024 * 1024) + " MiB");
        }
        return hit.isEmpty() ? Optional.empty() : Optional.of(String.join(" and ", hit));
    }

    @Override
    public String describe() {
        return "a cgroup of its own (" + (v2 ? "v2" : "v1") + "): " + maxProcesses + " processes, "
                + maxMemoryBytes / (1024 * 1024) + " MiB";
    }

    /** Kills every process left in the cgroup (an orphan of a timed-out step), then removes it. */
    @Override
    public void close() {
        if (v2) {
            writeQuietly(dirs.get(0).resolve("cgroup.kill"), "1");
        }
        // Rounds, because a process may fork while its siblings are being killed.
        for (int round = 0; round < KILL_ROUNDS && !empty(); round++) {
            List<ProcessHandle> killed = new ArrayList<>();
            for (long pid : pids()) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    h.destroyForcibly();
                    killed.add(h);
                });
            }
            for (ProcessHandle h : killed) {
                try {
                    h.onExit().get(EXIT_WAIT_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    // counted again in the next round
                }
            }
        }
        for (Path d : dirs) {
            try {
                Files.deleteIfExists(d);
            } catch (IOException e) {
                // Busy until the last killed process is reaped; the kernel keeps it harmlessly.
                log.debug("cgroup {} not removed: {}", d, e.getMessage());
            }
        }
    }

    private static void writeQuietly(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            // older kernels: the rounds below kill one by one
        }
    }

    private boolean empty() {
        return pids().isEmpty();
    }

    /** The processes in the build's cgroup now. */
    List<Long> pids() {
        List<Long> out = new ArrayList<>();
        for (Path d : dirs) {
            try {
                for (String line : Files.readAllLines(d.resolve("cgroup.procs"))) {
                    if (!line.isBlank()) {
                        out.add(Long.parseLong(line.strip()));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // gone already
            }
        }
        return out;
    }

    private Path pidsDir() {
        return dirs.get(0);
    }

    private Path memoryDir() {
        return dirs.get(dirs.size() - 1);
    }

    private static long counter(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.strip().split("\\s+");
                if (f.length == 2 && f[0].equals(name)) {
                    return Long.parseLong(f[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no such counter here
        }
        return 0;
    }
}
