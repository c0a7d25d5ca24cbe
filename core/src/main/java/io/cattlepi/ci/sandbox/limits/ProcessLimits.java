package io.cattlepi.ci.sandbox.limits;

import java.util.List;
import java.util.Optional;

/**
 * The fallback without a cgroup: {@code prlimit} sets RLIMIT_NPROC and RLIMIT_AS on the build's
 * first process, and its children inherit them. What they do not cover: RLIMIT_NPROC counts every
 * process of the build's user (when the controller is not root, its own threads too, so the build
 * gets fewer); RLIMIT_AS bounds each process's address space, not the build's total; and which
 * limit a failing build hit is not known, so its failure is reported as the recipe's.
 */
final class ProcessLimits implements BuildLimits {
    private final int maxProcesses;
    private final long maxMemoryBytes;

    ProcessLimits(int maxProcesses, long maxMemoryBytes) {
        this.maxProcesses = maxProcesses;
        this.maxMemoryBytes = maxMemoryBytes;
    }

    @Override
    public List<String> prefix() {
        return List.of("prlimit", "--nproc=" + maxProcesses, "--as=" + maxMemoryBytes, "--");
    }

    @Override
    public Optional<String> exceeded() {
        return Optional.empty();
    }

    @Override
    public String describe() {
        return "per-process limits (no cgroup here): " + maxProcesses + " processes of its user, "
                + maxMemoryBytes / (1024 * 1024) + " MiB of address space per process";
    }

    @Override
    public void close() {
    }
}
