package io.cattlepi.ci.demo.bench;

import io.cattlepi.ci.fleet.ShellException;
import io.cattlepi.ci.fleet.WorkerShell;
import io.cattlepi.ci.worker.Worker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lightweight simulated Pis for the scale benchmark: the engine's SSH port answered in memory.
 * A Pi answers the seed's probes as stock Raspbian; the restore command makes it refuse
 * connections for the reset time, then it answers again with a new host key (a new boot).
 * No SSH, no jail, no processes: 500 jailed Pis on 2 cores would measure CPU contention.
 */
final class InMemoryPis implements WorkerShell {
    private final Duration reset;
    private final Map<String, Long> downUntil = new ConcurrentHashMap<>();
    private final Map<String, Integer> boots = new ConcurrentHashMap<>();

    InMemoryPis(Duration reset) {
        this.reset = reset;
    }

    @Override
    public Session open(Worker worker) throws ShellException {
        String id = worker.id();
        Long until = downUntil.get(id);
        if (until != null && System.nanoTime() < until) {
            throw new ShellException(ShellException.Kind.UNREACHABLE, "Pi " + id + ": connection refused (rebooting)",
                    null, null);
        }
        String key = "SHA256:" + id + "-boot-" + boots.getOrDefault(id, 0);
        return new Session() {
            @Override
            public String hostKey() {
                return key;
            }

            @Override
            public CommandResult exec(String command, Duration timeout) {
                if (command.contains("restore_cattlepi.sh")) {
                    boots.merge(id, 1, Integer::sum);
                    downUntil.put(id, System.nanoTime() + reset.toNanos());
                    return new CommandResult(0, "", "");
                }
                return switch (command) {
                    case "whoami" -> new CommandResult(0, "pi\n", "");
                    case "/etc/cattlepi/release.sh" -> new CommandResult(0, "raspbian_stock\n", "");
                    default -> new CommandResult(0, "console=serial0,115200 root=/dev/mmcblk0p2\n", "");
                };
            }

            @Override
            public void close() {
            }
        };
    }
}
