package io.cattlepi.ci.boottest;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The recipe's test battery: after a build whose steps passed left boot images, its Pi boots them
 * and runs the repository's tests for the recipe; the result is a commit status of its own.
 *
 * @param enabled       run the battery at all
 * @param recipe        what {@code /etc/cattlepi/release.sh} must print on the booted image, and the
 *                      tests' folder under {@code testsDir}
 * @param imagesDir     where the build leaves {@code initramfs.tgz} and {@code rootfs.sqsh}, relative to the checkout
 * @param testsDir      the batteries' folder in the repository ({@code tests/<recipe>/})
 * @param context       the battery's commit status context
 * @param bootTimeout   how long the Pi may take from the reboot to the built image answering
 * @param testTimeout   one test's limit
 * @param timeout       the whole battery's limit (boot and tests)
 * @param rebootCommand run on the Pi to make it boot from its CattlePi config (restores CattlePi's initramfs)
 * @param via           who serves the images to the Pi
 * @param imageBase     the controller's URL as the rack reaches it (for {@link ImagesVia#CONTROLLER})
 * @param maxImageBytes a larger image is refused
 * @param stagingDir    where the controller keeps its copy of the images while the battery runs
 */
public record BootTestSettings(boolean enabled, String recipe, String imagesDir, String testsDir, String context,
                               Duration bootTimeout, Duration testTimeout, Duration timeout, String rebootCommand,
                               ImagesVia via, URI imageBase, long maxImageBytes, Path stagingDir) {
    /** Who publishes the images for the Pi. */
    public enum ImagesVia {
        /** The controller's own HTTP server, under a per-build unguessable path. */
        CONTROLLER,
        /** The logs' S3 bucket, through presigned URLs. */
        S3;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static ImagesVia fromWire(String s) {
            for (ImagesVia v : values()) {
                if (v.wireName().equals(s)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("expected controller or s3, got \"" + s + "\"");
        }
    }

    public static final String DEFAULT_RECIPE = "raspbian_cattlepi";
    /** Where CattlePi's builder leaves a recipe's images. */
    public static final String DEFAULT_IMAGES_DIR = "builder/latest/output";
    public static final String DEFAULT_TESTS_DIR = "tests";
    public static final String DEFAULT_CONTEXT = "cattlepi-ci/boot-test";
    /** The seed's wait for a rebooting Pi. */
    public static final Duration DEFAULT_BOOT_TIMEOUT = Duration.ofSeconds(600);
    public static final Duration DEFAULT_TEST_TIMEOUT = Duration.ofSeconds(300);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1800);
    public static final String DEFAULT_REBOOT = "sudo /etc/cattlepi/restore_cattlepi.sh";
    public static final long DEFAULT_MAX_IMAGE_MB = 2048;
    public static final String INITFS = "initramfs.tgz";
    public static final String ROOTFS = "rootfs.sqsh";

    /** A recipe name, a file name of a test: nothing a shell or a path could misread. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** A folder relative to the checkout, without {@code ..}. */
    private static final Pattern RELATIVE = Pattern.compile("(?!/)(?!.*(^|/)\\.\\.?(/|$))[A-Za-z0-9._/-]{1,200}");

    /** Whether {@code dir} is a folder relative to the checkout, without {@code ..}. */
    public static boolean relativeFolder(String dir) {
        return dir != null && RELATIVE.matcher(dir).matches();
    }

    public BootTestSettings {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(rebootCommand, "rebootCommand");
        Objects.requireNonNull(via, "via");
        Objects.requireNonNull(stagingDir, "stagingDir");
        if (!NAME.matcher(recipe).matches()) {
            throw new IllegalArgumentException("recipe must be a plain name, got \"" + recipe + "\"");
        }
        for (String dir : new String[] {imagesDir, testsDir}) {
            if (!relativeFolder(dir)) {
                throw new IllegalArgumentException("a folder relative to the checkout, without '..', got \"" + dir + "\"");
            }
        }
        if (via == ImagesVia.CONTROLLER && imageBase == null) {
            throw new IllegalArgumentException("the controller's URL as the rack reaches it is needed to serve images");
        }
    }

    /** The battery's tests folder in a checkout: {@code tests/<recipe>}. */
    public String recipeTests() {
        return testsDir.replaceAll("/+$", "") + "/" + recipe;
    }

    /** The defaults, served by the controller at {@code imageBase}, staged in {@code stagingDir}. */
    public static BootTestSettings defaults(URI imageBase, Path stagingDir) {
        return new BootTestSettings(true, DEFAULT_RECIPE, DEFAULT_IMAGES_DIR, DEFAULT_TESTS_DIR, DEFAULT_CONTEXT,
                DEFAULT_BOOT_TIMEOUT, DEFAULT_TEST_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_REBOOT, ImagesVia.CONTROLLER,
                imageBase, DEFAULT_MAX_IMAGE_MB * 1024 * 1024, stagingDir);
    }
}
