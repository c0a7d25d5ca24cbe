package io.jenkins.plugins.cattlepi.trigger;

import hudson.Extension;
import hudson.model.CauseAction;
import hudson.model.Job;
import hudson.model.ParameterValue;
import hudson.model.ParametersAction;
import hudson.model.Queue;
import hudson.model.Run;
import hudson.model.StringParameterValue;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.engine.DelegatedBuilds;
import io.cattlepi.ci.engine.EngineSettings;
import io.cattlepi.ci.retry.Sleeper;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.wiring.Closer;
import io.cattlepi.ci.wiring.ExternalPorts;
import io.jenkins.plugins.cattlepi.config.CattlePiConfiguration;
import io.jenkins.plugins.cattlepi.lifecycle.PluginThreads;
import io.jenkins.plugins.cattlepi.report.RunFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.model.ParameterizedJobMixIn;

/**
 * One long poll per SQS queue, however many triggers name it and however often they are reloaded:
 * a queue's desk (core's {@link DelegatedBuilds}) opens with the first job that names it and
 * closes a minute after the last one is gone. Builds go to the first such job by full name, and a
 * job keeps its builds when renamed or moved ({@link JobMoves}).
 *
 * <p>Triggers start while jobs load and stop on the thread that saves a job, so attaching and
 * detaching only note the job; opening a desk (its store, the SQS and S3 clients, settling what a
 * previous run left) and closing one happen on the plugin's own thread, one at a time.
 */
@Extension
public class QueueDesks {
    private static final Logger LOG = Logger.getLogger(QueueDesks.class.getName());
    private static final int MAX_WAITING = 10;
    private static final int RECENT_RUNS = 100;

    private final Map<String, Desk> desks = new ConcurrentHashMap<>();
    /** Builds with neither queue item nor run at the last check; lost if still so at the next (the queue view lags). */
    private final Set<String> missing = ConcurrentHashMap.newKeySet();
    /** Jobs whose queue is not open yet: being opened, or not openable yet (retried every minute). */
    private final Map<String, Set<String>> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService work = PluginThreads.serial("SQS desks");

    private static final class Desk {
        final Set<String> jobs = new TreeSet<>();
        /** The store, the SQS, S3 and GitHub clients and the desk's builds, closed newest first. */
        final Closer opened = new Closer();
        DelegatedBuilds builds;

        void close() {
            opened.close();
        }
    }

    public static QueueDesks get() {
        return Jenkins.get().getExtensionList(QueueDesks.class).get(0);
    }

    /** The job takes builds from this queue; the queue's desk is opened soon if it is not open. */
    synchronized void attach(String queueUrl, String jobName) {
        Desk desk = desks.get(queueUrl);
        if (desk != null) {
            desk.jobs.add(jobName);
            warnIfShared(queueUrl, desk.jobs);
            return;
        }
        waiting.computeIfAbsent(queueUrl, q -> new TreeSet<>()).add(jobName);
        work.execute(() -> open(queueUrl));
    }

    synchronized void detach(String queueUrl, String jobName) {
        Set<String> notYet = waiting.get(queueUrl);
        if (notYet != null) {
            notYet.remove(jobName);
            if (notYet.isEmpty()) {
                waiting.remove(queueUrl);
            }
        }
        Desk desk = desks.get(queueUrl);
        if (desk == null) {
            return;
        }
        desk.jobs.remove(jobName);
        if (desk.jobs.isEmpty()) {
            // A reload stops the old trigger before starting the new one: keep the poll for that moment.
            work.schedule(() -> closeIfUnused(queueUrl), 1, TimeUnit.MINUTES);
        }
    }

    /** A renamed or moved job keeps its queue's builds: the desks know it by its new full name. */
    synchronized void jobMoved(String oldFullName, String newFullName) {
        for (Map.Entry<String, Desk> d : desks.entrySet()) {
            if (d.getValue().jobs.remove(oldFullName)) {
                d.getValue().jobs.add(newFullName);
                warnIfShared(d.getKey(), d.getValue().jobs);
            }
        }
        for (Set<String> jobs : waiting.values()) {
            if (jobs.remove(oldFullName)) {
                jobs.add(newFullName);
            }
        }
    }

