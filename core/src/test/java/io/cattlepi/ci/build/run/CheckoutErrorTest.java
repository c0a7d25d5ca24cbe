package io.cattlepi.ci.build.run;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.retry.Sleeper;
import io.cattlepi.ci.secret.Redactor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed checkout says what git said, not only its exit code: the status and the controller's log show it. */
class CheckoutErrorTest {
    @TempDir
    Path dir;

    @Test
    void aCheckoutThatFailsCarriesGitsOwnFirstLine() throws Exception {
        Checkout checkout = new Checkout(new StepRunner(Clock.systemUTC(), Duration.ofSeconds(2)), Duration.ZERO,
                Duration.ofMillis(1), Duration.ofSeconds(30), Clock.systemUTC(), Sleeper.SYSTEM);
        Path missing = dir.resolve("no-such-repository.git");
        try (BuildLog log = new BuildLog(dir.resolve("build.log"), Clock.systemUTC(), Redactor.none())) {
            CheckoutException e = assertThrows(CheckoutException.class, () -> checkout.run(missing.toUri().toString(),
                    "a".repeat(40), dir.resolve("src"), Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString()), log,
                    () -> false, argv -> argv));
            assertTrue(e.getMessage().startsWith("git fetch exited with 128: fatal: "), e.getMessage());
            assertTrue(e.getMessage().contains("no-such-repository.git"), e.getMessage());
        }
    }
}
