package io.cattlepi.ci.simulator.pi.jail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One boot of a simulated Pi: what its kernel would be. A user namespace maps the Pi's ids
 * 0..65535 onto an unprivileged host range (only root can write such a map, which is why the
 * simulator needs root); bubblewrap builds the Pi's mount, PID, UTS and IPC namespaces over its
 * {@link PiRoot} and runs the Pi's init in them. Every command of the Pi (an SSH command, the
 * SFTP server, usercode at boot) enters these namespaces through {@code nsenter}, so background
 * jobs outlive the command that started them, and killing the init ends every process of the Pi
 * at once, as a reboot does. The init relays the Pi's power requests (its control pipe) to
 * {@code requests}, one line each.
 *
 * <p>Start it from a thread that lives as long as the Pi: bubblewrap's {@code --die-with-parent}
 * ties the Pi to the thread that started it.
 */
public final class PiKernel implements AutoCloseable {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private final Process init;
    private final long pid1;

    private PiKernel(Process init, long pid1) {
        this.init = init;
        this.pid1 = pid1;
    }

    /** Boots the Pi's namespaces; returns once its init is up, or throws saying why it could not. */
    public static PiKernel boot(PiRoot root, String hostname, Consumer<String> requests, Duration timeout) throws IOException {
        Process holder = new ProcessBuilder("unshare", "--user", "--", "/bin/sh", "-c", "echo up; exec cat")
                .redirectErrorStream(true).start();
        try {
            BufferedReader holderOut = reader(holder);
            if (!"up".equals(readLine(holderOut, timeout))) {
                throw new IOException("cannot create a user namespace (unshare --user): "
                        + (holder.isAlive() ? "no answer" : "exit " + holder.exitValue()));
            }
            String map = "0 " + root.uidBase() + " " + PiRoot.ID_COUNT + "\n";
            Files.writeString(Path.of("/proc/" + holder.pid() + "/uid_map"), map);
            Files.writeString(Path.of("/proc/" + holder.pid() + "/gid_map"), map);
            Path console = root.kernel().resolve("console.log");
            Files.deleteIfExists(console);
            List<String> argv = new ArrayList<>(List.of("nsenter", "--user=/proc/" + holder.pid() + "/ns/user", "--"));
            argv.addAll(bwrap(root, hostname));
            Process init = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.to(console.toFile())).start();
            BufferedReader out = reader(init);
            String first = readLine(out, timeout);
            if (!"ready".equals(first)) {
                init.destroyForcibly();
                waitQuietly(init);
                throw new IOException("cannot jail the Pi with bubblewrap: " + Files.readString(console).strip());
            }
            long pid1 = init.toHandle().children().findFirst().map(ProcessHandle::pid)
                    .orElseThrow(() -> new IOException("the Pi's init has no process"));
            Thread relay = new Thread(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        requests.accept(line);
                    }
                } catch (IOException ignored) {
                    // the Pi went down
                }
            }, "pi-" + hostname + "-init");
            relay.setDaemon(true);
            relay.start();
            return new PiKernel(init, pid1);
        } finally {
            holder.destroyForcibly();
        }
    }

    /** bubblewrap's arguments: the Pi's root view, its own /proc facts, the control pipe. */
    private static List<String> bwrap(PiRoot root, String hostname) {
        List<String> a = new ArrayList<>(List.of("bwrap", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--hostname", hostname,
                "--bind", root.root().toString(), "/",
                "--ro-bind", "/usr", "/usr",
                "--bind", root.hostPath("/usr/local").toString(), "/usr/local"));
        a.addAll(root.shimBinds());
        a.addAll(List.of("--proc", "/proc",
                "--ro-bind", root.kernel().resolve("cmdline").toString(), "/proc/cmdline",
                "--ro-bind", root.kernel().resolve("boot_id").toString(), "/proc/sys/kernel/random/boot_id"));
        if (Files.exists(Path.of("/proc/sysrq-trigger"))) {
            a.addAll(List.of("--bind", root.control().toString(), "/proc/sysrq-trigger"));
        }
        a.addAll(List.of("--dev", "/dev", "--tmpfs", "/run",
                "--bind", root.control().toString(), "/run/cattlepi-sim/control",
                "--ro-bind", root.firmware().toString(), "/run/cattlepi-firmware",
                "--ro-bind", root.firmware().resolve("thermal_zone0").toString(), "/sys/class/thermal/thermal_zone0",
                "--chdir", "/", "--", "/bin/sh", "-c", PiRoot.resource("init")));
        return a;
    }

    /**
     * The command line that runs {@code argv} inside this Pi as {@code uid} (0 or 1000) in {@code cwd},
     * with exactly {@code env}. As {@code pi} it keeps only the capability to change its uid inside
     * the Pi, which is what the Pi's {@code sudo} uses.
     */
    public List<String> enter(int uid, String cwd, Map<String, String> env, List<String> argv) {
        List<String> a = new ArrayList<>(List.of("nsenter", "--target", Long.toString(pid1), "--user", "--mount", "--pid",
                "--uts", "--ipc", "--root", "--wd", "--"));
        if (uid != 0) {
            a.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--init-groups",
                    "--inh-caps=-all,+setuid,+setgid", "--ambient-caps=-all,+setuid,+setgid", "--"));
        }
        a.addAll(List.of("env", "-i", "-C", cwd));
        env.forEach((k, v) -> {
            if (ENV_NAME.matcher(k).matches()) {
                a.add(k + "=" + v);
            }
        });
        a.addAll(argv); // argv[0] is always an absolute program path, never NAME=VALUE
        return a;
    }

    public boolean alive() {
        return init.isAlive();
    }

    /** Power cut: the Pi's init dies, and with it every process of the Pi. */
    @Override
    public void close() {
        ProcessHandle.of(pid1).ifPresent(ProcessHandle::destroyForcibly);
        init.destroyForcibly();
        waitQuietly(init);
    }

    private static void waitQuietly(Process p) {
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    /** One line, or null if none came in time (the process is then killed by the caller, which ends the read). */
    private static String readLine(BufferedReader in, Duration timeout) throws IOException {
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                line.complete(in.readLine());
            } catch (IOException e) {
                line.complete(null);
            }
        }, "pi-kernel-boot");
        reader.setDaemon(true);
        reader.start();
        try {
            return line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
