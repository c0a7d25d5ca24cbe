package io.cattlepi.ci.build.run;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Deletes folders (builds', the demo's, simulated Pis') without following links out of them. */
public final class FileTrees {
    private FileTrees() {
    }

    /** Deletes {@code dir} and everything in it; links are deleted, never followed. Missing is fine. */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Deletes what it can of {@code top}, going on past what it may not delete or what vanished
     * meanwhile (a temp folder whose owner may still write to it); links are deleted, never followed.
     */
    public static void deleteQuietly(Path top) {
        try {
            Files.walkFileTree(top, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    deleteIfCan(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    deleteIfCan(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) {
                    deleteIfCan(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort: what is left stays in its temp folder
        }
    }

    private static void deleteIfCan(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a folder a file was added to meanwhile, or one this user may not delete: left
        }
    }
}
