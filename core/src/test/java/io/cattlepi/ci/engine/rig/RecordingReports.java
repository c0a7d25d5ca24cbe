package io.cattlepi.ci.engine.rig;

import io.cattlepi.ci.report.CommitStatus;
import io.cattlepi.ci.report.FolderPublisher;
import io.cattlepi.ci.report.ReportException;
import io.cattlepi.ci.report.StatusPublisher;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** GitHub statuses and S3 folders, recorded in the ledger; a number of posts can be made to fail. */
public final class RecordingReports implements StatusPublisher, FolderPublisher {
    private final Ledger ledger;
    private final AtomicInteger failingPosts = new AtomicInteger();
    private final Map<String, AtomicInteger> failingByState = new ConcurrentHashMap<>();
    private final Map<String, Boolean> unexpected = new ConcurrentHashMap<>();
    private final Map<String, List<Instant>> attempts = new ConcurrentHashMap<>();
    private volatile Clock clock = Clock.systemUTC();

    public RecordingReports(Ledger ledger) {
        this.ledger = ledger;
    }

    /** The next {@code n} status posts fail as a GitHub outage would (retryable). */
    public void failNextPosts(int n) {
        failingPosts.set(n);
    }

    /** Attempts are timed on this clock (the store's, in tests that move time themselves). */
    public void clock(Clock clock) {
        this.clock = clock;
    }

    /**
     * The next {@code n} posts of {@code state} fail: as a GitHub outage would (retryable), or, if
     * {@code unexpectedly}, with an unchecked exception as a client library may throw.
     */
    public void failNextPosts(String state, int n, boolean unexpectedly) {
        failingByState.put(state, new AtomicInteger(n));
        unexpected.put(state, unexpectedly);
    }

    /** When each post of {@code state} was tried, failed or not. */
    public List<Instant> attempts(String state) {
        return List.copyOf(attempts.getOrDefault(state, List.of()));
    }

    @Override
    public void post(String repository, String sha, CommitStatus status) throws ReportException {
        String state = status.state().wireName();
        attempts.computeIfAbsent(state, s -> new CopyOnWriteArrayList<>()).add(clock.instant());
        AtomicInteger failing = failingByState.get(state);
        if (failing != null && failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            if (unexpected.getOrDefault(state, false)) {
                throw new IllegalStateException("the GitHub client broke");
            }
            throw new ReportException("GitHub answered 502", true, null);
        }
        if (failingPosts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new ReportException("GitHub answered 502", true, null);
        }
        ledger.record("status " + sha + " " + status.state().wireName() + " " + status.context() + " "
                + status.description());
    }

    @Override
    public void publish(String buildId, Path folder) {
        ledger.record("publish " + buildId);
    }

    @Override
    public String indexUrl(String buildId) {
        return "http://s3.test/" + buildId + "/index.html";
    }
}
