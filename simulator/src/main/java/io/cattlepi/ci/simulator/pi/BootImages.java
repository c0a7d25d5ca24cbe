package io.cattlepi.ci.simulator.pi;

import com.fasterxml.jackson.databind.JsonNode;
import io.cattlepi.ci.simulator.pi.jail.PiRoot;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a simulated Pi's CattlePi initramfs does with the images of its config, as CattlePi's does:
 * each is downloaded (with the API key) to {@code /boot/cattlepi/images/<md5sum>} unless a copy
 * there already has that md5sum, and checked; a failed download or a mismatch panics (the Pi
 * reboots and tries again: a boot loop). The root image's manifest then says what the Pi boots, and
 * the files it adds are laid over the Pi's own for that boot only.
 */
final class BootImages {
    static final String IMAGES_DIR = "/boot/cattlepi/images";
    /** Where CattlePi's initramfs notes the initfs it unpacked onto the boot partition. */
    static final String INITFS_MARK = "/boot/initfs";
    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");
    /** Where a simulated image may add files: not the kernel's, not the simulator's, not pi's keys. */
    private static final List<String> WRITABLE = List.of("etc/", "opt/", "srv/", "usr/local/bin/", "usr/local/share/",
            "usr/local/lib/", "var/lib/");

    /** The image fails to boot: the initramfs panics. */
    static final class Panic extends Exception {
        Panic(String message) {
            super(message);
        }
    }

    /** The image booted, from a config whose initfs has this md5sum. */
    record Booted(SimulatedImage root, String initfsMd5) {
    }

    private final PiRoot files;
    private final HttpClient http;
    private final String apiKey;
    private final List<String> laid = new ArrayList<>();

    BootImages(PiRoot files, HttpClient http, String apiKey) {
        this.files = files;
        this.http = http;
        this.apiKey = apiKey;
    }

    /** Whether the config names images to boot (the workers' shared config does not: it flashes stock). */
    static boolean named(JsonNode config) {
        return !config.path("rootfs").path("url").asText("").isEmpty()
                && !config.path("initfs").path("url").asText("").isEmpty();
    }

    /** Fetches and checks both images. */
    Booted fetch(JsonNode config) throws Panic {
        String initfs = fetch(config, "initfs", false);
        String rootfs = fetch(config, "rootfs", true);
        try {
            return new Booted(SimulatedImage.read(Files.readAllBytes(image(rootfs))), initfs);
        } catch (IOException e) {
            throw new Panic("cannot mount the root image: " + e.getMessage());
        }
    }

    private String fetch(JsonNode config, String which, boolean root) throws Panic {
        String md5 = config.path(which).path("md5sum").asText("");
        String url = config.path(which).path("url").asText("");
        if (!MD5.matcher(md5).matches()) {
            throw new Panic(which + ".md5sum is not an md5sum");
        }
        try {
            Path cached = image(md5);
            if (Files.isRegularFile(cached, LinkOption.NOFOLLOW_LINKS) && md5.equals(md5(Files.readAllBytes(cached)))) {
                return md5;
            }
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .header("X-Api-Key", apiKey).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new Panic("downloading " + which + " failed: HTTP " + r.statusCode());
            }
            byte[] bytes = r.body();
            if (root && corrupting(bytes)) {
                bytes = bytes.clone();
                bytes[bytes.length - 1] ^= 0x5a;
            }
            files.writeNoFollow(IMAGES_DIR + "/" + md5, bytes, "rw-r--r--", 0);
            String got = md5(bytes);
            if (!md5.equals(got)) {
                files.deleteNoFollow(IMAGES_DIR + "/" + md5);
                throw new Panic("checksum verification failed for " + which + " (expected " + md5 + ", got " + got + ")");
            }
            return md5;
        } catch (IOException | IllegalArgumentException e) {
            throw new Panic("downloading " + which + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Panic("interrupted");
        }
    }

    /** A root image whose manifest asks the simulated Pi to store it corrupted. */
    private static boolean corrupting(byte[] bytes) {
        try {
            return bytes.length > 0 && SimulatedImage.read(bytes).corruptOnDownload();
        } catch (SimulatedImage.Unreadable e) {
            return false;
        }
    }

    /** The initfs the boot partition holds, as CattlePi notes it. */
    String currentInitfs() {
        try {
            Path mark = files.hostPath(INITFS_MARK);
            return Files.isRegularFile(mark, LinkOption.NOFOLLOW_LINKS) ? Files.readString(mark).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Unpacks the initfs onto the boot partition (then the Pi reboots once more to run it). */
    void unpackInitfs(String md5) throws IOException {
        files.writeNoFollow(INITFS_MARK, (md5 + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), "rwxr-xr-x", 0);
    }

    /** Lays the image's files over the Pi's, and the config it booted at {@code /cattlepi/config}. */
    void lay(Booted booted, byte[] config) throws IOException {
        for (Map.Entry<String, SimulatedImage.Entry> f : booted.root().files().entrySet()) {
            if (WRITABLE.stream().anyMatch(f.getKey()::startsWith)) {
                String mode = PosixModes.of(f.getValue().mode());
                files.writeNoFollow("/" + f.getKey(), f.getValue().content(), mode, 0);
                laid.add("/" + f.getKey());
            }
        }
        files.writeNoFollow("/cattlepi/config", config, "rw-r--r--", 0);
        laid.add("/cattlepi/config");
    }

    /** A new boot starts from the Pi's own files: whatever the last image added is gone. */
    void clearLaid() throws IOException {
        for (String p : laid) {
            files.deleteNoFollow(p);
        }
        laid.clear();
    }

    /** Stock Raspbian was flashed over the card: no CattlePi images or initfs are left on it. */
    void forgetCard() throws IOException {
        files.deleteNoFollow(INITFS_MARK);
        Path dir = files.hostPath(IMAGES_DIR);
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (var list = Files.list(dir)) {
                for (Path p : list.toList()) {
                    files.deleteNoFollow(IMAGES_DIR + "/" + p.getFileName());
                }
            }
        }
    }

    private Path image(String md5) {
        return files.hostPath(IMAGES_DIR + "/" + md5);
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A tar mode as {@code rwxr-xr-x}, the setuid, setgid and sticky bits dropped. */
    private static final class PosixModes {
        static String of(int mode) {
            StringBuilder b = new StringBuilder();
            String letters = "rwxrwxrwx";
            for (int i = 0; i < 9; i++) {
                b.append((mode & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
            }
            return b.toString();
        }
    }
}
