package io.cattlepi.ci.crash;

/**
 * Named points where the crash-resume tests kill the controller: with {@code -Dcattlepi.crashAt=NAME}
 * the JVM halts there at once, skipping shutdown hooks and finally blocks exactly like SIGKILL, but
 * at a known line. In-process engine tests {@link #arm} a point instead: the thread that reaches it
 * dies there. Without either (production) a call is two field reads.
 */
public final class CrashPoint {
    public static final String PROPERTY = "cattlepi.crashAt";
    /** The build is stored as queued; its message not yet deleted or kept. */
    public static final String QUEUED = "queued";
    /** The build is running on a leased Pi; checkout about to start. */
    public static final String CHECKING_OUT = "checking-out";
    /** A step's process is running. */
    public static final String STEP_RUNNING = "step-running";
    /** The result is stored; the final upload is about to start. */
    public static final String UPLOADING = "uploading";
    /** Final status posted; the SQS message is about to be deleted. */
    public static final String DELETING = "deleting";
    /** Boot test: the device's own config is saved in the store; pointing it at the images is next. */
    public static final String BOOT_TEST_CONFIGURING = "boot-test-configuring";
    /** Boot test: the device config points at the images and the Pi is rebooting into them. */
    public static final String BOOT_TEST_BOOTING = "boot-test-booting";
    /** Boot test: the Pi booted the built image and a test of the battery is running on it. */
    public static final String BOOT_TEST_TESTING = "boot-test-testing";
    /** Boot test: the result is stored; the device config is about to be put back. */
    public static final String BOOT_TEST_RESTORING = "boot-test-restoring";
    /** The Pi's reset is about to be started. */
    public static final String RESETTING = "resetting";

    private static final String TARGET = System.getProperty(PROPERTY);
    private static volatile String armed;
    private static volatile boolean fired;

    /** What the thread that reached an armed point dies of. */
    public static final class Crash extends Error {
        public Crash(String point) {
            super("crash point " + point);
        }
    }

    private CrashPoint() {
    }

    /** The next thread that reaches {@code name} throws {@link Crash} (once; in-process tests only). */
    public static void arm(String name) {
        fired = false;
        armed = name;
    }

    /** Whether the armed point was reached since {@link #arm}. */
    public static boolean fired() {
        return fired;
    }

    public static void disarm() {
        armed = null;
    }

    public static void reach(String name) {
        if (TARGET != null && TARGET.equals(name)) {
            System.err.println("crash point " + name + ": halting");
            Runtime.getRuntime().halt(137);
        }
        if (armed != null && armed.equals(name)) {
            armed = null;
            fired = true;
            throw new Crash(name);
        }
    }
}
