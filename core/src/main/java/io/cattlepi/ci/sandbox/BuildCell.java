package io.cattlepi.ci.sandbox;

import io.cattlepi.ci.sandbox.limits.BuildLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One build's place to run: its folders on the host and as the build sees them, the agent that
 * holds the Pis' key for it, its user and limits. Closing it stops the agent, kills whatever the
 * build left running and gives its user back; the folders are the caller's to delete.
 *
 * <p>On the host, {@code work} holds {@code build/} (the build's own folder: {@code src}, {@code home}),
 * {@code tmp/} (its {@code /tmp}) and {@code cell/} (the agent's socket, the build's passwd and
 * group files), which the build never sees.
 */
public final class BuildCell implements AutoCloseable {
    /** Where the build's own folder appears inside the sandbox. */
    static final String BUILD = "/build";
    /** Where the build sees its checkout: inside a sandbox always the same, whatever the host folder. */
    static final String SRC_INSIDE = BUILD + "/src";
    static final String AGENT_SOCKET = "/run/cattlepi-ci/agent.sock";
    static final String READ_ONLY = "/run/cattlepi-ci/ro/";

    private final Path work;
    private final Bubblewrap jail;
    private final List<Path> readOnly;
    private final OptionalInt uid;
    private final BuildUsers users;
    private final BuildLimits limits;
    private final PiKeyAgent agent;

    BuildCell(Path work, Bubblewrap jail, List<Path> readOnly, OptionalInt uid, BuildUsers users, BuildLimits limits,
              PiKeyAgent agent) {
        this.work = work;
        this.jail = jail;
        this.readOnly = List.copyOf(readOnly);
        this.uid = uid;
        this.users = users;
        this.limits = limits;
        this.agent = agent;
    }

    /** The checkout, on the host. */
    public Path src() {
        return src(work);
    }

    /** Where a cell opened under {@code work} keeps its checkout, on the host. */
    static Path src(Path work) {
        return work.toAbsolutePath().normalize().resolve("build").resolve("src");
    }

    /** The build's {@code HOME}, on the host. */
    public Path home() {
        return buildRoot().resolve("home");
    }

    Path buildRoot() {
        return work.resolve("build");
    }

    Path tmp() {
        return work.resolve("tmp");
    }

    Path cellDir() {
        return work.resolve("cell");
    }

    List<Path> readOnly() {
        return readOnly;
    }

    /**
     * A host path as the build's processes see it: in its own folders, its read-only folders, or the
     * system's programs (a JDK under {@code /usr}), which it sees where they are.
     *
     * @throws IllegalArgumentException when the build cannot see it
     */
    public String inside(Path host) {
        Path p = host.toAbsolutePath().normalize();
        if (jail == null) {
            return p.toString();
        }
        if (p.startsWith(buildRoot())) {
            return BUILD + "/" + buildRoot().relativize(p);
        }
        if (p.startsWith(tmp())) {
            return "/tmp/" + tmp().relativize(p);
        }
        for (int i = 0; i < readOnly.size(); i++) {
            if (p.startsWith(readOnly.get(i))) {
                return READ_ONLY + i + "/" + readOnly.get(i).relativize(p);
            }
        }
        if (jail.shows(p)) {
            return p.toString();
        }
        throw new IllegalArgumentException(host + " is not visible to the build");
    }

    /** HOME, TMPDIR and the agent's socket, as the build sees them. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", inside(home()).replaceAll("/$", ""));
        env.put("TMPDIR", jail == null ? tmp().toString() : "/tmp");
        env.put("SSH_AUTH_SOCK", jail == null ? agent.socket().toString() : AGENT_SOCKET);
        if (jail == null) {
            // Unsandboxed, HOME may be long; Ansible's control sockets must stay under 108 bytes.
            env.put("ANSIBLE_SSH_CONTROL_PATH_DIR", agent.socket().getParent().resolve("cp").toString());
        }
        return env;
    }

    /** The command line that runs {@code argv} in this cell, starting in {@code cwd} (a host path). */
    public List<String> command(List<String> argv, Path cwd) {
        List<String> out = new ArrayList<>(limits.prefix());
        if (jail != null) {
            out.addAll(jail.arguments(this, inside(cwd), uid));
        }
        out.addAll(argv);
        return out;
    }

    /** The limit the build ran into, if any: a failure it caused is the build's size, not the commit's code. */
    public Optional<String> exceeded() {
        return limits.exceeded();
    }

    /** What isolates and bounds the build, for its log. */
    public String describe() {
        if (jail == null) {
            return "no sandbox (build_sandbox: off), as the controller's user; " + limits.describe()
                    + "; the Pi key through an ssh-agent";
        }
        String who = uid.isPresent() ? "host user " + uid.getAsInt() : "the controller's user in a user namespace";
        return "a bubblewrap sandbox, as " + who + "; " + limits.describe() + "; the Pi key through an ssh-agent";
    }

    /** Gives a file or folder the controller wrote into the build's home to the build's user. */
    public void handOver(Path p) throws java.io.IOException {
        if (uid.isPresent()) {
            java.nio.file.Files.setAttribute(p, "unix:uid", uid.getAsInt(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
            java.nio.file.Files.setAttribute(p, "unix:gid", uid.getAsInt(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
    }

    Path agentSocket() {
        return agent.socket();
    }

    @Override
    public void close() {
        agent.close();
        limits.close();
        users.release(uid);
    }
}