    private static void warnIfShared(String queueUrl, Set<String> jobs) {
        if (jobs.size() > 1) {
            LOG.warning("jobs " + jobs + " all take builds from " + queueUrl + "; only " + jobs.iterator().next()
                    + " gets them");
        }
    }

    /** On the desks' thread: opens the queue's desk for the jobs waiting for it, if any still are. */
    private void open(String queueUrl) {
        synchronized (this) {
            if (desks.containsKey(queueUrl) || !waiting.containsKey(queueUrl)) {
                return;
            }
        }
        Desk desk = new Desk();
        try {
            open(desk, queueUrl);
        } catch (RuntimeException e) {
            desk.close();
            LOG.log(Level.WARNING, "SQS trigger: cannot poll " + queueUrl + " yet (retried every minute): "
                    + e.getMessage());
            return;
        }
        synchronized (this) {
            Set<String> jobs = waiting.remove(queueUrl);
            if (jobs == null || jobs.isEmpty()) {
                desk.close(); // every job let go of the queue while it was being opened
                return;
            }
            desk.jobs.addAll(jobs);
            desks.put(queueUrl, desk);
            warnIfShared(queueUrl, desk.jobs);
        }
        LOG.info("polling " + queueUrl + " for CattlePi builds");
    }

    private void closeIfUnused(String queueUrl) {
        Desk unused;
        synchronized (this) {
            unused = desks.get(queueUrl);
            if (unused == null || !unused.jobs.isEmpty()) {
                return;
            }
            desks.remove(queueUrl);
        }
        unused.close();
        LOG.info("stopped polling " + queueUrl + ": no job takes its builds any more");
    }

    public Optional<DelegatedBuilds> desk(String queueUrl) {
        return Optional.ofNullable(desks.get(queueUrl)).map(d -> d.builds);
    }

    /**
     * The same outside world as the standalone controller's ({@link ExternalPorts}); without a bucket
     * the log stays with the Jenkins run. No public URL: statuses link the run ({@link JobRunner#page}).
     */
    private void open(Desk desk, String queueUrl) {
        CattlePiConfiguration config = CattlePiConfiguration.get();
        Path home = Jenkins.get().getRootDir().toPath().resolve("cattlepi");
        Store store = desk.opened.add(Store.open(home.resolve("queue-" + digest(queueUrl) + ".db"), Clock.systemUTC()));
        String deadLetters = config.getDeadLetterQueueUrl();
        ExternalPorts outside = ExternalPorts.open(config.sqs(queueUrl), deadLetters == null ? null
                : config.sqs(deadLetters), config.s3(), config.github(), config.filter(), store, desk.opened);
        EngineSettings settings = EngineSettings.of(home.resolve("work"), config.getStatusContext(), null,
                EngineSettings.DEFAULT_VISIBILITY);
        desk.builds = desk.opened.add(new DelegatedBuilds(store, outside.queue(), outside.admission(),
                outside.statuses(), outside.publisher(), settings, MAX_WAITING, Sleeper.SYSTEM,
                new JobRunner(queueUrl, desk)));
        desk.builds.start();
    }

    /** Starts runs of the queue's job with the build's parameters. */
    private static final class JobRunner implements DelegatedBuilds.Runner {
        private final String queueUrl;
        private final Desk desk;

        JobRunner(String queueUrl, Desk desk) {
            this.queueUrl = queueUrl;
            this.desk = desk;
        }

        private Job<?, ?> job() throws Exception {
            String name;
            synchronized (get()) {
                name = desk.jobs.isEmpty() ? null : desk.jobs.iterator().next();
            }
            if (name == null) {
                throw new Exception("no job's SQS trigger takes builds from " + queueUrl);
            }
            try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
                Job<?, ?> job = Jenkins.get().getItemByFullName(name, Job.class);
                if (job == null) {
                    throw new Exception("job " + name + " is gone");
                }
                return job;
            }
        }

