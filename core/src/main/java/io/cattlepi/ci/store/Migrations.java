package io.cattlepi.ci.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The schema, as an ordered list of migrations. The database's {@code user_version} says how many
 * have run; each one runs in its own transaction together with the version bump, so a crash
 * during an upgrade leaves the previous schema.
 */
final class Migrations {
    private static final List<String> STEPS = List.of(
            // 1: workers, builds and the audit trail
            """
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
            """,
            // 2: values the controller keeps between runs (the workers' config it last approved)
            """
            CREATE TABLE kept_values (
              name TEXT PRIMARY KEY,
              value TEXT NOT NULL,
              at INTEGER NOT NULL
            );
            """,
            // 3: cancellations asked for builds that hold a Pi: the build ends "cancelled" even
            // when the controller restarts before its process tree is killed
            """
            CREATE TABLE cancellations (
              build_id TEXT PRIMARY KEY,
              reason TEXT NOT NULL,
              at INTEGER NOT NULL
            );
            """,
            // 4: events are pruned by age (EventRetention)
            """
            CREATE INDEX events_by_time ON events(at);
            """);

    private Migrations() {
    }

    static int latest() {
        return STEPS.size();
    }

    /** Brings the schema up to date; returns the version found before. */
    static int apply(Connection c) throws SQLException {
        int found;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            found = rs.next() ? rs.getInt(1) : 0;
        }
        if (found > STEPS.size()) {
            throw new SQLException("the state database has schema version " + found
                    + ", newer than this controller knows (" + STEPS.size() + "); refusing to touch it");
        }
        for (int v = found; v < STEPS.size(); v++) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : STEPS.get(v).split(";")) {
                    if (!sql.isBlank()) {
                        s.execute(sql);
                    }
                }
                s.execute("PRAGMA user_version = " + (v + 1));
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
}
