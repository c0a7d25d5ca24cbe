package io.cattlepi.ci.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store across releases: an upgrade migrates it forward and keeps a copy as it was; a
 * rollback runs on a newer store only when that release's migrations allow it, and otherwise
 * refuses saying what to do; backups are consistent while it runs and restores keep what they
 * replace; and its files are not readable by others.
 */
class UpgradeAndRollbackTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static void addPi(Store store, String id) {
        store.write(tx -> {
            tx.transition(null, Worker.discovered(id, "10.0.0.1", 22, null, tx.now()));
            return null;
        });
    }

    private static int schema(Path file) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.getInt(1);
        }
    }

    @Test
    void anUpgradeMigratesTheStoreForwardAndKeepsACopyAsItWas() throws Exception {
        Path file = dir.resolve("cattlepi-ci.db");
        try (Store older = Store.open(file, CLOCK, Migrations.upTo(1))) {
            older.write(tx -> {
                tx.transition(null, Worker.discovered("pi-1", "10.0.0.1", 22, null, tx.now()));
                return null;
            });
        }
        try (Store store = Store.open(file, CLOCK)) {
            assertEquals("pi-1", store.read(tx -> tx.workers()).get(0).id(), "the data came along");
            store.write(tx -> {
                tx.keep("after-upgrade", "yes");
                return null;
            });
        }
        assertEquals(Migrations.latest(), schema(file));
        Path copy = PreMigrationBackup.name(file, 1);
        assertTrue(Files.isRegularFile(copy), "a copy as it was before the migration: " + copy);
        assertEquals(1, schema(copy));
    }

    @Test
    void aRollbackRunsOnAStoreANewerReleaseMigratedWhenItsMigrationAllowsIt() {
        Path file = dir.resolve("cattlepi-ci.db");
        try (Store newer = Store.open(file, CLOCK, Migrations.with(new Migrations.Step(
                "CREATE TABLE build_tags (build_id TEXT NOT NULL, tag TEXT NOT NULL)", true)))) {
            addPi(newer, "pi-1");
        }
        try (Store previous = Store.open(file, CLOCK)) {
            addPi(previous, "pi-2");
            assertEquals(2, previous.read(tx -> tx.workers()).size());
        }
    }

    @Test
    void aRollbackRefusesAStoreANewerReleaseChangedIncompatiblyAndSaysWhatToDo() {
        Path file = dir.resolve("cattlepi-ci.db");
        try (Store newer = Store.open(file, CLOCK, Migrations.with(
                new Migrations.Step("CREATE TABLE build_tags (build_id TEXT NOT NULL, tag TEXT NOT NULL)", true),
                new Migrations.Step("UPDATE workers SET state = 'idle' WHERE state = 'ready'", false)))) {
            addPi(newer, "pi-1");
        }
        StoreTooNewException e = assertThrows(StoreTooNewException.class, () -> Store.open(file, CLOCK));
        int latest = Migrations.latest();
        assertTrue(e.getMessage().contains("has schema version " + (latest + 2) + ", from a newer release"), e.getMessage());
        assertTrue(e.getMessage().contains("this release (schema " + latest + ") cannot run on it"), e.getMessage());
        assertTrue(e.getMessage().contains("needs schema " + (latest + 2)), e.getMessage());
        assertTrue(e.getMessage().contains("cattlepi-ci restore"), e.getMessage());
        // The newer release still runs on it.
        try (Store again = Store.open(file, CLOCK, Migrations.with(
                new Migrations.Step("CREATE TABLE build_tags (build_id TEXT NOT NULL, tag TEXT NOT NULL)", true),
                new Migrations.Step("UPDATE workers SET state = 'idle' WHERE state = 'ready'", false)))) {
            assertEquals(1, again.read(tx -> tx.workers()).size());
        }
    }

    @Test
    void theStoreIsForItsUserAndGroupOnlyAlsoWhenAnOlderReleaseLeftItWorldReadable() throws Exception {
        Path fresh = dir.resolve("fresh.db");
        Store.open(fresh, CLOCK).close();
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));

        Path old = dir.resolve("old.db");
        Store.open(old, CLOCK).close();
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
        try (Store store = Store.open(old, CLOCK)) {
            addPi(store, "pi-1");
        }
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(old)));
    }

    @Test
    void aBackupWhileTheStoreIsInUseIsConsistentAndARestoreKeepsWhatItReplaces() throws Exception {
        Path file = dir.resolve("cattlepi-ci.db");
        Path backup = dir.resolve("backups/cattlepi-ci-2026-11-24.db");
        try (Store store = Store.open(file, CLOCK)) {
            addPi(store, "pi-1");
            StoreBackup.backup(file, backup); // another process's online backup, the store open and written
            addPi(store, "pi-2");
            assertThrows(StoreException.class, () -> StoreBackup.backup(file, backup), "never overwrites a backup");
        }
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));

        try (StoreLock running = StoreLock.acquire(file)) {
            StoreException e = assertThrows(StoreException.class, () -> StoreBackup.restore(backup, file, CLOCK.instant()));
            assertTrue(e.getMessage().contains("in use by a running controller"), e.getMessage());
        }
        Path kept = StoreBackup.restore(backup, file, CLOCK.instant());
        assertNotNull(kept);
        try (Store restored = Store.open(file, CLOCK)) {
            assertEquals(1, restored.read(tx -> tx.workers()).size(), "as it was at the backup");
        }
        try (Store replaced = Store.open(kept, CLOCK)) {
            assertEquals(2, replaced.read(tx -> tx.workers()).size(), "the replaced store is kept whole");
        }
    }

    @Test
    void aRestoreRefusesAFileThatIsNoStore() throws Exception {
        Path file = dir.resolve("cattlepi-ci.db");
        Store.open(file, CLOCK).close();
        Path junk = dir.resolve("junk.db");
        Files.writeString(junk, "not a database at all, just some text that is long enough to look like a page");
        assertThrows(StoreException.class, () -> StoreBackup.restore(junk, file, CLOCK.instant()));
        assertFalse(Files.exists(Path.of(file + ".before-restore-2026-11-24T12-00-00Z")), "nothing replaced");
    }

    @Test
    void anOpenStoreBacksItselfUp() throws Exception {
        Path file = dir.resolve("cattlepi-ci.db");
        Path backup = dir.resolve("b.db");
        try (Store store = Store.open(file, CLOCK)) {
            addPi(store, "pi-1");
            store.backupTo(backup);
        }
        try (Store copy = Store.open(backup, CLOCK)) {
            assertEquals(1, copy.read(tx -> tx.workers()).size());
        }
    }
}
