package io.cattlepi.ci.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's durable state: one SQLite file in WAL mode. Every state change is one
 * {@link #write} transaction (all or nothing, even across a crash); readers such as the UI use
 * their own connection and never wait for the scheduler.
 */
public final class Store implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Store.class);
    /** One line per Pi state change, with its cause: the operator's view of the rack. */
    private static final Logger transitions = LoggerFactory.getLogger("io.cattlepi.ci.fleet.Transitions");

    /** Work done inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Tx tx);
    }

    private final Path file;
    private final Clock clock;
    private final Connection writer;
    private final Connection reader;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock readLock = new ReentrantLock();

    private Store(Path file, Clock clock, Connection writer, Connection reader) {
        this.file = file;
        this.clock = clock;
        this.writer = writer;
        this.reader = reader;
    }

    /**
     * Opens (creating if needed) the database at {@code file} and runs pending migrations, after
     * keeping a copy of the store as it was ({@link PreMigrationBackup}). A store a newer release
     * migrated is used only if that release's migrations allow it; otherwise this throws
     * {@link StoreTooNewException} saying what to do.
     */
    public static Store open(Path file, Clock clock) {
        return open(file, clock, Migrations.current());
    }

    static Store open(Path file, Clock clock, Migrations migrations) {
        Connection writer = null;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            StoreFiles.makePrivate(file);
            writer = connect(file);
            try (Statement s = writer.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL");
            }
            int found = Migrations.found(writer);
            if (found > migrations.version()) {
                migrations.checkNewer(writer, file, found);
                log.warn("state database {} has schema {} from a newer release; this release (schema {}) runs on it,"
                        + " as that release's migrations allow", file, found, migrations.version());
            } else if (found > 0 && found < migrations.version()) {
                PreMigrationBackup.take(writer, file, found);
            }
            int before = migrations.apply(writer);
            if (before < migrations.version()) {
                log.info("state database {} migrated from schema {} to {}", file, before, migrations.version());
            }
            Connection reader = connect(file);
            try (Statement s = reader.createStatement()) {
                s.execute("PRAGMA query_only = ON");
            }
            return new Store(file, clock, writer, reader);
        } catch (SQLException | java.io.IOException | RuntimeException e) {
            closeQuietly(writer);
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("cannot open the state database " + file + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // the open failed already; that error is the one to report
            }
        }
    }

    /** SQLite's online backup of this store into {@code to}: consistent, and the controller keeps running. */
    public void backupTo(Path to) {
        readLock.lock();
        try {
            StoreBackup.backup(reader, to);
        } catch (SQLException e) {
            throw new StoreException("backing up " + file + " failed: " + e.getMessage(), e);
        } finally {
            readLock.unlock();
        }
    }

    private static Connection connect(Path file) throws SQLException {
        // The driver directly, not DriverManager: its registry depends on class loaders other
        // libraries in the same JVM (ElasticMQ in the demo) may have initialised first.
        Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite:" + file.toAbsolutePath(), new java.util.Properties());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            // FULL: a Pi loses power; a committed transition must survive that too.
            s.execute("PRAGMA synchronous = FULL");
            s.execute("PRAGMA foreign_keys = ON");
        }
        return c;
    }

    public Path file() {
        return file;
    }

    public Clock clock() {
        return clock;
    }

    /** Runs {@code work} in one write transaction: committed if it returns, rolled back if it throws. */
    public <T> T write(Work<T> work) {
        writeLock.lock();
        try {
            writer.setAutoCommit(false);
            try {
                Tx tx = new Tx(writer, clock, true);
                T result = work.apply(tx);
                writer.commit();
                // After the commit: the log says only what the store kept.
                tx.transitions().forEach(line -> transitions.info(line));
                return result;
            } catch (RuntimeException | Error e) {
                rollbackQuietly(e);
                throw e;
            } finally {
                writer.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("state database transaction failed: " + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    /** Runs {@code work} against a consistent read-only snapshot. */
    /** Appends one event in a transaction of its own (a note in a build's or a Pi's history). */
    public void note(String subjectKind, String subjectId, String kind, String detail) {
        write(tx -> {
            tx.append(subjectKind, subjectId, kind, detail);
            return null;
        });
    }

    public <T> T read(Work<T> work) {
        readLock.lock();
        try {
            reader.setAutoCommit(false);
            try {
                return work.apply(new Tx(reader, clock, false));
            } finally {
                reader.rollback();
                reader.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("state database read failed: " + e.getMessage(), e);
        } finally {
            readLock.unlock();
        }
    }

    private void rollbackQuietly(Throwable cause) {
        try {
            writer.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        readLock.lock();
        try {
            reader.close();
            writer.close();
        } catch (SQLException e) {
            throw new StoreException("closing the state database failed: " + e.getMessage(), e);
        } finally {
            readLock.unlock();
            writeLock.unlock();
        }
    }
}
