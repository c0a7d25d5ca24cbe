package io.cattlepi.ci.boottest.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.build.run.StepResult;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a Pi says it booted, read in one SSH command: its boot id, {@code /etc/cattlepi/release.sh},
 * {@code /proc/cmdline}, and the md5sums of the images in the config its initramfs booted
 * ({@code /cattlepi/config}, copied there by CattlePi's initramfs once they were checked).
 */
final class BootCheck {
    static final String LOOK = "cat /proc/sys/kernel/random/boot_id 2>/dev/null; echo @@; /etc/cattlepi/release.sh"
            + " 2>/dev/null; echo @@; cat /proc/cmdline 2>/dev/null; echo @@; cat /cattlepi/config 2>/dev/null";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One look at the Pi. */
    record Seen(String bootId, String release, boolean cattlepiBoot, String initfsMd5, String rootfsMd5) {
        /** Whether this is a boot, after {@code before}, of the image with these md5sums and this recipe. */
        boolean booted(String before, String recipe, String initfs, String rootfs) {
            return !bootId.isEmpty() && !bootId.equals(before) && recipe.equals(release) && cattlepiBoot
                    && initfs.equals(initfsMd5) && rootfs.equals(rootfsMd5);
        }

        String describe() {
            return "release " + (release.isEmpty() ? "unknown" : release) + ", " + (cattlepiBoot ? "" : "no ")
                    + "boot=cattlepi, images " + (rootfsMd5.isEmpty() ? "none" : "initfs " + initfsMd5 + " rootfs "
                    + rootfsMd5);
        }
    }

    private BootCheck() {
    }

    /** Empty when the Pi does not answer the build's SSH (down, booting, its new key not pinned yet). */
    static Optional<Seen> look(CellShell shell) throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        StepResult r = shell.ssh(LOOK, TIMEOUT, (source, text) -> lines.add(text));
        if (!r.ok()) {
            return Optional.empty();
        }
        return Optional.of(parse(lines));
    }

    static Seen parse(List<String> lines) {
        List<StringBuilder> parts = new ArrayList<>(List.of(new StringBuilder()));
        for (String line : lines) {
            if (line.equals("@@") && parts.size() < 4) {
                parts.add(new StringBuilder());
            } else {
                parts.get(parts.size() - 1).append(line).append('\n');
            }
        }
        while (parts.size() < 4) {
            parts.add(new StringBuilder());
        }
        String initfs = "";
        String rootfs = "";
        try {
            JsonNode config = JSON.readTree(parts.get(3).toString());
            if (config != null) {
                initfs = config.path("initfs").path("md5sum").asText("");
                rootfs = config.path("rootfs").path("md5sum").asText("");
            }
        } catch (IOException e) {
            // no config: not a CattlePi boot
        }
        String cmdline = parts.get(2).toString();
        return new Seen(parts.get(0).toString().strip(), parts.get(1).toString().strip(),
                List.of(cmdline.strip().split("\\s+")).contains("boot=cattlepi"), initfs, rootfs);
    }
}
