package io.cattlepi.ci.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The bubblewrap command line of a build cell. What the build sees: the system's programs and
 * {@code /etc} read-only (the controller's own files masked), its own folder at {@code /build},
 * a private {@code /tmp}, a fresh {@code /proc} of its own PID namespace, a minimal {@code /dev},
 * its own passwd and group, the agent's socket and the network. Nothing else of the host exists
 * for it: not {@code /root}, {@code /home}, {@code /var}, {@code /opt}, the host's {@code /tmp} or
 * {@code /run}, nor other builds.
 *
 * <p>When the controller is root, bubblewrap runs privileged and the build's first process drops to
 * the build's own host user ({@code setpriv}) once its mounts are made, so the build's folders need
 * not be reachable by that user through the folders above them. Otherwise bubblewrap maps the
 * controller's user into a user namespace of its own.
 */
final class Bubblewrap {
    /** The build's user inside; mapped to the build's host user (or the controller's). */
    static final int BUILD_UID = 1000;
    /** What a program needs of the host: binaries, libraries, configuration. */
    private static final List<String> SYSTEM = List.of("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc");
    /** Always the controller's, whatever the config says: the packaged install keeps its config there. */
    private static final Path OWN_CONFIG = Path.of("/etc/cattlepi-ci");
    private static final long CHECK_SECONDS = 10;

    private final String executable;
    private final List<String> system;
    /** The controller's own files under what is shown, real paths: empty for the build. */
    private final List<Path> masked;

    private Bubblewrap(String executable, List<String> system, List<Path> masked) {
        this.executable = executable;
        this.system = List.copyOf(system);
        this.masked = List.copyOf(masked);
    }

    /**
     * Finds bubblewrap and runs {@code true} in a sandbox like a build's, as a build's user.
     *
     * @throws SandboxUnavailable with how to fix it
     */
    static Bubblewrap check(SandboxSettings settings, BuildUsers users) throws SandboxUnavailable {
        return check(settings, users, System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    /** @param path where to look for bwrap (the controller's PATH) */
    static Bubblewrap check(SandboxSettings settings, BuildUsers users, String path) throws SandboxUnavailable {
        Optional<Path> found = Stream.of(path.split(":")).filter(d -> !d.isEmpty()).map(d -> Path.of(d, "bwrap"))
                .filter(Files::isExecutable).findFirst();
        if (found.isEmpty()) {
            throw new SandboxUnavailable("build_sandbox is bubblewrap, but bwrap is not installed. Install it"
                    + " (apt-get install bubblewrap), or set \"build_sandbox\": \"off\" to run pull requests' code"
                    + " as the controller's user, with access to its secrets.");
        }
        List<Path> hidden = new ArrayList<>(settings.hidden());
        hidden.add(OWN_CONFIG);
        Bubblewrap jail = new Bubblewrap(found.get().toString(), systemArguments(), masked(hidden));
        OptionalInt uid = users.acquire();
        try {
            List<String> argv = new ArrayList<>(jail.base(uid));
            argv.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--"));
            argv.addAll(BuildUsers.runAs(uid));
            argv.add("/bin/true");
            String failure = run(argv);
            if (failure != null) {
                throw new SandboxUnavailable("build_sandbox is bubblewrap, but bwrap cannot make a sandbox here: "
                        + failure + ". Enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1"
                        + " where it exists, user.max_user_namespaces > 0, and on Ubuntu"
                        + " kernel.apparmor_restrict_unprivileged_userns=0), or set \"build_sandbox\": \"off\" to run"
                        + " pull requests' code as the controller's user, with access to its secrets.");
            }
        } finally {
            users.release(uid);
        }
        return jail;
    }

    private static String run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(CHECK_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "bwrap did not finish within " + CHECK_SECONDS + " s";
            }
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 ? null : "exit " + p.exitValue() + (said.isEmpty() ? "" : ": " + said);
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The arguments before the command of one build step. */
    List<String> arguments(BuildCell cell, String cwd, OptionalInt uid) {
        List<String> a = new ArrayList<>(base(uid));
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev",
                // Python's multiprocessing (Ansible's forks) needs a writable /dev/shm.
                "--perms", "1777", "--tmpfs", "/dev/shm",
                "--bind", cell.buildRoot().toString(), BuildCell.BUILD,
                "--bind", cell.tmp().toString(), "/tmp",
                "--ro-bind", cell.cellDir().resolve("passwd").toString(), "/etc/passwd",
                "--ro-bind", cell.cellDir().resolve("group").toString(), "/etc/group",
                // Made before the binds in them: bubblewrap would make them readable by root alone.
                "--perms", "0755", "--dir", "/run", "--perms", "0755", "--dir", "/run/cattlepi-ci",
                "--perms", "0755", "--dir", "/run/cattlepi-ci/ro",
                "--bind", cell.agentSocket().toString(), BuildCell.AGENT_SOCKET));
        List<Path> readOnly = cell.readOnly();
        for (int i = 0; i < readOnly.size(); i++) {
            a.addAll(List.of("--ro-bind", readOnly.get(i).toString(), BuildCell.READ_ONLY + i));
        }
        a.addAll(List.of("--chdir", cwd, "--"));
        a.addAll(BuildUsers.runAs(uid));
        return a;
    }

    /** Namespaces, the user and the system's folders, with the controller's own files masked. */
    private List<String> base(OptionalInt uid) {
        List<String> a = new ArrayList<>(List.of(executable));
        if (uid.isPresent()) {
            // Privileged: setpriv inside needs these two, and gives them up with root.
            a.addAll(List.of("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"));
        } else {
            a.addAll(List.of("--unshare-user", "--uid", Integer.toString(BUILD_UID), "--gid", Integer.toString(BUILD_UID)));
        }
        a.addAll(List.of("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                "--hostname", "cattlepi-build", "--die-with-parent", "--new-session"));
        a.addAll(system);
        a.addAll(maskArguments(masked));
        return a;
    }

    /** Merged-/usr hosts have /bin etc. as symbolic links: they are made again as links, not bound. */
    private static List<String> systemArguments() {
        List<String> a = new ArrayList<>();
        for (String name : SYSTEM) {
            Path p = Path.of("/", name);
            try {
                if (Files.isSymbolicLink(p)) {
                    a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), p.toString()));
                } else if (Files.isDirectory(p)) {
                    a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
                }
            } catch (IOException e) {
                // not readable: not shown
            }
        }
        // resolv.conf often points into /run (systemd-resolved): show just that file.
        Path resolv = Path.of("/etc/resolv.conf");
        if (Files.isSymbolicLink(resolv)) {
            try {
                Path real = resolv.toRealPath();
                Path link = resolv.getParent().resolve(Files.readSymbolicLink(resolv)).normalize();
                if (!shown(link)) {
                    a.addAll(List.of("--ro-bind-try", real.toString(), link.toString()));
                }
            } catch (IOException e) {
                // a dangling link: no DNS in builds, as on the host
            }
        }
        return a;
    }

    /** The hidden paths that need masking: those that exist under what is shown (the rest are absent anyway). */
    private static List<Path> masked(List<Path> hidden) {
        List<Path> out = new ArrayList<>();
        for (Path h : hidden) {
            Path p = real(h);
            if (shown(p) && Files.exists(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** A masked folder looks empty and a masked file empty, wherever they lie under what is shown. */
    private static List<String> maskArguments(List<Path> masked) {
        List<String> a = new ArrayList<>();
        for (Path p : masked) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                a.addAll(List.of("--tmpfs", p.toString()));
            } else {
                a.addAll(List.of("--ro-bind", "/dev/null", p.toString()));
            }
        }
        return a;
    }

    private static Path real(Path host) {
        Path p = host.toAbsolutePath().normalize();
        try {
            return Files.exists(p) ? p.toRealPath() : p;
        } catch (IOException e) {
            return p; // by its given path
        }
    }

    /**
     * Whether the build sees this host path where it is: under the system's folders (read-only) and
     * not masked. A program there, such as a JDK under {@code /usr}, runs in the cell as it is.
     */
    boolean shows(Path host) {
        Path p = real(host);
        return shown(p) && masked.stream().noneMatch(p::startsWith);
    }

    private static boolean shown(Path p) {
        for (String name : SYSTEM) {
            Path root = Path.of("/", name);
            try {
                Path real = Files.exists(root) ? root.toRealPath() : root;
                if (p.startsWith(root) || p.startsWith(real)) {
                    return true;
                }
            } catch (IOException e) {
                // unreadable: not shown
            }
        }
        return false;
    }
}
