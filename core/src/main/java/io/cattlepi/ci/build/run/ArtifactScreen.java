package io.cattlepi.ci.build.run;

import io.cattlepi.ci.secret.Redactor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks what a build left for publishing. The copy is scanned, not the original, so the build
 * cannot change a file between the check and the upload. A text file holding a secret is
 * published with the secret masked; anything else holding one is not published at all.
 */
final class ArtifactScreen {
    /** Larger files are not rewritten in memory (the controller runs in a small heap). */
    private static final long TEXT_LIMIT = 4L * 1024 * 1024;

    enum Verdict { CLEAN, MASKED, WITHHELD }

    private ArtifactScreen() {
    }

    static Verdict screen(Path copy, Redactor redactor) throws IOException {
        boolean reveals;
        try (InputStream in = Files.newInputStream(copy)) {
            reveals = redactor.reveals(in);
        }
        if (!reveals) {
            return Verdict.CLEAN;
        }
        if (Files.size(copy) <= TEXT_LIMIT) {
            byte[] bytes = Files.readAllBytes(copy);
            try {
                String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
                String masked = redactor.redact(text);
                if (!redactor.reveals(masked)) {
                    Files.writeString(copy, masked, StandardCharsets.UTF_8);
                    return Verdict.MASKED;
                }
            } catch (CharacterCodingException e) {
                // binary: cannot be masked safely
            }
        }
        Files.delete(copy);
        return Verdict.WITHHELD;
    }
}
