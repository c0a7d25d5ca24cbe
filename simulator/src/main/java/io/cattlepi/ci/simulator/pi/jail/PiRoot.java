package io.cattlepi.ci.simulator.pi.jail;

import io.cattlepi.ci.build.run.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A simulated Pi's own file system, kept on the host in the Pi's folder: {@code root/} is what the
 * Pi sees as {@code /} (its {@code /etc}, {@code /boot}, {@code /home/pi}, {@code /tmp},
 * {@code /var}, {@code /usr/local}, {@code /root}), {@code kernel/} holds what the Pi's kernel
 * shows ({@code /proc/cmdline} and {@code boot_id} for the current boot) and {@code kernel/firmware/}
 * what its firmware says (throttling flags, temperature), {@code control} is the pipe through which
 * the Pi asks the simulator to reboot it.
 *
 * <p>Files belong to the Pi's own ids, mapped to an unprivileged range on the host: the Pi's root
 * is host uid {@link #uidBase()}, its {@code pi} is {@code uidBase + 1000}. The host's
 * {@code /usr} is shown read-only; a few host files of {@code /etc} that tools need (certificates,
 * alternatives, the loader's cache, the locale and time zone) are copied in, never secrets.
 */
public final class PiRoot {
    public static final int PI_UID = 1000;
    /** How many ids the Pi's user namespace maps (all of a Debian system's ids). */
    public static final int ID_COUNT = 65536;
    /** Host /etc entries copied into every Pi: what programs need, nothing that holds a secret. */
    private static final List<String> HOST_ETC = List.of("alternatives", "ssl", "ca-certificates",
            "ca-certificates.conf", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "nsswitch.conf", "resolv.conf",
            "localtime", "timezone", "profile", "profile.d", "bash.bashrc", "environment", "shells", "login.defs",
            "python3", "python3.11", "debian_version", "mime.types", "protocols", "services", "host.conf", "gai.conf",
            "inputrc", "skel", "apt", "dpkg", "debconf.conf", "issue", "issue.net", "networks", "ethertypes",
            "ssh/ssh_config", "ssh/ssh_config.d");

    private final Path dir;
    private final int uidBase;

    private PiRoot(Path dir, int uidBase) {
        this.dir = dir;
        this.uidBase = uidBase;
    }

    /**
     * Lays out a fresh Pi in {@code dir} (created, or reused empty). The id range is picked at random
     * among unused-looking high host ids, so two Pis (of this or another checkout) rarely share one.
     */
    public static PiRoot create(Path dir, String hostname) throws IOException {
        int base = 0x40000000 + ThreadLocalRandom.current().nextInt(0x3fff) * ID_COUNT;
        PiRoot r = new PiRoot(dir, base);
        r.layout(hostname);
        return r;
    }

    public Path dir() {
        return dir;
    }

    /** The Pi's {@code /} on the host. */
    public Path root() {
        return dir.resolve("root");
    }

    /** Where a path of the Pi ({@code /etc/hostname}) is on the host. */
    public Path hostPath(String piPath) {
        return root().resolve(piPath.replaceFirst("^/+", ""));
    }

    public Path home() {
        return hostPath("/home/pi");
    }

    public Path kernel() {
        return dir.resolve("kernel");
    }

    /** What the Pi's firmware reports ({@code vcgencmd}, the thermal zone): shown read-only in the Pi. */
    public Path firmware() {
        return kernel().resolve("firmware");
    }

    /**
     * What the firmware says now: the {@code vcgencmd get_throttled} value and the SoC temperature.
     * Each file is replaced whole: a command in the Pi reads the old value or the new one.
     */
    public void writeFirmware(int throttled, double celsius) throws IOException {
        replace(firmware().resolve("get_throttled"), "throttled=0x" + Integer.toHexString(throttled) + "\n");
        replace(firmware().resolve("measure_temp"), String.format(java.util.Locale.ROOT, "temp=%.1f'C%n", celsius));
        replace(firmware().resolve("thermal_zone0").resolve("temp"), Math.round(celsius * 1000) + "\n");
    }

    private static void replace(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public Path control() {
        return dir.resolve("control");
    }

    /** Host uid of the Pi's root; {@code pi} is this plus 1000. */
    public int uidBase() {
        return uidBase;
    }

    /** Writes a file of the Pi, owned by the Pi's {@code owner} (0 or 1000). */
    public void write(String piPath, String content, String mode, int owner) throws IOException {
        Path p = hostPath(piPath);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        own(p, owner);
    }

    /**
     * Writes a file of the Pi (created with its folders) through real folders only: the Pi's own root
     * may have planted a link anywhere on the path, and this runs as the host's root.
     */
    public void writeNoFollow(String piPath, byte[] content, String mode, int owner) throws IOException {
        Path p = realParent(piPath, true);
        if (Files.isSymbolicLink(p)) {
            Files.delete(p);
        }
        try (java.io.OutputStream out = Files.newOutputStream(p, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            out.write(content);
        }
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        own(p, owner);
    }

    /** Deletes a file or link of the Pi, never following a link on its path; absent is fine. */
    public void deleteNoFollow(String piPath) throws IOException {
        Path p = realParent(piPath, false);
        if (p != null && Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(p);
        }
    }

    /** The host path of {@code piPath}, its folders checked to be real ones (made when {@code create}); null if missing. */
    private Path realParent(String piPath, boolean create) throws IOException {
        Path at = root();
        Path rel = Path.of(piPath.replaceFirst("^/+", ""));
        for (int i = 0; i < rel.getNameCount() - 1; i++) {
            String part = rel.getName(i).toString();
            if (part.equals("..") || part.equals(".")) {
                throw new IOException("not a plain path of the Pi: " + piPath);
            }
            at = at.resolve(part);
            if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                if (!create) {
                    return null;
                }
                Files.createDirectory(at);
                Files.setPosixFilePermissions(at, PosixFilePermissions.fromString("rwxr-xr-x"));
                own(at, 0);
            } else if (!Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(piPath + ": " + root().relativize(at) + " is not a folder of the Pi");
            }
        }
        return at.resolve(rel.getFileName().toString());
    }

    /** What the Pi's kernel reports for this boot. */
    public void writeKernel(String cmdline, String bootId) throws IOException {
        Files.writeString(kernel().resolve("cmdline"), cmdline + "\n");
        Files.writeString(kernel().resolve("boot_id"), bootId + "\n");
    }

    /** A new boot starts with an empty /tmp, as Raspbian's does. */
    public void clearTmp() throws IOException {
        Path tmp = hostPath("/tmp");
        try (Stream<Path> s = Files.list(tmp)) {
            for (Path p : s.toList()) {
                FileTrees.delete(p);
            }
        }
    }

    // ---- layout

    private void layout(String hostname) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path root = root();
        for (String d : List.of("etc/cattlepi", "boot", "home/pi/.ssh", "tmp", "var/tmp", "var/log", "var/lib/apt/lists/partial",
                "var/cache/apt/archives/partial", "var/lib/dpkg", "usr/local/bin", "usr/local/sbin", "usr/local/lib",
                "usr/local/share", "root", "proc", "dev", "run", "opt", "srv", "mnt", "media", "sys/class/thermal/thermal_zone0")) {
            Files.createDirectories(root.resolve(d));
        }
        // Debian's merged /usr: the host's /usr appears read-only at /usr.
        for (String link : List.of("bin", "sbin", "lib", "lib64")) {
            if (Files.exists(Path.of("/" + link))) {
                Files.createSymbolicLink(root.resolve(link), Path.of("usr/" + link));
            }
        }
        Files.createDirectories(kernel());
        Files.createDirectories(firmware().resolve("thermal_zone0"));
        for (Path d : List.of(kernel(), firmware(), firmware().resolve("thermal_zone0"))) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        copyFromHost();
        write("/etc/passwd", """
                root:x:0:0:root:/root:/bin/bash
                daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
                bin:x:2:2:bin:/bin:/usr/sbin/nologin
                sys:x:3:3:sys:/dev:/usr/sbin/nologin
                man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
                _apt:x:42:65534::/nonexistent:/usr/sbin/nologin
                nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
                pi:x:1000:1000:,,,:/home/pi:/bin/bash
                """, "rw-r--r--", 0);
        write("/etc/group", """
                root:x:0:
                daemon:x:1:
                bin:x:2:
                sys:x:3:
                adm:x:4:pi
                tty:x:5:
                sudo:x:27:pi
                man:x:12:
                users:x:100:pi
                nogroup:x:65534:
                pi:x:1000:
                """, "rw-r--r--", 0);
        write("/etc/shadow", "root:*:19000:0:99999:7:::\npi:*:19000:0:99999:7:::\n", "rw-r-----", 0);
        write("/etc/sudoers", "# Raspbian's: pi may run anything without a password (the Pi's sudo honours this).\n"
                + "pi ALL=(ALL) NOPASSWD: ALL\n", "r--r-----", 0);
        write("/etc/hostname", hostname + "\n", "rw-r--r--", 0);
        write("/etc/hosts", "127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t" + hostname + "\n",
                "rw-r--r--", 0);
        write("/etc/os-release", """
                PRETTY_NAME="Raspbian GNU/Linux 12 (bookworm)"
                NAME="Raspbian GNU/Linux"
                VERSION_ID="12"
                VERSION="12 (bookworm)"
                VERSION_CODENAME=bookworm
                ID=raspbian
                ID_LIKE=debian
                HOME_URL="http://www.raspbian.org/"
                """, "rw-r--r--", 0);
        write("/etc/machine-id", java.util.UUID.randomUUID().toString().replace("-", "") + "\n", "r--r--r--", 0);
        write("/etc/fstab", "proc /proc proc defaults 0 0\nPARTUUID=6c586e13-01 /boot vfat defaults 0 2\n"
                + "PARTUUID=6c586e13-02 / ext4 defaults,noatime 0 1\n", "rw-r--r--", 0);
        write("/etc/cattlepi/restore_cattlepi.sh", resource("restore_cattlepi.sh"), "rwxr-xr-x", 0);
        write("/boot/config.txt", "# simulated Pi: no firmware reads this\ndtparam=audio=on\n", "rwxr-xr-x", 0);
        for (String firmware : List.of("bootcode.bin", "start.elf", "fixup.dat", "kernel7.img", "kernel8.img")) {
            write("/boot/" + firmware, "simulated Raspberry Pi firmware: " + firmware + "\n", "rwxr-xr-x", 0);
        }
        write("/home/pi/.profile", "# ~/.profile of a simulated Pi\n", "rw-r--r--", PI_UID);
        // A command's own files are the Pi's: the shims live where sudo and systemctl are looked up.
        write("/usr/local/lib/cattlepi-sim/power", resource("power"), "rwxr-xr-x", 0);
        write("/usr/local/lib/cattlepi-sim/sudo", resource("sudo"), "rwxr-xr-x", 0);
        if (!Files.isRegularFile(Path.of("/usr/bin/sudo"))) {
            write("/usr/local/bin/sudo", resource("sudo"), "rwxr-xr-x", 0);
        }
        // A stock Pi has /usr/bin/vcgencmd; the host's /usr is read-only in the Pi, so it goes where
        // the host has none, and over the host's own on a Pi host.
        write("/usr/local/lib/cattlepi-sim/vcgencmd", resource("vcgencmd"), "rwxr-xr-x", 0);
        if (!Files.isRegularFile(Path.of("/usr/bin/vcgencmd"))) {
            write("/usr/local/bin/vcgencmd", resource("vcgencmd"), "rwxr-xr-x", 0);
        }
        for (String power : List.of("reboot", "shutdown", "poweroff", "halt", "systemctl")) {
            if (!Files.exists(Path.of("/usr/sbin/" + power), LinkOption.NOFOLLOW_LINKS)
                    && !Files.exists(Path.of("/usr/bin/" + power), LinkOption.NOFOLLOW_LINKS)) {
                write("/usr/local/sbin/" + power, resource("power"), "rwxr-xr-x", 0);
            }
        }
        run(List.of("mkfifo", "-m", "600", control().toString()));
        ownTree(root, 0);
        ownTree(home(), PI_UID);
        own(control(), 0);
        Files.setPosixFilePermissions(hostPath("/tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(hostPath("/var/tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(hostPath("/root"), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(home(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(hostPath("/home/pi/.ssh"), PosixFilePermissions.fromString("rwx------"));
        run(List.of("chmod", "+t", hostPath("/tmp").toString(), hostPath("/var/tmp").toString()));
    }

    /** Binds of the Pi's own files over host programs of the same name, where the host has them. */
    List<String> shimBinds() {
        List<String> args = new ArrayList<>();
        Path power = hostPath("/usr/local/lib/cattlepi-sim/power");
        for (String program : List.of("/usr/bin/systemctl", "/usr/sbin/reboot", "/usr/sbin/shutdown", "/usr/sbin/poweroff",
                "/usr/sbin/halt")) {
            // systemd's reboot and shutdown are links to systemctl: binding systemctl covers them.
            if (Files.isRegularFile(Path.of(program), LinkOption.NOFOLLOW_LINKS)) {
                args.addAll(List.of("--ro-bind", power.toString(), program));
            }
        }
        if (Files.isRegularFile(Path.of("/usr/bin/sudo"), LinkOption.NOFOLLOW_LINKS)) {
            args.addAll(List.of("--ro-bind", hostPath("/usr/local/lib/cattlepi-sim/sudo").toString(), "/usr/bin/sudo"));
        }
        if (Files.isRegularFile(Path.of("/usr/bin/vcgencmd"), LinkOption.NOFOLLOW_LINKS)) {
            args.addAll(List.of("--ro-bind", hostPath("/usr/local/lib/cattlepi-sim/vcgencmd").toString(), "/usr/bin/vcgencmd"));
        }
        return args;
    }

    private void copyFromHost() throws IOException {
        Path etc = hostPath("/etc");
        for (String name : HOST_ETC) {
            Path from = Path.of("/etc").resolve(name);
            if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                Path to = etc.resolve(name);
                Files.createDirectories(to.getParent());
                run(List.of("cp", "-a", "--no-preserve=ownership", from.toString(), to.getParent().toString() + "/"));
            }
        }
        // apt believes what the host has installed, so apt fails as on a Pi without internet.
        Path status = Path.of("/var/lib/dpkg/status");
        if (Files.isRegularFile(status)) {
            Files.copy(status, hostPath("/var/lib/dpkg/status"));
        }
    }

    private void own(Path p, int owner) throws IOException {
        Files.setAttribute(p, "unix:uid", uidBase + owner, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", uidBase + owner, LinkOption.NOFOLLOW_LINKS);
    }

    private void ownTree(Path top, int owner) throws IOException {
        try (Stream<Path> s = Files.walk(top)) {
            for (Path p : s.toList()) {
                own(p, owner);
            }
        }
    }

    private static void run(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " timed out");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", argv) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }

    static String resource(String name) {
        try (InputStream in = PiRoot.class.getResourceAsStream("/pi-jail/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource pi-jail/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
