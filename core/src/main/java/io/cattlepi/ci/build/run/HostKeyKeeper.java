package io.cattlepi.ci.build.run;

import io.cattlepi.ci.build.PiWatch;
import io.cattlepi.ci.concurrent.DaemonThreads;
import io.cattlepi.ci.fleet.hostkey.HostKeyMode;
import io.cattlepi.ci.sandbox.BuildCell;
import io.cattlepi.ci.worker.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The build's own SSH to its Pi: an {@code ~/.ssh/config} naming the leased Pi (user, port, short
 * control sockets, no prompts) and a {@code known_hosts} pinning the key the Pi presents for its
 * current boot, so the recipe's ssh, scp, rsync, git and Ansible reach it with no flags and check
 * its key. The Pi makes a new key at every boot and the recipe reboots it: while the build runs,
 * the keeper looks at the Pi's boot every few seconds and pins the new boot's key once it answers
 * (the recipe's own retries cover the moment between). A key that changes without a new boot is
 * something answering in the Pi's place: the build is stopped.
 */
final class HostKeyKeeper implements AutoCloseable {
    private final PiWatch watch;
    private final Worker pi;
    private final String user;
    private final HostKeyMode mode;
    private final BuildCell cell;
    private final Duration every;
    private final BuildLog log;
    private final ScheduledExecutorService timer;
    private volatile PiWatch.PiBoot pinned;
    private volatile String tamper;

    HostKeyKeeper(PiWatch watch, Worker pi, String user, HostKeyMode mode, BuildCell cell, Duration every,
                  BuildLog log) {
        this.watch = watch;
        this.pi = pi;
        this.user = user;
        this.mode = mode;
        this.cell = cell;
        this.every = every;
        this.log = log;
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("host-keys"));
    }

    /** Writes the SSH config and the current boot's key, then keeps watching. */
    void start() throws IOException {
        Path ssh = cell.home().resolve(".ssh");
        Files.createDirectories(ssh);
        write(ssh.resolve("config"), config());
        write(ssh.resolve("known_hosts"), "");
        cell.handOver(ssh);
        if (mode == HostKeyMode.OFF) {
            log.note("host_key_policy is off: the build's SSH does not check " + pi.id() + "'s host key");
            return;
        }
        look();
        timer.scheduleWithFixedDelay(this::look, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why the build must stop: a host key changed without a new boot. */
    Optional<String> tamper() {
        return Optional.ofNullable(tamper);
    }

    /** Looks now (a step just failed: was it the recipe, or something in the Pi's place?). */
    Optional<String> tamperNow() {
        if (mode != HostKeyMode.OFF && tamper == null) {
            look();
        }
        return tamper();
    }

    /** Looks now: a Pi just rebooted gets its new boot's key pinned without waiting for the next look. */
    void lookNow() {
        if (mode != HostKeyMode.OFF) {
            look();
        }
    }

    private synchronized void look() {
        try {
            Optional<PiWatch.PiBoot> seen = watch.boot(pi);
            if (seen.isEmpty() || seen.get().keyEntry() == null) {
                return;
            }
            PiWatch.PiBoot now = seen.get();
            PiWatch.PiBoot before = pinned;
            if (before != null && before.fingerprint().equals(now.fingerprint())) {
                return;
            }
            if (before != null && before.bootId().equals(now.bootId())) {
                tamper = "the host key of Pi " + pi.id() + " changed without a reboot (pinned " + before.fingerprint()
                        + ", presented " + now.fingerprint() + ")";
                log.note(tamper + ": stopping the build");
                return;
            }
            if (!now.trusted()) {
                // track: the Pi has not reported this boot's key yet; look again.
                return;
            }
            pin(now);
            log.note((before == null ? "pinned " : "Pi rebooted (boot " + shortId(now.bootId()) + "): pinned ")
                    + pi.id() + "'s host key " + now.fingerprint() + " for the build's SSH");
        } catch (IOException | RuntimeException e) {
            log.note("host keys: " + e.getMessage());
        }
    }

    private void pin(PiWatch.PiBoot boot) throws IOException {
        String host = pi.port() == 22 ? pi.host() : "[" + pi.host() + "]:" + pi.port();
        write(cell.home().resolve(".ssh").resolve("known_hosts"), host + " " + boot.keyEntry() + "\n");
        write(cell.home().resolve(".ssh").resolve("config"), config(boot.keyEntry().split(" ")[0]));
        pinned = boot;
    }

    private String config() {
        return config(null);
    }

    /**
     * @param keyType the pinned key's type: the Pi has several host keys, and the recipe's ssh must
     *                ask for the one pinned, not its own favourite
     */
    private String config(String keyType) {
        boolean check = mode != HostKeyMode.OFF;
        return "# Written by cattlepi-ci for this build: the leased Pi, its host key for this boot, no prompts.\n"
                + "Host " + pi.host() + "\n"
                + "    Port " + pi.port() + "\n"
                + "    User " + user + "\n"
                + "    UserKnownHostsFile " + (check ? "~/.ssh/known_hosts" : "/dev/null") + "\n"
                + "    StrictHostKeyChecking " + (check ? "yes" : "no") + "\n"
                + "    CheckHostIP no\n"
                + (keyType == null ? "" : "    HostKeyAlgorithms " + algorithms(keyType) + "\n")
                + "Host *\n"
                + "    BatchMode yes\n"
                + "    ConnectTimeout 10\n"
                // Short whatever the workspace is: sockets have a 108-byte limit.
                + "    ControlPath /tmp/ssh-%C\n";
    }

    /** An RSA key signs with SHA-2 in OpenSSH 9 (ssh-rsa's SHA-1 signatures are off by default). */
    private static String algorithms(String keyType) {
        return keyType.equals("ssh-rsa") ? "rsa-sha2-512,rsa-sha2-256,ssh-rsa" : keyType;
    }

    /** Replaced whole, never half-written: the recipe's ssh may read it at any moment. */
    private void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        cell.handOver(tmp);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String shortId(String bootId) {
        return bootId.length() > 8 ? bootId.substring(0, 8) : bootId;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
