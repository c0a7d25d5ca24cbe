package io.cattlepi.ci.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/**
 * Backup and restore of the store, for {@code cattlepi-ci backup} and {@code restore}. A backup
 * uses SQLite's online backup, so it is consistent and safe while the controller runs. A restore
 * needs the controller stopped ({@link StoreLock}); the store it replaces is kept beside it.
 */
public final class StoreBackup {
    private StoreBackup() {
    }

    /** Copies the store at {@code store} into {@code to} (a new file, mode 0640). */
    public static void backup(Path store, Path to) {
        if (!Files.isRegularFile(store)) {
            throw new StoreException("there is no state database at " + store, null);
        }
        if (Files.exists(to)) {
            throw new StoreException(to + " exists already; name a new file", null);
        }
        try (Connection c = connect(store, true)) {
            int schema = Migrations.found(c);
            if (schema < 1) {
                throw new StoreException(store + " is not a CattlePi CI state database (no schema)", null);
            }
            backup(c, to);
        } catch (SQLException e) {
            throw new StoreException("backing up " + store + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the store at {@code store} with the backup {@code from}. The backup is checked first
     * (a readable CattlePi store that this release can run on); the replaced store and its WAL are
     * kept as {@code store.before-restore-<time>}. Returns that name, or null when there was none.
     */
    public static Path restore(Path from, Path store, Instant now) {
        try (StoreLock lock = StoreLock.acquire(store)) {
            check(from);
            Path dir = store.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path incoming = dir.resolve("." + store.getFileName() + ".restoring");
            Files.deleteIfExists(incoming);
            StoreFiles.makePrivate(incoming);
            try (Connection c = connect(incoming, false); Statement s = c.createStatement()) {
                s.executeUpdate("restore from " + quoted(from));
            }
            Path kept = null;
            if (Files.exists(store)) {
                kept = Path.of(store + ".before-restore-" + now.toString().replace(':', '-'));
                for (Path companion : StoreFiles.companions(store)) {
                    if (Files.exists(companion)) {
                        Files.move(companion, Path.of(kept + companion.toString().substring(store.toString().length())));
                    }
                }
                Files.move(store, kept);
            }
            Files.move(incoming, store, StandardCopyOption.ATOMIC_MOVE);
            return kept;
        } catch (SQLException | IOException e) {
            throw new StoreException("restoring " + store + " from " + from + " failed: " + e.getMessage(), e);
        }
    }

    /** A backup is restored only if it is whole and this release can run on it. */
    private static void check(Path from) throws SQLException {
        if (!Files.isRegularFile(from)) {
            throw new StoreException("there is no backup at " + from, null);
        }
        try (Connection c = connect(from, true); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                String answer = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equals(answer)) {
                    throw new StoreException(from + " is damaged: " + answer, null);
                }
            }
            int schema = Migrations.found(c);
            if (schema < 1) {
                throw new StoreException(from + " is not a CattlePi CI state database (no schema)", null);
            }
            if (schema > Migrations.latest()) {
                Migrations.current().checkNewer(c, from, schema);
            }
        } catch (SQLException e) {
            throw new StoreException(from + " is not a readable SQLite database: " + e.getMessage(), e);
        }
    }

    /** SQLite's online backup of an open connection's database into a new file. */
    static void backup(Connection c, Path to) throws SQLException {
        try {
            Path parent = to.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            StoreFiles.makePrivate(to);
        } catch (IOException e) {
            throw new SQLException("cannot create " + to + ": " + e.getMessage(), e);
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate("backup to " + quoted(to));
        }
    }

    private static String quoted(Path p) throws SQLException {
        String s = p.toAbsolutePath().toString();
        if (s.indexOf('"') >= 0) {
            throw new SQLException("a path with a double quote cannot be given to SQLite's backup: " + s);
        }
        return "\"" + s + "\"";
    }

    private static Connection connect(Path file, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(readOnly);
        config.setBusyTimeout(10_000);
        Properties p = config.toProperties();
        return new org.sqlite.JDBC().connect("jdbc:sqlite:" + file.toAbsolutePath(), p);
    }
}
