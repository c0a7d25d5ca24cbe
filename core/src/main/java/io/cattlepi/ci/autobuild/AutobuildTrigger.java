package io.cattlepi.ci.autobuild;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildIds;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.schedule.Scheduler;
import io.cattlepi.ci.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The weekly release build (the seed's Friday 11:42 cron entry): at each time the schedule
 * names, queues a build of the default branch's head with event {@code autobuild}; the scheduler
 * gives it one Pi in state {@code autobuild}, never two at once. Also runs on request.
 */
public final class AutobuildTrigger {
    private static final Logger log = LoggerFactory.getLogger(AutobuildTrigger.class);

    private final Store store;
    private final Clock clock;
    private final ZoneId zone;
    private final CronSchedule schedule;
    private final String repository;
    private final String cloneUrl;
    private final String branch;
    private final BranchHead heads;
    private final Runnable wake;

    public AutobuildTrigger(Store store, Clock clock, ZoneId zone, AutobuildSettings settings, BranchHead heads,
                            Runnable wake) {
        this.store = store;
        this.clock = clock;
        this.zone = zone;
        this.schedule = settings.schedule();
        this.repository = settings.repository();
        this.cloneUrl = settings.cloneUrl();
        this.branch = settings.branch();
        this.heads = heads;
        this.wake = wake;
    }

    public ZonedDateTime nextFire() {
        return schedule.next(ZonedDateTime.now(clock.withZone(zone)));
    }

    /** Arms the timer for the next scheduled time; re-arms itself after each run. */
    public void start(ScheduledExecutorService timer) {
        ZonedDateTime next = nextFire();
        long delay = Math.max(0, Duration.between(clock.instant(), next.toInstant()).toMillis());
        try {
            timer.schedule(() -> {
                try {
                    requestNow();
                } catch (Exception e) {
                    log.error("scheduled autobuild could not be queued: {}", e.getMessage());
                }
                start(timer);
            }, delay, TimeUnit.MILLISECONDS);
            log.info("next autobuild at {}", next);
        } catch (RejectedExecutionException e) {
            log.debug("controller stopping; autobuild not re-armed");
        }
    }

    /** Queues an autobuild of the branch's current head, or returns the one already waiting or running. */
    public Build requestNow() throws Exception {
        Optional<Build> inFlight = store.read(tx -> tx.buildsIn(BuildState.QUEUED, BuildState.SCHEDULED, BuildState.RUNNING)
                .stream().filter(b -> Scheduler.AUTOBUILD_EVENT.equals(b.event())).findFirst());
        if (inFlight.isPresent()) {
            return inFlight.get();
        }
        String sha = heads.resolve(cloneUrl, branch);
        Build b = store.write(tx -> {
            Build q = Build.queued(BuildIds.next(tx.now()), repository, sha, "refs/heads/" + branch, null, cloneUrl,
                    Scheduler.AUTOBUILD_EVENT, null, null, null, tx.now());
            tx.buildChanged(null, q.withState(BuildState.QUEUED, "weekly release build of " + branch));
            return q;
        });
        wake.run();
        return b;
    }
}
