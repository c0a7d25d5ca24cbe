package io.cattlepi.ci.sandbox;

import io.cattlepi.ci.sandbox.limits.BuildLimits;
import io.cattlepi.ci.secret.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/** Opens build cells for the configured sandbox (bubblewrap, or none when {@code off}). */
final class CellFactory implements Sandbox {
    private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(10);

    private final SandboxSettings settings;
    private final BuildUsers users;
    private final Bubblewrap jail;

    CellFactory(SandboxSettings settings, BuildUsers users, Bubblewrap jail) {
        this.settings = settings;
        this.users = users;
        this.jail = jail;
    }

    @Override
    public SandboxKind kind() {
        return settings.kind();
    }

    @Override
    public BuildCell open(String buildId, Path work, Secret piKey, List<Path> readOnly) throws IOException {
        // Without a sandbox there is nowhere to keep another user's view of the build's folders.
        OptionalInt uid = jail == null ? OptionalInt.empty() : users.acquire();
        BuildLimits limits = null;
        PiKeyAgent agent = null;
        try {
            // The build's user may pass through work (to its own folders) but not list it.
            Files.createDirectories(work);
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
            Path build = ownFolder(work.resolve("build"), uid);
            ownFolder(build.resolve("src"), uid);
            ownFolder(build.resolve("home"), uid);
            ownFolder(work.resolve("tmp"), uid);
            Path cell = ownFolder(work.resolve("cell"), uid);
            writeAccounts(cell, uid);
            limits = BuildLimits.open(buildId, settings.maxProcesses(), settings.maxMemoryBytes());
            // Unsandboxed, the build connects to the agent by its host path, which must stay short.
            Path agentDir = jail != null ? cell : Files.createTempDirectory(Path.of("/tmp"), "cattlepi-ci-");
            agent = PiKeyAgent.start(agentDir, "agent.sock", piKey, BuildUsers.runAs(uid), AGENT_TIMEOUT);
            return new BuildCell(work.toAbsolutePath().normalize(), jail, readOnly.stream()
                    .map(p -> p.toAbsolutePath().normalize()).toList(), uid, users, limits, agent);
        } catch (IOException | RuntimeException e) {
            if (limits != null) {
                limits.close();
            }
            users.release(uid);
            throw e;
        }
    }

    @Override
    public String srcInside(Path work) {
        return jail == null ? BuildCell.src(work).toString() : BuildCell.SRC_INSIDE;
    }

    @Override
    public boolean shows(Path host) {
        return jail == null || jail.shows(host);
    }

    private static Path ownFolder(Path dir, OptionalInt uid) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        if (uid.isPresent()) {
            Files.setAttribute(dir, "unix:uid", uid.getAsInt());
            Files.setAttribute(dir, "unix:gid", uid.getAsInt());
        }
        return dir;
    }

    /**
     * The build's own passwd and group: OpenSSH finds {@code ~/.ssh} through the password database,
     * not {@code $HOME}, so the build's user must have its home there; and no host account leaks in.
     */
    private static void writeAccounts(Path cell, OptionalInt uid) throws IOException {
        String id = Integer.toString(uid.orElse(Bubblewrap.BUILD_UID));
        Files.writeString(cell.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n"
                + "builder:x:" + id + ":" + id + ":cattlepi-ci build:" + BuildCell.BUILD + "/home:/bin/sh\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n", StandardCharsets.UTF_8);
        Files.writeString(cell.resolve("group"), "root:x:0:\nbuilder:x:" + id + ":\nnogroup:x:65534:\n",
                StandardCharsets.UTF_8);
        for (String name : List.of("passwd", "group")) {
            Path f = cell.resolve(name);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            if (uid.isPresent()) {
                Files.setAttribute(f, "unix:uid", uid.getAsInt());
            }
        }
    }
}
