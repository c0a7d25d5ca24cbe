package io.cattlepi.ci.simulator.pi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A simulated boot image: a tar archive (gzipped or not) standing in for CattlePi's squashfs root
 * and initramfs. Its {@code cattlepi-manifest} ({@code key=value} lines) says what the Pi boots
 * ({@code recipe=...}); its other regular files are what the image adds to the Pi's file system.
 * Only regular files are read; links, devices and anything outside the archive's root are not.
 */
record SimulatedImage(Map<String, String> manifest, Map<String, Entry> files) {
    static final String MANIFEST = "cattlepi-manifest";
    /** Bound on what a simulated Pi unpacks (simulated images are small). */
    static final int MAX_BYTES = 64 * 1024 * 1024;

    /** One file of the image. */
    record Entry(byte[] content, int mode) {
    }

    /** Not an archive the simulated initramfs can read: a real Pi fails to mount such a root and panics. */
    static final class Unreadable extends IOException {
        Unreadable(String message) {
            super(message);
        }
    }

    String recipe() {
        return manifest.getOrDefault("recipe", "");
    }

    /** The manifest asks the simulated Pi to store this image corrupted (a failing SD card, a broken proxy). */
    boolean corruptOnDownload() {
        return "corrupt-download".equals(manifest.get("simulate"));
    }

    static SimulatedImage read(byte[] archive) throws Unreadable {
        try (InputStream in = open(archive)) {
            Map<String, Entry> files = new LinkedHashMap<>();
            byte[] header = new byte[512];
            long total = 0;
            while (in.readNBytes(header, 0, 512) == 512) {
                String name = text(header, 0, 100);
                if (name.isEmpty()) {
                    break;
                }
                boolean ustar = text(header, 257, 5).equals("ustar");
                String prefix = ustar ? text(header, 345, 155) : "";
                String path = (prefix.isEmpty() ? name : prefix + "/" + name).replaceFirst("^(\\./)+", "");
                long size = octal(header, 124, 12);
                int mode = (int) octal(header, 100, 8);
                char type = (char) header[156];
                total += size;
                if (size < 0 || total > MAX_BYTES) {
                    throw new Unreadable("image too large for a simulated Pi");
                }
                byte[] content = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if ((type == '0' || type == 0) && !path.isEmpty() && !path.startsWith("/")
                        && !("/" + path + "/").contains("/../")) {
                    files.put(path, new Entry(content, mode & 07777));
                }
            }
            Entry manifest = files.remove(MANIFEST);
            if (manifest == null) {
                throw new Unreadable("no " + MANIFEST + " in the image");
            }
            return new SimulatedImage(parse(new String(manifest.content(), StandardCharsets.UTF_8)), files);
        } catch (Unreadable e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new Unreadable("not a readable image: " + e.getMessage());
        }
    }

    private static InputStream open(byte[] archive) throws IOException {
        InputStream in = new ByteArrayInputStream(archive);
        boolean gzip = archive.length > 2 && (archive[0] & 0xff) == 0x1f && (archive[1] & 0xff) == 0x8b;
        return gzip ? new GZIPInputStream(in) : in;
    }

    private static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return out;
    }

    private static String text(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len) {
        String s = text(b, off, len).strip();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }
}
