package io.cattlepi.ci.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How builds are isolated and bounded.
 *
 * @param kind           bubblewrap, or off (explicitly, with a warning everywhere)
 * @param maxProcesses   processes a build may have at once
 * @param maxMemoryBytes memory a build may use (all its processes together where a cgroup is available)
 * @param hidden         the controller's own files and folders (config file, store, workspaces): never shown to
 *                       a build, even where they lie under a folder the sandbox shows
 */
public record SandboxSettings(SandboxKind kind, int maxProcesses, long maxMemoryBytes, List<Path> hidden) {
    public static final int DEFAULT_MAX_PROCESSES = 1024;
    public static final long MIB = 1024L * 1024;
    public static final int MIN_PROCESSES = 16;
    public static final long MIN_MEMORY = 64 * MIB;

    public SandboxSettings {
        Objects.requireNonNull(kind, "kind");
        if (maxProcesses < MIN_PROCESSES) {
            throw new IllegalArgumentException("a build needs at least 16 processes, got " + maxProcesses);
        }
        if (maxMemoryBytes < MIN_MEMORY) {
            throw new IllegalArgumentException("a build needs at least 64 MiB, got " + maxMemoryBytes / MIB + " MiB");
        }
        hidden = List.copyOf(hidden);
    }

    /** Half of this machine's memory: the controller and the system keep the rest. */
    public static long defaultMaxMemory() {
        long total = physicalMemory();
        return Math.max(256 * MIB, total / 2);
    }

    private static long physicalMemory() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 2048 * MIB;
    }

    public SandboxSettings withHidden(List<Path> paths) {
        return new SandboxSettings(kind, maxProcesses, maxMemoryBytes, paths);
    }
}
