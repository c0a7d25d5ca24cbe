package io.cattlepi.ci.demo;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waiting for the running system from outside it (the demo's smoke modes, benchmarks, tests):
 * the controller works on its own threads and processes, so its observers poll, always bounded.
 */
public final class Poll {
    private static final long EVERY_MILLIS = 50;

    private Poll() {
    }

    /** True once the condition holds, false when {@code limit} passed first. */
    public static boolean until(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(EVERY_MILLIS);
        }
        return true;
    }
}
