package io.cattlepi.ci.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Says that one process uses a store: the running controller holds it for its whole life, so a
 * second controller on the same store, or a restore under a running one, is refused instead of
 * racing it. The kernel drops the lock when the process dies, so a crash never leaves it held.
 */
public final class StoreLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of the store at {@code store}, or throws saying it is in use. */
    public static StoreLock acquire(Path store) {
        Path file = Path.of(store.toAbsolutePath() + ".lock");
        try {
            Files.createDirectories(file.getParent());
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new StoreException("the state database " + store + " is in use by a running controller;"
                        + " stop it first (systemctl stop cattlepi-ci)", null);
            }
            return new StoreLock(channel, lock);
        } catch (IOException e) {
            throw new StoreException("cannot lock the state database " + store + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // closing the channel releases the lock in any case
        }
    }
}
