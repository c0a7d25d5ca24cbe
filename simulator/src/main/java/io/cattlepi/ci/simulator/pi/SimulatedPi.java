package io.cattlepi.ci.simulator.pi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated Raspberry Pi running CattlePi, faithful where the controller depends on it: its
 * own SSH endpoint (user {@code pi}, keys from its CattlePi config at boot, a new host key at
 * every boot), the boot protocol against the CattlePi API, stock versus CattlePi image, the
 * restore script that re-flashes stock, reboots that drop every session, and faults on demand.
 */
public final class SimulatedPi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SimulatedPi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the Pi is in its life. */
    public enum State { DOWN, BOOTING, STOCK, CATTLEPI, LOOPING, HUNG }

    private final String name;
    private final String mac;
    private final String host;
    private final Path root;
    private final String apiUrl;
    private final String apiKey;
    private final PiTimings timings;
    private final ScheduledExecutorService timer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PiSshServer ssh;
    private final int port;
    private final AtomicInteger boots = new AtomicInteger();
    private final AtomicInteger generation = new AtomicInteger();
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private volatile State state = State.DOWN;
    private volatile boolean cattlepiNext;
    private volatile KeyPair hostKey;
    private volatile List<PublicKey> authorized = List.of();
    private volatile byte[] cachedConfig;
    private volatile boolean bootLoop;
    private volatile boolean refuseAuth;
    private volatile Duration slowLink = Duration.ZERO;
    private volatile Duration lateUsercode = Duration.ZERO;
    private volatile ServerSocket hangSocket;

    SimulatedPi(String name, String mac, String host, Path root, String apiUrl, String apiKey, PiTimings timings,
                ScheduledExecutorService timer) throws IOException {
        this.name = name;
        this.mac = mac;
        this.host = host;
        this.root = root;
        this.apiUrl = apiUrl;
        this.apiKey = apiKey;
        this.timings = timings;
        this.timer = timer;
        layout();
        this.hostKey = newHostKey();
        this.ssh = (PiSshServer) ServerBuilder.builder().factory(PiSshServer::new).build();
        CoreModuleProperties.TCP_NODELAY.set(ssh, true);
        ssh.setHost(host);
        ssh.setPort(0);
        ssh.setKeyPairProvider(session -> List.of(hostKey));
        ssh.setPublickeyAuthenticator((user, key, session) -> !refuseAuth && "pi".equals(user)
                && authorized.stream().anyMatch(k -> KeyUtils.compareKeys(k, key)));
        ssh.setPasswordAuthenticator(null);
        ssh.setKeyboardInteractiveAuthenticator(null);
        ssh.setCommandFactory((channel, command) -> new PiCommand(this, command));
        ssh.setFileSystemFactory(new VirtualFileSystemFactory(home()));
        ssh.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        ssh.start();
        this.port = ((InetSocketAddress) ssh.acceptor().getBoundAddresses().iterator().next()).getPort();
        ssh.acceptor().unbind();
    }

    // ---- what tests and the demo read

    public String name() {
        return name;
    }

    public String mac() {
        return mac;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public State state() {
        return state;
    }

    public int bootCount() {
        return boots.get();
    }

    public Path home() {
        return root.resolve("home");
    }

    /** SHA256 fingerprint of the current host key, as OpenSSH and MINA print it. */
    public String hostKeyFingerprint() {
        return KeyUtils.getFingerPrint(hostKey.getPublic());
    }

    /** Waits (bounded) until the Pi is in {@code wanted}; for tests and the demo's start-up. */
    public boolean awaitState(State wanted, Duration timeout) throws InterruptedException {
        return await(() -> state == wanted, timeout);
    }

    static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return true;
    }

    // ---- power and faults

    /** Power on (first boot, or after a power loss ended). */
    public void powerOn() {
        scheduleBoot(Duration.ZERO);
    }

    /** Reboots as {@code reboot} or {@code shutdown -r} would: sessions dropped, endpoint down while it boots. */
    public void reboot() {
        goDown(State.DOWN);
        scheduleBoot(Duration.ZERO);
    }

    /** Power cut: down for {@code outage}, then boots again (into stock, or the image it was flashing). */
    public void powerLoss(Duration outage) {
        goDown(State.DOWN);
        scheduleBoot(outage);
    }

    /** The SSH port accepts TCP and never sends a banner, like a Pi wedged in the kernel. */
    public synchronized void hang() throws IOException {
        goDown(State.HUNG);
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(host, port));
        hangSocket = s;
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try {
                    held.add(s.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "pi-" + name + "-hang");
        t.setDaemon(true);
        t.start();
    }

    /** Ends a hang by rebooting (a power cycle is what a hung Pi gets). */
    public synchronized void unhang() {
        closeHang();
        scheduleBoot(Duration.ZERO);
    }

    /** While on, every boot fails before userspace (panic loop). */
    public void bootLoop(boolean on) {
        bootLoop = on;
    }

    /** A new host key without a reboot: what an impostor on the Pi's address looks like. */
    public void changeHostKey() {
        hostKey = newHostKey();
    }

    /** Usercode runs this long after SSH is up, as on a real Pi where sshd may start first. */
    public void lateUsercode(Duration after) {
        lateUsercode = after;
    }

    public void refuseAuth(boolean on) {
        refuseAuth = on;
    }

    /** Every command starts this much later. */
    public void slowLink(Duration perCommand) {
        slowLink = perCommand;
    }

    // ---- the boot protocol

    private void scheduleBoot(Duration after) {
        int gen = generation.incrementAndGet();
        timer.schedule(() -> {
            if (gen == generation.get()) {
                state = State.BOOTING;
                timer.schedule(() -> boot(gen), timings.boot().toMillis(), TimeUnit.MILLISECONDS);
            }
        }, after.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void boot(int gen) {
        if (gen != generation.get()) {
            return;
        }
        boots.incrementAndGet();
        JsonNode config = fetchConfig();
        if (config == null || bootLoop || !config.has("bootcode")) {
            log.info("Pi {} panics at boot ({}); rebooting", name, config == null ? "no config, API down and nothing cached"
                    : bootLoop ? "boot loop fault" : "config has no bootcode");
            state = State.LOOPING;
            scheduleBoot(Duration.ofMillis(timings.boot().toMillis()));
            return;
        }
        boolean cattlepi = cattlepiNext;
        try {
            authorized = authorizedKeys(config);
            hostKey = newHostKey();
            write("etc/cattlepi/release.sh", "#!/bin/sh\necho " + (cattlepi ? "raspbian_cattlepi" : "raspbian_stock") + "\n", true);
            // Linux's per-boot id: what a recipe compares to know the Pi really rebooted.
            write("proc/sys/kernel/random/boot_id", java.util.UUID.randomUUID() + "\n", false);
            write("proc/cmdline", cattlepi
                    ? "console=tty1 root=/dev/ram0 boot=cattlepi cattlepi_base=" + apiUrl + " quiet\n"
                    : "console=tty1 root=PARTUUID=6c586e13-02 rootfstype=ext4 elevator=deadline rootwait quiet\n", false);
            Duration late = lateUsercode;
            if (late.isZero()) {
                runUsercode(config);
            }
            synchronized (this) {
                if (gen != generation.get()) {
                    return;
                }
                ssh.acceptor().bind(new InetSocketAddress(host, port));
                state = cattlepi ? State.CATTLEPI : State.STOCK;
            }
            if (!late.isZero()) {
                timer.schedule(() -> runUsercode(config), late.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            log.warn("Pi {} failed to come up: {}", name, e.getMessage());
            state = State.LOOPING;
            scheduleBoot(timings.boot());
            return;
        }
        if (cattlepi) {
            timer.execute(() -> flashStock(config, gen));
        }
    }

    /** The CattlePi image re-flashes stock Raspbian from the configured location, then reboots. */
    private void flashStock(JsonNode config, int gen) {
        String location = config.path("config").path("standalone").path("raspbian_location").asText("");
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(location)).timeout(Duration.ofSeconds(30))
                    .header("X-Api-Key", apiKey).GET().build();
            HttpResponse<byte[]> res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() != 200) {
                throw new IOException("HTTP " + res.statusCode());
            }
        } catch (IOException | IllegalArgumentException e) {
            log.warn("Pi {} cannot download Raspbian from '{}': {}; staying on the CattlePi image", name, location,
                    e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        timer.schedule(() -> {
            if (gen == generation.get() && state == State.CATTLEPI) {
                cattlepiNext = false;
                reboot();
            }
        }, timings.flash().toMillis(), TimeUnit.MILLISECONDS);
    }

    private JsonNode fetchConfig() {
        try {
            http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/ping")).timeout(Duration.ofSeconds(5))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(URI.create(apiUrl + "/boot/" + mac + "/config"))
                    .timeout(Duration.ofSeconds(5)).header("X-Api-Key", apiKey).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() == 200) {
                cachedConfig = res.body();
            }
        } catch (IOException e) {
            log.info("Pi {}: CattlePi API unreachable ({}); booting from the cached config", name, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            return cachedConfig == null ? null : JSON.readTree(cachedConfig);
        } catch (IOException e) {
            return null;
        }
    }

    private static List<PublicKey> authorizedKeys(JsonNode config) {
        List<PublicKey> keys = new ArrayList<>();
        for (JsonNode line : config.path("config").path("ssh").path("pi").path("authorized_keys")) {
            try {
                List<AuthorizedKeyEntry> entries = AuthorizedKeyEntry.readAuthorizedKeys(new StringReader(line.asText()), true);
                keys.addAll(PublicKeyEntry.resolvePublicKeyEntries(null, entries, PublicKeyEntryResolver.IGNORING));
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                log.debug("ignoring an unreadable authorized key: {}", e.getMessage());
            }
        }
        return List.copyOf(keys);
    }

    /** The config's base64 usercode, run as root at boot like bootstrap.sh does (bounded). */
    private void runUsercode(JsonNode config) {
        String encoded = config.path("usercode").asText("");
        if (encoded.isBlank()) {
            return;
        }
        try {
            String script = new String(Base64.getMimeDecoder().decode(encoded), StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", rewrite(script)).directory(home().toFile())
                    .redirectErrorStream(true).redirectOutput(root.resolve("usercode.log").toFile());
            pb.environment().clear();
            pb.environment().putAll(commandEnvironment());
            pb.environment().put("SIM_SUDO", "1");
            pb.environment().put("CATTLEPI_BASE", apiUrl);
            pb.environment().put("CATTLEPI_APIKEY", apiKey);
            pb.environment().put("CATTLEPI_ID", mac);
            pb.environment().put("SSH_HOST_KEY_FINGERPRINT", hostKeyFingerprint());
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException | IllegalArgumentException e) {
            log.warn("Pi {}: usercode failed: {}", name, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- commands

    /** Absolute Pi paths the PATH shims cannot catch are mapped into this Pi's own files. */
    String rewrite(String command) {
        return command.replace("/etc/cattlepi/", root.resolve("etc/cattlepi") + "/")
                .replace("/proc/cmdline", root.resolve("proc/cmdline").toString())
                .replace("/proc/sys/kernel/random/boot_id", root.resolve("proc/sys/kernel/random/boot_id").toString())
                .replace("~pi", home().toString());
    }

    Map<String, String> commandEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", home().toString());
        env.put("USER", "pi");
        env.put("LOGNAME", "pi");
        env.put("SHELL", "/bin/sh");
        env.put("PATH", root.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "C.UTF-8");
        env.put("SIM_CONTROL", root.resolve("control").toString());
        return env;
    }

    /** Runs after every command: acts on reboot/restore requests the shims left. */
    void afterCommand() {
        Path control = root.resolve("control");
        try {
            if (Files.deleteIfExists(control.resolve("restore"))) {
                cattlepiNext = true;
                reboot();
            } else if (Files.deleteIfExists(control.resolve("poweroff"))) {
                goDown(State.DOWN);
            } else if (Files.deleteIfExists(control.resolve("reboot"))) {
                reboot();
            }
        } catch (IOException e) {
            log.warn("Pi {}: control request unreadable: {}", name, e.getMessage());
        }
    }

    Duration slowLinkDelay() {
        return slowLink;
    }

    private synchronized void goDown(State next) {
        generation.incrementAndGet();
        state = next;
        closeHang();
        for (AbstractSession s : ssh.getActiveSessions()) {
            s.close(true);
        }
        ssh.acceptor().unbind();
    }

    private void closeHang() {
        ServerSocket s = hangSocket;
        hangSocket = null;
        if (s != null) {
            for (Socket c : held) {
                try {
                    c.setSoLinger(true, 0);
                    c.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
            held.clear();
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    // ---- the Pi's files

    private void layout() throws IOException {
        for (String d : List.of("home", "etc/cattlepi", "proc", "bin", "control")) {
            Files.createDirectories(root.resolve(d));
        }
        write("etc/cattlepi/release.sh", "#!/bin/sh\necho raspbian_stock\n", true);
        write("etc/cattlepi/restore_cattlepi.sh", "#!/bin/sh\n# restores the CattlePi initramfs and reboots\ntouch \"$SIM_CONTROL/restore\"\necho restoring cattlepi\n", true);
        write("proc/cmdline", "console=tty1 root=PARTUUID=6c586e13-02 rootwait quiet\n", false);
        shim("sudo", """
                #!/bin/sh
                # sudo on a Pi: user pi may run anything; options are accepted and ignored.
                while [ $# -gt 0 ]; do case "$1" in --) shift; break;; -u|-g|-C|-D|-h|-p|-r|-t|-U) shift 2;; -*) shift;; *) break;; esac; done
                [ $# -eq 0 ] && exit 0
                SIM_SUDO=1 exec "$@"
                """);
        shim("whoami", "#!/bin/sh\nif [ -n \"$SIM_SUDO\" ]; then echo root; else echo pi; fi\n");
        shim("reboot", "#!/bin/sh\ntouch \"$SIM_CONTROL/reboot\"\n");
        shim("shutdown", """
                #!/bin/sh
                # shutdown -r [when]: reboot once this command returns; -h/-P: power off.
                case " $* " in *" -r "*|*" -r"*) touch "$SIM_CONTROL/reboot";; *) touch "$SIM_CONTROL/poweroff";; esac
                echo "Shutdown scheduled"
                """);
        shim("poweroff", "#!/bin/sh\ntouch \"$SIM_CONTROL/poweroff\"\n");
        shim("halt", "#!/bin/sh\ntouch \"$SIM_CONTROL/poweroff\"\n");
    }

    private void shim(String name, String body) throws IOException {
        write("bin/" + name, body, true);
    }

    private void write(String relative, String content, boolean executable) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        if (executable) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static KeyPair newHostKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A MAC in the Raspberry Pi Foundation's range, stable for a name. */
    static String macFor(String name) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            String h = HexFormat.of().formatHex(d, 0, 3);
            return "b8:27:eb:" + h.substring(0, 2) + ":" + h.substring(2, 4) + ":" + h.substring(4, 6);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        generation.incrementAndGet();
        state = State.DOWN;
        closeHang();
        try {
            ssh.stop(true);
        } catch (IOException e) {
            log.debug("stopping Pi {}: {}", name, e.getMessage());
        }
    }

}
