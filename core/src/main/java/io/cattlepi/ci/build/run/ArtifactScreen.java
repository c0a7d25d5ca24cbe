package io.cattlepi.ci.build.run;

import io.cattlepi.ci.secret.Redactor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

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

    /** Regular files under {@code from} (the checkout's artifacts), never following links out of it, screened. */
    static void keep(Path from, Path to, BuildLog log, Redactor redactor) throws IOException {
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    Path relative = from.relativize(file);
                    Path target = to.resolve(relative.toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
                    switch (screen(target, redactor)) {
                        case CLEAN -> log.note("artifact: " + relative + " (" + attrs.size() + " bytes)");
                        case MASKED -> log.note("artifact: " + relative + " (" + attrs.size()
                                + " bytes): a secret of the controller was withheld from it (masked)");
                        case WITHHELD -> log.note("artifact: " + relative + " not published: it holds a secret of"
                                + " the controller");
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
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
