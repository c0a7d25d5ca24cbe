package io.cattlepi.ci.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The schema, as an ordered list of migrations. The database's {@code user_version} says how many
 * have run; each one runs in its own transaction together with the version bump, so a crash
 * during an upgrade leaves the previous schema.
 *
 * <p>Rollback: each step says whether a release that stops before it can still run on a store
 * that has it (an added table or index: yes; a changed meaning: no). The lowest schema that can
 * run on the store is kept in it ({@link #OLDEST_SCHEMA}), so an older release reads it there
 * and either runs or refuses with a clear message, instead of refusing every newer store.
 */
final class Migrations {
    /**
     * The kept value {@code oldest@schema}: the oldest schema (a release's {@link #latest()}) that may
     * run on this store, as written by the migration to {@code schema}.
     */
    static final String OLDEST_SCHEMA = "schema.oldest_that_runs";

    /** One schema change; {@code olderReleasesRun}: a release without it may still use a store with it. */
    record Step(String sql, boolean olderReleasesRun) {
    }

    private static final List<Step> STEPS = List.of(
            // 1: workers, builds and the audit trail
            new Step("""
            CREATE TABLE workers (
              id TEXT PRIMARY KEY,
              host TEXT NOT NULL,
              port INTEGER NOT NULL,
              mac TEXT,
              state TEXT NOT NULL,
              state_since INTEGER NOT NULL,
              reason TEXT NOT NULL,
              last_action INTEGER NOT NULL,
              build_id TEXT,
              host_key TEXT,
              resets INTEGER NOT NULL DEFAULT 0,
              failed_resets INTEGER NOT NULL DEFAULT 0,
              consecutive_failures INTEGER NOT NULL DEFAULT 0,
              last_time_to_ready_ms INTEGER NOT NULL DEFAULT -1
            );
            CREATE TABLE builds (
              id TEXT PRIMARY KEY,
              repository TEXT,
              sha TEXT,
              ref TEXT,
              pr_number INTEGER,
              clone_url TEXT,
              event TEXT,
              delivery_id TEXT,
              message_id TEXT,
              receipt_handle TEXT,
              state TEXT NOT NULL,
              result TEXT,
              description TEXT NOT NULL,
              worker_id TEXT,
              created_at INTEGER NOT NULL,
              started_at INTEGER,
              finished_at INTEGER,
              attempts INTEGER NOT NULL DEFAULT 0,
              posted_status TEXT,
              message_deleted INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX builds_by_state ON builds(state, created_at);
            CREATE INDEX builds_by_delivery ON builds(delivery_id);
            CREATE INDEX builds_by_commit ON builds(repository, sha, event);
            CREATE INDEX builds_by_message ON builds(message_id);
            CREATE TABLE events (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              at INTEGER NOT NULL,
              subject_kind TEXT NOT NULL,
              subject_id TEXT NOT NULL,
              kind TEXT NOT NULL,
              detail TEXT NOT NULL
            );
            CREATE INDEX events_by_subject ON events(subject_kind, subject_id, seq);
            """, false),
            // 2: values the controller keeps between runs (the workers' config it last approved)
            new Step("""
            CREATE TABLE kept_values (
              name TEXT PRIMARY KEY,
              value TEXT NOT NULL,
              at INTEGER NOT NULL
            );
            """, true),
            // 3: cancellations asked for builds that hold a Pi: the build ends "cancelled" even
            // when the controller restarts before its process tree is killed (an older release
            // ignores them and runs such a build again)
            new Step("""
            CREATE TABLE cancellations (
              build_id TEXT PRIMARY KEY,
              reason TEXT NOT NULL,
              at INTEGER NOT NULL
            );
            """, true),
            // 4: each build's boot-test battery: what it changed on the CattlePi API (restored after a
            // restart), its result and which of its statuses GitHub has
            new Step("""
            CREATE TABLE boot_tests (
              build_id TEXT PRIMARY KEY,
              worker_id TEXT NOT NULL,
              device TEXT NOT NULL,
              context TEXT NOT NULL,
              phase TEXT NOT NULL,
              config_changed INTEGER NOT NULL DEFAULT 0,
              saved_config TEXT,
              restored INTEGER NOT NULL DEFAULT 1,
              build_result TEXT NOT NULL,
              build_description TEXT NOT NULL,
              result TEXT,
              description TEXT NOT NULL,
              passed INTEGER NOT NULL DEFAULT 0,
              failed INTEGER NOT NULL DEFAULT 0,
              posted_status TEXT,
              image_ref TEXT,
              started_at INTEGER NOT NULL,
              finished_at INTEGER
            );
            CREATE INDEX boot_tests_to_restore ON boot_tests(restored, worker_id);
            CREATE INDEX boot_tests_by_phase ON boot_tests(phase);
            """, true));

    private final List<Step> steps;

    private Migrations(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /** This release's schema. */
    static Migrations current() {
        return new Migrations(STEPS);
    }

    /** This release's steps and {@code more}: a newer release, for tests of upgrade and rollback. */
    static Migrations with(Step... more) {
        List<Step> all = new ArrayList<>(STEPS);
        all.addAll(List.of(more));
        return new Migrations(all);
    }

    /** The first {@code n} steps: an older release, for tests of upgrades. */
    static Migrations upTo(int n) {
        return new Migrations(STEPS.subList(0, n));
    }

    static int latest() {
        return STEPS.size();
    }

    int version() {
        return steps.size();
    }

    /** The schema version of an open database. */
    static int found(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /**
     * Whether this release may run on a store that a newer one migrated to {@code found}: only if
     * every step past ours let older releases run ({@link #OLDEST_SCHEMA} is at most ours).
     */
    void checkNewer(Connection c, java.nio.file.Path file, int found) throws SQLException {
        int oldest = oldestThatRuns(c, found);
        if (oldest > 0 && oldest <= version()) {
            return;
        }
        throw new StoreTooNewException("the state database " + file + " has schema version " + found
                + ", from a newer release, and this release (schema " + version() + ") cannot run on it"
                + (oldest > 0 ? " (it needs schema " + oldest + " or later)" : "")
                + ". Start the newer release again, or restore the backup taken before the upgrade"
                + " (cattlepi-ci restore --from FILE; the upgrade left one beside the store: "
                + PreMigrationBackup.name(file, version()) + ")");
    }

    /** The kept "oldest@schema"; 0 when missing or written for another schema than the store's (assume the worst). */
    private static int oldestThatRuns(Connection c, int found) {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM kept_values WHERE name = ?")) {
            ps.setString(1, OLDEST_SCHEMA);
            try (ResultSet rs = ps.executeQuery()) {
                String[] kept = rs.next() ? rs.getString(1).split("@") : new String[0];
                return kept.length == 2 && Integer.parseInt(kept[1]) == found ? Integer.parseInt(kept[0]) : 0;
            }
        } catch (SQLException | NumberFormatException e) {
            return 0;
        }
    }

    /** The oldest schema that runs on a store with all of these steps. */
    private int oldestThatRuns() {
        int oldest = 1;
        for (int v = 1; v <= steps.size(); v++) {
            if (!steps.get(v - 1).olderReleasesRun()) {
                oldest = v;
            }
        }
        return oldest;
    }

    /** Brings the schema up to date; returns the version found before. Newer stores are left alone. */
    int apply(Connection c) throws SQLException {
        int found = found(c);
        if (found > steps.size()) {
            return found;
        }
        for (int v = found; v < steps.size(); v++) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : steps.get(v).sql().split(";")) {
                    if (!sql.isBlank()) {
                        s.execute(sql);
                    }
                }
                s.execute("PRAGMA user_version = " + (v + 1));
                if (v + 1 >= 2) {
                    keepOldest(c, v + 1);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        return found;
    }

    private void keepOldest(Connection c, int upTo) throws SQLException {
        int oldest = new Migrations(steps.subList(0, upTo)).oldestThatRuns();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO kept_values (name, value, at) VALUES (?,?,?)"
                + " ON CONFLICT(name) DO UPDATE SET value = excluded.value, at = excluded.at")) {
            ps.setString(1, OLDEST_SCHEMA);
            ps.setString(2, oldest + "@" + upTo);
            ps.setLong(3, System.currentTimeMillis());
            ps.executeUpdate();
        }
    }
}
