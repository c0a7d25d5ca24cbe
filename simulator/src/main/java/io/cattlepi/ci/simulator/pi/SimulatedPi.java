package io.cattlepi.ci.simulator.pi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.simulator.pi.jail.PiKernel;
import io.cattlepi.ci.simulator.pi.jail.PiRoot;
import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated Raspberry Pi running CattlePi, faithful where the controller and the recipes depend
 * on it: its own SSH endpoint (user {@code pi}, keys from its CattlePi config at boot, a new host key
 * at every boot), the boot protocol against the CattlePi API, stock versus CattlePi image, the
 * restore script that re-flashes stock, the images a config names (downloaded, md5-checked, booted),
 * reboots that drop every session, and faults on demand.
 *
 * <p>Everything the Pi runs runs jailed in its own namespaces ({@link PiKernel}) over its own file
 * system ({@link PiRoot}): root in the Pi, an unprivileged id on the host. Power requests made in the
 * Pi ({@code reboot}, {@code shutdown -r +N}, {@code systemctl reboot}, the restore script) reach
 * {@link #request} and take the Pi down when they fall due.
 */
public final class SimulatedPi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SimulatedPi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the Pi is in its life. */
    public enum State { DOWN, BOOTING, STOCK, CATTLEPI, LOOPING, HUNG }

    private final String name;
    private final String mac;
    private final PiEndpoint endpoint;
    private final PiRoot files;
    private final String apiUrl;
    private final String apiKey;
    private final PiTimings timings;
    private final ScheduledExecutorService timer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PiSshServer ssh;
    private final BootImages images;
    private volatile String bootedImage;
    private volatile PiKernel kernel;
    private volatile ScheduledFuture<?> pendingPower;
    private final AtomicInteger boots = new AtomicInteger();
    private final AtomicInteger generation = new AtomicInteger();
    private final AtomicInteger powerCycles = new AtomicInteger();
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

    SimulatedPi(String name, String mac, PiEndpoint endpoint, Path dir, String apiUrl, String apiKey, PiTimings timings,
                ScheduledExecutorService timer) throws IOException {
        this.name = name;
        this.mac = mac;
        this.endpoint = endpoint;
        this.apiUrl = apiUrl;
        this.apiKey = apiKey;
        this.timings = timings;
        this.timer = timer;
        this.files = PiRoot.create(dir, name);
        this.images = new BootImages(files, http, apiKey);
        this.hostKey = newHostKey();
        this.ssh = (PiSshServer) ServerBuilder.builder().factory(PiSshServer::new).build();
        ssh.useSshdChannelEnding();
        CoreModuleProperties.TCP_NODELAY.set(ssh, true);
        // Started on any free port and unbound at once: each boot binds the Pi's own address.
        ssh.setHost("127.0.0.1");
        ssh.setPort(0);
        ssh.setKeyPairProvider(session -> List.of(hostKey));
        ssh.setPublickeyAuthenticator((user, key, session) -> !refuseAuth && "pi".equals(user)
                && authorized.stream().anyMatch(k -> KeyUtils.compareKeys(k, key)));
        ssh.setPasswordAuthenticator(null);
        ssh.setKeyboardInteractiveAuthenticator(null);
        ssh.setCommandFactory((channel, command) -> new PiCommand(this, PiCommand.Kind.EXEC, command));
        ssh.setShellFactory(channel -> new PiCommand(this, PiCommand.Kind.SHELL, null));
        ssh.setSubsystemFactories(List.of(new SubsystemFactory() {
            @Override
            public String getName() {
                return "sftp";
            }

            @Override
            public Command createSubsystem(ChannelSession c) {
                return new PiCommand(SimulatedPi.this, PiCommand.Kind.SFTP, null);
            }
        }));
        ssh.start();
        ssh.acceptor().unbind();
    }

    // ---- what tests and the demo read

    public String name() {
        return name;
    }

    public String mac() {
        return mac;
    }

    /** The Pi's address: its own loopback address when the rack could bind port 22, else 127.0.0.1. */
    public String host() {
        return endpoint.address().getHostString();
    }

    public int port() {
        return endpoint.address().getPort();
    }

    public State state() {
        return state;
    }

    public int bootCount() {
        return boots.get();
    }

    /** The recipe of the image its config named and it booted (its manifest's), or null on stock or CattlePi's own. */
    public String bootedImage() {
        return bootedImage;
    }

    /** The Pi's {@code /home/pi}, on the host. */
    public Path home() {
        return files.home();
    }

    /** Where a path of the Pi is on the host ({@code /etc/hostname} → its folder's copy). */
    public Path hostPath(String piPath) {
        return files.hostPath(piPath);
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

    /** Its power switched off (a PDU outlet, a USB hub port): down, and stays down until {@link #powerOn()}. */
    public void powerOff() {
        goDown(State.DOWN);
        powerCycles.incrementAndGet();
    }

    /** How many times its power was switched off. */
    public int powerOffs() {
        return powerCycles.get();
    }

    /** Power cut: down for {@code outage}, then boots again (into stock, or the image it was flashing). */
    public void powerLoss(Duration outage) {
        goDown(State.DOWN);
        scheduleBoot(outage);
    }

    /** The SSH port accepts TCP and never sends a banner, like a Pi wedged in the kernel. */
    public synchronized void hang() throws IOException {
        goDown(State.HUNG);
        endpoint.release();
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(endpoint.address());
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
        BootImages.Booted image = null;
        if (cattlepi && BootImages.named(config)) {
            try {
                image = images.fetch(config);
            } catch (BootImages.Panic e) {
                log.info("Pi {} panics at boot ({}); rebooting", name, e.getMessage());
                state = State.LOOPING;
                scheduleBoot(timings.boot());
                return;
            }
            if (!image.initfsMd5().equals(images.currentInitfs())) {
                // CattlePi unpacks a new initfs onto the boot partition and reboots once more to run it.
                try {
                    images.unpackInitfs(image.initfsMd5());
                } catch (IOException e) {
                    log.warn("Pi {}: cannot unpack its initfs: {}", name, e.getMessage());
                }
                log.info("Pi {}: initfs updated, rebooting to pick it up", name);
                scheduleBoot(Duration.ZERO);
                return;
            }
        }
        String release = image != null ? image.root().recipe() : cattlepi ? "raspbian_cattlepi" : "raspbian_stock";
        PiKernel booted = null;
        try {
            authorized = authorizedKeys(config);
            hostKey = newHostKey();
            // What the image it booted says, and what its kernel says (a new boot_id at every boot:
            // what a recipe compares to know the Pi really rebooted).
            String cmdline = cattlepi ? "console=tty1 root=/dev/ram0 boot=cattlepi cattlepi_base=" + apiUrl + " quiet"
                    : "console=tty1 root=PARTUUID=6c586e13-02 rootfstype=ext4 elevator=deadline rootwait quiet";
            images.clearLaid();
            if (image != null) {
                images.lay(image, cachedConfig);
            }
            bootedImage = image == null ? null : release;
            files.write("/etc/cattlepi/release.sh", "#!/bin/sh\necho " + release + "\n", "rwxr-xr-x", 0);
            files.write("/boot/cmdline.txt", cmdline + "\n", "rwxr-xr-x", 0);
            files.write("/home/pi/.ssh/authorized_keys", authorizedLines(config), "rw-------", PiRoot.PI_UID);
            files.writeKernel(cmdline, UUID.randomUUID().toString());
            files.clearTmp();
            booted = PiKernel.boot(files, name, this::request, Duration.ofSeconds(30));
            kernel = booted;
            Duration late = lateUsercode;
            if (late.isZero()) {
                runUsercode(config);
            }
            listen(gen, 0, cattlepi ? State.CATTLEPI : State.STOCK);
            if (!late.isZero()) {
                timer.schedule(() -> runUsercode(config), late.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            log.warn("Pi {} failed to come up: {}", name, e.getMessage());
            if (booted != null) {
                booted.close();
            }
            endpoint.hold();
            state = State.LOOPING;
            scheduleBoot(timings.boot());
            return;
        }
        if (cattlepi && image == null) {
            timer.execute(() -> flashStock(config, gen));
        }
    }

    /**
     * Opens the Pi's SSH port: the last step of a boot. A port that a just-closed listener still
     * holds is retried with back-off (bounded) rather than costing the Pi a whole reboot.
     */
    private void listen(int gen, int attempt, State up) {
        synchronized (this) {
            if (gen != generation.get()) {
                return;
            }
            try {
                endpoint.release();
                ssh.acceptor().bind(endpoint.address());
                state = up;
                return;
            } catch (IOException e) {
                endpoint.hold();
                if (attempt >= 6) {
                    log.warn("Pi {} cannot listen on {}: {}; it panics and reboots", name, endpoint.address(), e.getMessage());
                    PiKernel k = kernel;
                    kernel = null;
                    if (k != null) {
                        k.close();
                    }
                    state = State.LOOPING;
                    scheduleBoot(timings.boot());
                    return;
                }
                log.info("Pi {}: {} busy ({}), retrying", name, endpoint.address(), e.getMessage());
            }
        }
        timer.schedule(() -> listen(gen, attempt + 1, up), 50L << attempt, TimeUnit.MILLISECONDS);
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
            if (gen == generation.get() && state != State.HUNG) {
                cattlepiNext = false;
                try {
                    images.forgetCard();
                } catch (IOException e) {
                    log.warn("Pi {}: {}", name, e.getMessage());
                }
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

    private static String authorizedLines(JsonNode config) {
        StringBuilder b = new StringBuilder();
        for (JsonNode line : config.path("config").path("ssh").path("pi").path("authorized_keys")) {
            b.append(line.asText().strip()).append('\n');
        }
        return b.toString();
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

    /** The config's base64 usercode, run as the Pi's root at boot like bootstrap.sh does (bounded). */
    private void runUsercode(JsonNode config) {
        String encoded = config.path("usercode").asText("");
        PiKernel k = kernel;
        if (encoded.isBlank() || k == null) {
            return;
        }
        try {
            String script = new String(Base64.getMimeDecoder().decode(encoded), StandardCharsets.UTF_8);
            Map<String, String> env = new LinkedHashMap<>();
            env.put("HOME", "/root");
            env.put("USER", "root");
            env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            env.put("LANG", "C.UTF-8");
            env.put("CATTLEPI_BASE", apiUrl);
            env.put("CATTLEPI_APIKEY", apiKey);
            env.put("CATTLEPI_ID", mac);
            env.put("SSH_HOST_KEY_FINGERPRINT", hostKeyFingerprint());
            Process p = new ProcessBuilder(k.enter(0, "/root", env, List.of("/bin/sh", "-c", script)))
                    .redirectErrorStream(true).redirectOutput(files.dir().resolve("usercode.log").toFile()).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException | IllegalArgumentException e) {
            log.warn("Pi {}: usercode failed: {}", name, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- commands and power requests from inside the Pi

    /** The host command line that runs one SSH request in the Pi as {@code pi}, or null while the Pi is down. */
    List<String> commandLine(PiCommand.Kind kind, String command, Map<String, String> clientEnv) {
        PiKernel k = kernel;
        if (k == null || !k.alive()) {
            return null;
        }
        Map<String, String> env = new LinkedHashMap<>();
        // What sshd gives a Raspbian login, plus the locale the client sent (sshd's AcceptEnv LANG LC_*).
        env.put("HOME", "/home/pi");
        env.put("USER", "pi");
        env.put("LOGNAME", "pi");
        env.put("SHELL", "/bin/bash");
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games");
        env.put("LANG", "C.UTF-8");
        clientEnv.forEach((key, v) -> {
            if (key.equals("LANG") || key.startsWith("LC_")) {
                env.put(key, v);
            }
        });
        List<String> argv = switch (kind) {
            case EXEC -> List.of("/bin/bash", "-c", command);
            case SHELL -> List.of("/bin/bash", "-l");
            case SFTP -> List.of(SFTP_SERVER);
        };
        return k.enter(PiRoot.PI_UID, "/home/pi", env, argv);
    }

    static final String SFTP_SERVER = "/usr/lib/openssh/sftp-server";

    Duration slowLinkDelay() {
        return slowLink;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /**
     * One power request from the Pi's control pipe: {@code reboot|poweroff MINUTES}, {@code cancel},
     * {@code restore}, or a sysrq key ({@code b} reboots, {@code o} powers off). A later request
     * replaces a pending one, as with systemd's scheduled shutdown; a reboot forgets it.
     */
    void request(String line) {
        List<String> w = List.of(line.trim().split("\\s+"));
        int gen = generation.get();
        long minutes = 0;
        try {
            minutes = w.size() > 1 ? Long.parseLong(w.get(1)) : 0;
        } catch (NumberFormatException e) {
            log.warn("Pi {}: unreadable power request '{}'", name, line);
            return;
        }
        Runnable action = switch (w.get(0)) {
            case "reboot", "b" -> this::reboot;
            case "poweroff", "o" -> () -> goDown(State.DOWN);
            case "restore" -> () -> {
                cattlepiNext = true;
                reboot();
            };
            case "cancel" -> null;
            default -> {
                log.warn("Pi {}: unknown power request '{}'", name, line);
                yield null;
            }
        };
        ScheduledFuture<?> old = pendingPower;
        if (old != null) {
            old.cancel(false);
        }
        if (action == null) {
            pendingPower = null;
            return;
        }
        long delay = timings.minute().toMillis() * minutes;
        log.info("Pi {}: {} in {} ms", name, w.get(0), delay);
        if (delay == 0) {
            // Now means now: not after whatever the rack's timer is busy with (a probe could slip in).
            pendingPower = null;
            action.run();
            return;
        }
        pendingPower = timer.schedule(() -> {
            if (gen == generation.get()) {
                action.run();
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** Whether a power request made in the Pi is waiting to fall due ({@code shutdown -r +N}). */
    public boolean rebootPending() {
        ScheduledFuture<?> p = pendingPower;
        return p != null && !p.isDone();
    }

    private synchronized void goDown(State next) {
        generation.incrementAndGet();
        state = next;
        closeHang();
        ScheduledFuture<?> p = pendingPower;
        if (p != null) {
            p.cancel(false);
        }
        for (AbstractSession s : ssh.getActiveSessions()) {
            s.close(true);
        }
        ssh.acceptor().unbind();
        endpoint.hold();
        PiKernel k = kernel;
        kernel = null;
        if (k != null) {
            k.close();
        }
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
            endpoint.hold();
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
        goDown(State.DOWN);
        endpoint.close();
        try {
            ssh.stop(true);
        } catch (IOException e) {
            log.debug("stopping Pi {}: {}", name, e.getMessage());
        }
    }

}
