package io.jenkins.plugins.cattlepi.trigger;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Queue;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.model.listeners.RunListener;
import hudson.model.queue.QueueListener;
import io.cattlepi.ci.engine.DelegatedBuilds;
import io.jenkins.plugins.cattlepi.lifecycle.PluginThreads;
import io.jenkins.plugins.cattlepi.report.RunFiles;
import io.jenkins.plugins.cattlepi.report.RunResults;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reports runs started by the SQS trigger to core: started (pending status linking the run), and
 * finalized (console log and archived artifacts to S3, final status, then the message deleted).
 *
 * <p>Run listeners are called on the run's own thread (an executor, or the one finalizing it) and
 * queue listeners under the queue's lock, so the reports are only noted there and made on the
 * plugin's thread: posting a status retries GitHub, copying a log may take long. One thread, so a
 * run's start is always reported before its end.
 */
@Extension
public class SqsRunListener extends RunListener<Run<?, ?>> {
    private static final Logger LOG = Logger.getLogger(SqsRunListener.class.getName());
    private static final ScheduledExecutorService REPORTS = PluginThreads.serial("SQS run reports");

    @Override
    public void onStarted(Run<?, ?> run, TaskListener listener) {
        SqsCause cause = run.getCause(SqsCause.class);
        if (cause == null) {
            return;
        }
        String url = RunFiles.url(run);
        String where = run.getFullDisplayName();
        REPORTS.execute(() -> QueueDesks.get().desk(cause.getQueueUrl()).ifPresent(d ->
                d.started(cause.getBuildId(), url, where)));
    }

    @Override
    public void onFinalized(Run<?, ?> run) {
        SqsCause cause = run.getCause(SqsCause.class);
        if (cause == null) {
            return;
        }
        // A desk closed meanwhile: the SQS reconcile reports the run when the queue's desk is back.
        REPORTS.execute(() -> QueueDesks.get().desk(cause.getQueueUrl()).ifPresent(d -> report(d, run, cause.getBuildId())));
    }

    static void report(DelegatedBuilds desk, Run<?, ?> run, String buildId) {
        Result result = run.getResult();
        String description = "Jenkins " + run.getFullDisplayName() + ": " + (result == null ? "no result" : result);
        try {
            RunFiles.copy(run, desk.folder(buildId));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "build " + buildId + ": cannot copy the log of " + run + " for S3", e);
        }
        desk.finished(buildId, RunResults.of(result), description);
    }

    /** A queued run cancelled before it started: the build ends error instead of staying pending. */
    @Extension
    public static class Cancellations extends QueueListener {
        @Override
        public void onLeft(@NonNull Queue.LeftItem li) {
            if (!li.isCancelled()) {
                return;
            }
            for (hudson.model.Cause c : li.getCauses()) {
                if (c instanceof SqsCause s) {
                    REPORTS.execute(() -> QueueDesks.get().finishedWithoutRun(s.getQueueUrl(), s.getBuildId(),
                            "cancelled in Jenkins before it started"));
                }
            }
        }
    }
}
