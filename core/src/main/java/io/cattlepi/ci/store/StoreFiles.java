package io.cattlepi.ci.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The store's files are for the controller's user and group only: they hold every build's
 * history and the approved workers' config. SQLite gives its -wal and -shm files the database
 * file's mode, so setting that one is enough.
 */
final class StoreFiles {
    static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-r-----");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private StoreFiles() {
    }

    /** Creates the file 0640 if it is missing, and takes others' access away if an older release left it. */
    static void makePrivate(Path file) throws IOException {
        if (!Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix")) {
            return;
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PRIVATE));
            // The process umask may have taken bits away, never added them; set exactly.
            Files.setPosixFilePermissions(file, PRIVATE);
        } catch (FileAlreadyExistsException e) {
            Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
            if (now.removeAll(OTHERS)) {
                Files.setPosixFilePermissions(file, now);
            }
        }
    }

    /** The -wal and -shm files that belong to a database file. */
    static Path[] companions(Path file) {
        return new Path[] {Path.of(file + "-wal"), Path.of(file + "-shm")};
    }
}