        @Override
        public String page(Build build) {
            try {
                return RunFiles.absolute(job().getUrl());
            } catch (Exception e) {
                return null;
            }
        }

        @Override
        public void schedule(Build b) throws Exception {
            Job<?, ?> job = job();
            List<ParameterValue> values = new ArrayList<>(List.of(
                    new StringParameterValue("GIT_SHA", b.sha()),
                    new StringParameterValue("GIT_REF", b.ref() == null ? "" : b.ref()),
                    new StringParameterValue("PR_NUMBER", b.prNumber() == null ? "" : b.prNumber().toString()),
                    new StringParameterValue("DELIVERY_ID", b.deliveryId() == null ? "" : b.deliveryId()),
                    new StringParameterValue("GIT_REPOSITORY", b.repository()),
                    new StringParameterValue("CLONE_URL", b.cloneUrl()),
                    new StringParameterValue("CATTLEPI_BUILD_ID", b.id())));
            SqsCause cause = new SqsCause(queueUrl, b.id(), b.deliveryId(), b.sha(), b.prNumber());
            Queue.Item item;
            try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
                item = ParameterizedJobMixIn.scheduleBuild2(job, 0, new CauseAction(cause), new ParametersAction(values));
            }
            if (item == null) {
                throw new Exception("job " + job.getFullName() + " did not accept a run (disabled, or not parameterized)");
            }
        }
    }

    /**
     * Checks every handed-over build still has a queue item or a run: a run that finished while its
     * report was missed is reported now; a build with neither at two checks in a row is lost (handed
     * over again once, then error).
     */
    public void reconcile() {
        for (String queueUrl : Set.copyOf(waiting.keySet())) {
            work.execute(() -> open(queueUrl));
        }
        Map<String, Desk> open;
        synchronized (this) {
            open = Map.copyOf(desks);
        }
        for (Map.Entry<String, Desk> e : open.entrySet()) {
            DelegatedBuilds builds = e.getValue().builds;
            for (Build b : builds.unsettled()) {
                Optional<Run<?, ?>> run = findRun(e.getValue(), b.id());
                if (run.isPresent()) {
                    if (!run.get().isBuilding() && !run.get().isLogUpdated()) {
                        SqsRunListener.report(builds, run.get(), b.id());
                    }
                    missing.remove(b.id());
                } else if (queued(b.id())) {
                    missing.remove(b.id());
                } else if (!missing.add(b.id())) {
                    missing.remove(b.id());
                    builds.lost(b.id(), "Jenkins has neither a queue item nor a run for it");
                }
            }
        }
    }

    private static boolean queued(String buildId) {
        for (Queue.Item item : Jenkins.get().getQueue().getItems()) {
            for (hudson.model.Cause c : item.getCauses()) {
                if (c instanceof SqsCause s && s.getBuildId().equals(buildId)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Optional<Run<?, ?>> findRun(Desk desk, String buildId) {
        List<String> jobs;
        synchronized (get()) {
            jobs = new ArrayList<>(desk.jobs);
        }
        for (String name : jobs) {
            Job<?, ?> job = Jenkins.get().getItemByFullName(name, Job.class);
            if (job == null) {
                continue;
            }
            for (Run<?, ?> run : job.getBuilds().limit(RECENT_RUNS)) {
                SqsCause c = run.getCause(SqsCause.class);
                if (c != null && c.getBuildId().equals(buildId)) {
                    return Optional.of(run);
                }
            }
        }
        return Optional.empty();
    }

    void finishedWithoutRun(String queueUrl, String buildId, String why) {
        desk(queueUrl).ifPresent(d -> d.finished(buildId, BuildResult.ERROR, why));
    }

    public void closeAll() {
        List<Desk> open;
        synchronized (this) {
            open = List.copyOf(desks.values());
            desks.clear();
            waiting.clear();
        }
        open.forEach(Desk::close);
    }

    private static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
