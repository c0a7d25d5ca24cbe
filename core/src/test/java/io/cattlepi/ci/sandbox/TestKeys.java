package io.cattlepi.ci.sandbox;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.secret.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A throw-away Pi key made by OpenSSH itself, as an operator's would be. */
final class TestKeys {
    private TestKeys() {
    }

    /** An unencrypted ed25519 private key written to {@code dir/id} (public half beside it). */
    static Secret ed25519(Path dir, String comment) throws Exception {
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment,
                "-f", dir.resolve("id").toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "ssh-keygen");
        return new Secret(Files.readString(dir.resolve("id")));
    }
}
