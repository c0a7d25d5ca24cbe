package io.jenkins.plugins.cattlepi.trigger;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;

/**
 * Once a minute, on its own thread: retries queues that could not be opened yet, and checks that
 * every build handed to Jenkins still has a queue item or a run (QueueDesks#reconcile). Apart
 * from the orphan reaper, because it talks to SQS and S3 and a slow queue must not hold up the Pis.
 */
@Extension
public class SqsReconcile extends AsyncPeriodicWork {
    public SqsReconcile() {
        super("CattlePi SQS reconcile");
    }

    @Override
    public long getRecurrencePeriod() {
        return MIN;
    }

    @Override
    protected void execute(TaskListener listener) {
        QueueDesks.get().reconcile();
    }
}
