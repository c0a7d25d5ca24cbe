package io.cattlepi.ci.sandbox.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A build's own cgroup, with real processes: the limits hold, the one that was hit is named, and
 * closing kills what the build left behind. Runs where this process may make cgroups (CI runs as
 * root); elsewhere it says so.
 */
class BuildLimitsTest {
    private static final long MIB = 1024 * 1024;

    @BeforeEach
    void cgroupsHere() {
        boolean available = Cgroups.detect().isPresent();
        if (!available) {
            System.out.println("*** BuildLimitsTest SKIPPED: this process may not make cgroups (not root, or no"
                    + " delegated cgroup v2): builds get per-process limits only ***");
        }
        assumeTrue(available, "no cgroups for builds here");
    }

    private static String run(BuildLimits limits, String script) throws Exception {
        List<String> argv = new ArrayList<>(limits.prefix());
        argv.addAll(List.of("sh", "-c", script));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ended");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void sleepersPastTheProcessLimitAreStoppedAndKilledOnClose() throws Exception {
        CgroupLimits limits = (CgroupLimits) BuildLimits.open("test-procs-" + ProcessHandle.current().pid(), 100,
                512 * MIB);
        assertTrue(limits.describe().startsWith("a cgroup of its own"), limits.describe());
        // 300 tries against a limit of 100; each sleeper outlives any loaded machine's run of the loop.
        String out = run(limits, "i=0; while [ $i -lt 300 ]; do sleep 3600 & i=$((i + 1)); done 2>/dev/null;"
                + " echo started $i");
        assertEquals(Optional.of("its limit of 100 processes"), limits.exceeded(), out);
        List<Long> left = limits.pids();
        assertTrue(left.size() > 50, "the sleepers outlive the shell: " + left.size());
        limits.close();
        assertTrue(left.stream().allMatch(pid -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)),
                "closing killed them");
    }

    @Test
    void anAllocationPastTheMemoryLimitIsKilledAndNamed() throws Exception {
        try (BuildLimits limits = BuildLimits.open("test-mem-" + ProcessHandle.current().pid(), 100, 96 * MIB)) {
            String out = run(limits, "python3 -c 'x = [bytearray(16 * 1024 * 1024) for _ in range(16)]; print(\"kept\")'"
                    + "; echo exit $?");
            assertTrue(out.contains("exit 137"), out);
            assertEquals(Optional.of("its memory limit of 96 MiB"), limits.exceeded(), out);
        }
    }

    @Test
    void aBuildWithinItsLimitsHitsNone() throws Exception {
        try (BuildLimits limits = BuildLimits.open("test-ok-" + ProcessHandle.current().pid(), 100, 96 * MIB)) {
            assertEquals("fine\n", run(limits, "echo fine"));
            assertEquals(Optional.empty(), limits.exceeded());
        }
    }
}
