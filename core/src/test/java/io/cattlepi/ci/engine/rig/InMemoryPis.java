package io.cattlepi.ci.engine.rig;

import io.cattlepi.ci.fleet.ShellException;
import io.cattlepi.ci.fleet.WorkerShell;
import io.cattlepi.ci.worker.Worker;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pis that answer the seed's probes and restore script in memory: on stock Raspbian unless told
 * otherwise, back on stock at once after a restore (a new boot), or powered off. The host key
 * stays the same across boots here: host-key policies are tested over real SSH elsewhere.
 */
public final class InMemoryPis implements WorkerShell {
    private final Set<String> off = ConcurrentHashMap.newKeySet();
    private final Map<String, String> boots = new ConcurrentHashMap<>();
    private final Map<String, Integer> restores = new ConcurrentHashMap<>();

    public void powerOff(String host) {
        off.add(host);
    }

    public void powerOn(String host) {
        off.remove(host);
    }

    public int restores(String host) {
        return restores.getOrDefault(host, 0);
    }

    @Override
    public Session open(Worker worker) throws ShellException {
        String host = worker.host();
        if (off.contains(host)) {
            throw new ShellException(ShellException.Kind.UNREACHABLE, host + " is off", null, null);
        }
        return new Session() {
            @Override
            public String hostKey() {
                return "SHA256:in-memory-" + host;
            }

            @Override
            public CommandResult exec(String command, Duration timeout) throws ShellException {
                if (off.contains(host)) {
                    throw new ShellException(ShellException.Kind.DISCONNECTED, host + " went off", hostKey(), null);
                }
                return switch (command) {
                    case "whoami" -> new CommandResult(0, "pi\n", "");
                    case "/etc/cattlepi/release.sh" -> new CommandResult(0, "raspbian_stock\n", "");
                    case "cat /proc/cmdline" -> new CommandResult(0, "console=tty1 root=/dev/mmcblk0p2\n", "");
                    case "cat /proc/sys/kernel/random/boot_id" ->
                            new CommandResult(0, boots.computeIfAbsent(host, h -> UUID.randomUUID().toString()), "");
                    case "sudo /etc/cattlepi/restore_cattlepi.sh" -> {
                        restores.merge(host, 1, Integer::sum);
                        boots.put(host, UUID.randomUUID().toString());
                        yield new CommandResult(0, "", "");
                    }
                    default -> new CommandResult(127, "", command + ": not found\n");
                };
            }

            @Override
            public void close() {
            }
        };
    }
}
