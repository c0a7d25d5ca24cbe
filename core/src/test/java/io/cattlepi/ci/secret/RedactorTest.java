package io.cattlepi.ci.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RedactorTest {
    private static final String TOKEN = "ghp_s3cr3tT0ken+/=value";
    private static final String KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\n"
            + "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
            + "QyNTUxOQAAACBvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3Jvb3JvbwAAAJjP3Y4E\n"
            + "-----END OPENSSH PRIVATE KEY-----\n";
    private final Redactor redactor = Redactor.of(List.of(new Secret(TOKEN), new Secret(KEY), new Secret("abc")));

    @Test
    void everyFormOfASecretIsMasked() {
        byte[] bytes = TOKEN.getBytes(StandardCharsets.UTF_8);
        for (String form : List.of(TOKEN, new StringBuilder(TOKEN).reverse().toString(),
                HexFormat.of().formatHex(bytes), HexFormat.of().withUpperCase().formatHex(bytes),
                URLEncoder.encode(TOKEN, StandardCharsets.UTF_8), Base64.getEncoder().encodeToString(bytes),
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))) {
            String line = "leaked: " + form + " end";
            assertTrue(redactor.reveals(line), form);
            assertFalse(redactor.reveals(redactor.redact(line)), form);
            assertTrue(redactor.redact(line).startsWith("leaked: ****"), redactor.redact(line));
        }
    }

    @Test
    void aSecretInsideALargerBase64StreamIsFoundAtEveryAlignment() throws Exception {
        Random random = new Random(42);
        for (int before = 0; before < 6; before++) {
            byte[] prefix = new byte[before];
            random.nextBytes(prefix);
            String config = new String(prefix, StandardCharsets.ISO_8859_1) + "{\"gh_token\": \"" + TOKEN + "\"}";
            String encoded = Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(redactor.reveals(encoded), "offset " + before);
            assertTrue(redactor.reveals(new ByteArrayInputStream(encoded.getBytes(StandardCharsets.US_ASCII))));
        }
    }

    @Test
    void aMultiLineKeyIsMaskedLineByLineAsLogsSplitIt() {
        String line = KEY.lines().toList().get(1);
        assertEquals("out | ****", redactor.redact("out | " + line));
    }

    @Test
    void aByteStreamIsScannedAcrossItsChunkBoundaries() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024];
        byte[] secret = TOKEN.getBytes(StandardCharsets.UTF_8);
        // Straddles the first 1 MiB chunk's end.
        System.arraycopy(secret, 0, big, 1024 * 1024 - 5, secret.length);
        assertTrue(redactor.reveals(new ByteArrayInputStream(big)));
        assertFalse(redactor.reveals(new ByteArrayInputStream(new byte[3 * 1024 * 1024])));
    }

    @Test
    void valuesTooShortToBeSecretsAreLeftAlone() {
        assertEquals("abc and cba", redactor.redact("abc and cba"));
        assertEquals("nothing here", Redactor.none().redact("nothing here"));
    }
}
