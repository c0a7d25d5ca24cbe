package io.cattlepi.ci.engine.rig;

import io.cattlepi.ci.report.CommitStatus;
import io.cattlepi.ci.report.FolderPublisher;
import io.cattlepi.ci.report.ReportException;
import io.cattlepi.ci.report.StatusPublisher;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** GitHub statuses and S3 folders, recorded in the ledger; a number of posts can be made to fail. */
public final class RecordingReports implements StatusPublisher, FolderPublisher {
    private final Ledger ledger;
    private final AtomicInteger failingPosts = new AtomicInteger();

    public RecordingReports(Ledger ledger) {
        this.ledger = ledger;
    }

    /** The next {@code n} status posts fail as a GitHub outage would (retryable). */
    public void failNextPosts(int n) {
        failingPosts.set(n);
    }

    @Override
    public void post(String repository, String sha, CommitStatus status) throws ReportException {
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
