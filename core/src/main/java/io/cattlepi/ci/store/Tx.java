package io.cattlepi.ci.store;

import io.cattlepi.ci.boottest.BootTestPhase;
import io.cattlepi.ci.boottest.BootTestRecord;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.worker.Health;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One transaction's view of the store: typed reads and writes of workers, builds, their boot tests
 * and events.
 * Only valid inside the {@link Store#write} or {@link Store#read} call that made it.
 */
public final class Tx {
    private static final String WORKER_COLUMNS = "id, host, port, mac, state, state_since, reason, last_action, build_id,"
            + " host_key, resets, failed_resets, consecutive_failures, last_time_to_ready_ms";
    private static final String BUILD_COLUMNS = "id, repository, sha, ref, pr_number, clone_url, event, delivery_id,"
            + " message_id, receipt_handle, state, result, description, worker_id, created_at, started_at, finished_at,"
            + " attempts, posted_status, message_deleted";
    private static final String BOOT_TEST_COLUMNS = "build_id, worker_id, device, context, phase, config_changed,"
            + " saved_config, restored, build_result, build_description, result, description, passed, failed,"
            + " posted_status, image_ref, started_at, finished_at";

    private final Connection c;
    private final Clock clock;
    private final boolean writable;
    /** Pi transitions of this transaction, logged by the store once it commits. */
    private final List<String> transitions = new ArrayList<>();

    Tx(Connection c, Clock clock, boolean writable) {
        this.c = c;
        this.clock = clock;
        this.writable = writable;
    }

    public Instant now() {
        return clock.instant();
    }

    // ---- workers

    public List<Worker> workers() {
        return query("SELECT " + WORKER_COLUMNS + " FROM workers ORDER BY id", Tx::worker);
    }

    public Optional<Worker> worker(String id) {
        return query("SELECT " + WORKER_COLUMNS + " FROM workers WHERE id = ?", Tx::worker, id).stream().findFirst();
    }

    /** Inserts or replaces a worker row. Prefer {@link #transition} for state changes: it also records why. */
    public void putWorker(Worker w) {
        update("INSERT OR REPLACE INTO workers (" + WORKER_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                w.id(), w.host(), w.port(), w.mac(), w.state().wireName(), w.stateSince().toEpochMilli(), w.reason(),
                w.lastAction().toEpochMilli(), w.buildId(), w.hostKey(), w.health().resets(), w.health().failedResets(),
                w.health().consecutiveFailures(), w.health().lastTimeToReadyMillis());
    }

    /** Stores a worker whose state changed and appends the transition to its history. */
    public void transition(Worker before, Worker after) {
        putWorker(after);
        if (before == null || before.state() != after.state()) {
            String from = before == null ? "new" : before.state().wireName();
            append(Event.WORKER, after.id(), "transition", from + " -> " + after.state().wireName() + ": " + after.reason());
            transitions.add("Pi " + after.id() + ": " + from + " -> " + after.state().wireName() + ": " + after.reason());
        }
    }

    List<String> transitions() {
        return transitions;
    }

    public void removeWorker(String id) {
        update("DELETE FROM workers WHERE id = ?", id);
    }

    // ---- builds

    public Optional<Build> build(String id) {
        return query("SELECT " + BUILD_COLUMNS + " FROM builds WHERE id = ?", Tx::build, id).stream().findFirst();
    }

    public Optional<Build> buildByDelivery(String deliveryId) {
        return query("SELECT " + BUILD_COLUMNS + " FROM builds WHERE delivery_id = ? ORDER BY created_at LIMIT 1",
                Tx::build, deliveryId).stream().findFirst();
    }

    public Optional<Build> buildByMessage(String messageId) {
        return query("SELECT " + BUILD_COLUMNS + " FROM builds WHERE message_id = ? ORDER BY created_at LIMIT 1",
                Tx::build, messageId).stream().findFirst();
    }

    /** Builds of one commit for one event kind, newest first (for duplicate detection). */
    public List<Build> buildsOf(String repository, String sha, String event) {
        return query("SELECT " + BUILD_COLUMNS + " FROM builds WHERE repository = ? AND sha = ? AND event = ?"
                + " AND state <> 'rejected' ORDER BY created_at DESC", Tx::build, repository, sha, event);
    }

    /** Builds in the given states, oldest first. */
    public List<Build> buildsIn(BuildState... states) {
        StringBuilder in = new StringBuilder();
        Object[] args = new Object[states.length];
        for (int i = 0; i < states.length; i++) {
            in.append(i == 0 ? "?" : ",?");
            args[i] = states[i].wireName();
        }
        return query("SELECT " + BUILD_COLUMNS + " FROM builds WHERE state IN (" + in + ") ORDER BY created_at, id",
                Tx::build, args);
    }

    /** The most recent builds, newest first. */
    public List<Build> recentBuilds(int limit) {
        return query("SELECT " + BUILD_COLUMNS + " FROM builds ORDER BY created_at DESC, id DESC LIMIT ?", Tx::build, limit);
    }

    /** When the last build with this result finished, or null. */
    public Instant lastFinished(BuildResult result) {
        return query("SELECT max(finished_at) FROM builds WHERE result = ?", rs -> {
            long v = rs.getLong(1);
            return rs.wasNull() ? null : Instant.ofEpochMilli(v);
        }, result.wireName()).stream().filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    public void putBuild(Build b) {
        update("INSERT OR REPLACE INTO builds (" + BUILD_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                b.id(), b.repository(), b.sha(), b.ref(), b.prNumber(), b.cloneUrl(), b.event(), b.deliveryId(),
                b.messageId(), b.receiptHandle(), b.state().wireName(), b.result() == null ? null : b.result().wireName(),
                b.description(), b.workerId(), b.createdAt().toEpochMilli(), millis(b.startedAt()), millis(b.finishedAt()),
                b.attempts(), b.postedStatus(), b.messageDeleted() ? 1 : 0);
    }

    /** Stores a build and, when its state changed, appends that to its history. */
    public void buildChanged(Build before, Build after) {
        putBuild(after);
        if (before == null || before.state() != after.state()) {
            String from = before == null ? "new" : before.state().wireName();
            append(Event.BUILD, after.id(), "transition", from + " -> " + after.state().wireName() + ": " + after.description());
        }
    }

    // ---- cancellations

    /** Asks for a build holding a Pi to be cancelled; the first reason asked for is the one kept. */
    public void requestCancel(String buildId, String reason) {
        update("INSERT OR IGNORE INTO cancellations (build_id, reason, at) VALUES (?,?,?)",
                buildId, reason, now().toEpochMilli());
    }

    /** Why the build was asked to stop, if it was. */
    public Optional<String> cancelRequest(String buildId) {
        return query("SELECT reason FROM cancellations WHERE build_id = ?", rs -> rs.getString(1), buildId)
                .stream().findFirst();
    }

    /** Cancellations asked for builds still holding a Pi, by build id. */
    public java.util.Map<String, String> cancelRequests() {
        java.util.Map<String, String> asked = new java.util.LinkedHashMap<>();
        query("SELECT c.build_id, c.reason FROM cancellations c JOIN builds b ON b.id = c.build_id"
                + " WHERE b.state IN ('scheduled', 'running') ORDER BY c.at",
                rs -> asked.put(rs.getString(1), rs.getString(2)));
        return asked;
    }

    /** The build ended: its cancellation, if any, is done. */
    public void forgetCancel(String buildId) {
        update("DELETE FROM cancellations WHERE build_id = ?", buildId);
    }

    // ---- boot tests

    public Optional<BootTestRecord> bootTest(String buildId) {
        return query("SELECT " + BOOT_TEST_COLUMNS + " FROM boot_tests WHERE build_id = ?", Tx::bootTest, buildId)
                .stream().findFirst();
    }

    /** Batteries whose device config is still to be put back, oldest first; of one Pi, or of all when null. */
    public List<BootTestRecord> bootTestsToRestore(String workerId) {
        return workerId == null
                ? query("SELECT " + BOOT_TEST_COLUMNS + " FROM boot_tests WHERE restored = 0 ORDER BY started_at",
                        Tx::bootTest)
                : query("SELECT " + BOOT_TEST_COLUMNS + " FROM boot_tests WHERE restored = 0 AND worker_id = ?"
                        + " ORDER BY started_at", Tx::bootTest, workerId);
    }

    /** Batteries without a result (running, or cut short by a crash). */
    public List<BootTestRecord> bootTestsRunning() {
        return query("SELECT " + BOOT_TEST_COLUMNS + " FROM boot_tests WHERE phase <> ? ORDER BY started_at",
                Tx::bootTest, BootTestPhase.ENDED.wireName());
    }

    /** Ended batteries whose images may still be published (a crash came between). */
    public List<BootTestRecord> bootTestsHoldingImages() {
        return query("SELECT " + BOOT_TEST_COLUMNS + " FROM boot_tests WHERE image_ref IS NOT NULL AND phase = ?",
                Tx::bootTest, BootTestPhase.ENDED.wireName());
    }

    /** The batteries of the most recent builds (the builds list), newest first. */
    public List<BootTestRecord> recentBootTests(int limit) {
        return query("SELECT " + BOOT_TEST_COLUMNS + " FROM boot_tests ORDER BY started_at DESC LIMIT ?", Tx::bootTest,
                limit);
    }

    public void putBootTest(BootTestRecord r) {
        update("INSERT OR REPLACE INTO boot_tests (" + BOOT_TEST_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                r.buildId(), r.workerId(), r.device(), r.context(), r.phase().wireName(), r.configChanged() ? 1 : 0,
                r.savedConfig(), r.restored() ? 1 : 0, r.buildResult().wireName(), r.buildDescription(),
                r.result() == null ? null : r.result().wireName(), r.description(), r.passed(), r.failed(),
                r.postedStatus(), r.imageRef(), r.startedAt().toEpochMilli(), millis(r.finishedAt()));
    }

    // ---- kept values

    /** A value the controller keeps between runs, by name. */
    public Optional<String> kept(String name) {
        return query("SELECT value FROM kept_values WHERE name = ?", rs -> rs.getString(1), name).stream().findFirst();
    }

    public void keep(String name, String value) {
        update("INSERT INTO kept_values (name, value, at) VALUES (?,?,?)"
                + " ON CONFLICT(name) DO UPDATE SET value = excluded.value, at = excluded.at",
                name, value, now().toEpochMilli());
    }

    public void forget(String name) {
        update("DELETE FROM kept_values WHERE name = ?", name);
    }

    /** Kept values whose names start with {@code prefix}, by name. */
    public java.util.Map<String, String> keptStartingWith(String prefix) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (String[] row : query("SELECT name, value FROM kept_values WHERE substr(name, 1, ?) = ?",
                rs -> new String[] {rs.getString(1), rs.getString(2)}, prefix.length(), prefix)) {
            out.put(row[0], row[1]);
        }
        return out;
    }

    // ---- events

    public void append(String subjectKind, String subjectId, String kind, String detail) {
        update("INSERT INTO events (at, subject_kind, subject_id, kind, detail) VALUES (?,?,?,?,?)",
                now().toEpochMilli(), subjectKind, subjectId, kind, detail == null ? "" : detail);
    }

    /** The last {@code limit} events of one subject, oldest first. */
    public List<Event> events(String subjectKind, String subjectId, int limit) {
        List<Event> newest = query("SELECT seq, at, subject_kind, subject_id, kind, detail FROM events"
                + " WHERE subject_kind = ? AND subject_id = ? ORDER BY seq DESC LIMIT ?", Tx::event, subjectKind, subjectId, limit);
        List<Event> ordered = new ArrayList<>(newest);
        java.util.Collections.reverse(ordered);
        return ordered;
    }

    /** Events of every subject after {@code afterSeq}, oldest first (for the audit view). */
    public List<Event> eventsAfter(long afterSeq, int limit) {
        return query("SELECT seq, at, subject_kind, subject_id, kind, detail FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                Tx::event, afterSeq, limit);
    }

    // ---- mapping

    @FunctionalInterface
    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private static Worker worker(ResultSet rs) throws SQLException {
        return new Worker(rs.getString("id"), rs.getString("host"), rs.getInt("port"), rs.getString("mac"),
                WorkerState.fromWire(rs.getString("state")), Instant.ofEpochMilli(rs.getLong("state_since")),
                rs.getString("reason"), Instant.ofEpochMilli(rs.getLong("last_action")), rs.getString("build_id"),
                rs.getString("host_key"), new Health(rs.getInt("resets"), rs.getInt("failed_resets"),
                rs.getInt("consecutive_failures"), rs.getLong("last_time_to_ready_ms")));
    }

    private static Build build(ResultSet rs) throws SQLException {
        int pr = rs.getInt("pr_number");
        Integer prNumber = rs.wasNull() ? null : pr;
        return new Build(rs.getString("id"), rs.getString("repository"), rs.getString("sha"), rs.getString("ref"),
                prNumber, rs.getString("clone_url"), rs.getString("event"), rs.getString("delivery_id"),
                rs.getString("message_id"), rs.getString("receipt_handle"), BuildState.fromWire(rs.getString("state")),
                BuildResult.fromWire(rs.getString("result")), rs.getString("description"), rs.getString("worker_id"),
                Instant.ofEpochMilli(rs.getLong("created_at")), instant(rs, "started_at"), instant(rs, "finished_at"),
                rs.getInt("attempts"), rs.getString("posted_status"), rs.getInt("message_deleted") != 0);
    }

    private static BootTestRecord bootTest(ResultSet rs) throws SQLException {
        return new BootTestRecord(rs.getString("build_id"), rs.getString("worker_id"), rs.getString("device"),
                rs.getString("context"), BootTestPhase.fromWire(rs.getString("phase")), rs.getInt("config_changed") != 0,
                rs.getString("saved_config"), rs.getInt("restored") != 0, BuildResult.fromWire(rs.getString("build_result")),
                rs.getString("build_description"), BuildResult.fromWire(rs.getString("result")),
                rs.getString("description"), rs.getInt("passed"), rs.getInt("failed"), rs.getString("posted_status"),
                rs.getString("image_ref"), Instant.ofEpochMilli(rs.getLong("started_at")), instant(rs, "finished_at"));
    }

    private static Event event(ResultSet rs) throws SQLException {
        return new Event(rs.getLong("seq"), Instant.ofEpochMilli(rs.getLong("at")), rs.getString("subject_kind"),
                rs.getString("subject_id"), rs.getString("kind"), rs.getString("detail"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static Long millis(Instant i) {
        return i == null ? null : i.toEpochMilli();
    }

    private <T> List<T> query(String sql, Row<T> row, Object... args) {
        try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("query failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    private void update(String sql, Object... args) {
        if (!writable) {
            throw new IllegalStateException("write inside a read-only transaction: " + sql);
        }
        try (PreparedStatement ps = prepare(sql, args)) {
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("update failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                ps.setNull(i + 1, Types.NULL);
            } else {
                ps.setObject(i + 1, a);
            }
        }
        return ps;
    }
}
