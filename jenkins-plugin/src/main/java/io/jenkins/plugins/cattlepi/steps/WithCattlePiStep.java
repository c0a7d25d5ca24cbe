package io.jenkins.plugins.cattlepi.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.Label;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.cattlepi.ci.rack.Rack;
import io.cattlepi.ci.retry.Backoff;
import io.cattlepi.ci.worker.Worker;
import io.jenkins.plugins.cattlepi.cloud.PiCloud;
import io.jenkins.plugins.cattlepi.cloud.RackRuntimes;
import io.jenkins.plugins.cattlepi.lifecycle.PluginThreads;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.BodyExecution;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.EnvironmentExpander;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code withCattlePi('cattlepi') { ... }}: leases a ready Pi with that label for the block, which
 * may run on any agent and sees the Pi as {@code BUILDER_NODE}, {@code BUILDER_PORT} and
 * {@code BUILDER_USER}. When the block ends the Pi goes back and is reset to stock.
 *
 * <p>{@code start}, {@code onResume}, {@code stop} and the body's callback run on the CPS VM
 * thread, which every pipeline of this Jenkins shares; leasing may start a rack (store, SSH) and
 * releasing writes the store, so both happen on the plugin's own thread.
 */
public class WithCattlePiStep extends Step {
    private static final String PREFIX = RackRuntimes.HOLDERS + "step:";
    private static final ScheduledExecutorService LEASES = PluginThreads.serial("Pi leases for withCattlePi");

    private final String label;
    private int timeoutMinutes = 60;

    @DataBoundConstructor
    public WithCattlePiStep(String label) {
        this.label = Util.fixEmptyAndTrim(label);
    }

    public String getLabel() {
        return label;
    }

    public int getTimeoutMinutes() {
        return timeoutMinutes;
    }

    @DataBoundSetter
    public void setTimeoutMinutes(int timeoutMinutes) {
        this.timeoutMinutes = Math.max(1, timeoutMinutes);
    }

    public static boolean isStepHolder(String holder) {
        return holder.startsWith(PREFIX);
    }

    /** The externalizable id of the run a step holder belongs to. */
    public static String runOf(String holder) {
        return holder.substring(PREFIX.length(), holder.lastIndexOf('|'));
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        if (label == null) {
            throw new AbortException("withCattlePi needs the label of the Pis to lease, e.g. withCattlePi('cattlepi') { ... }");
        }
        Run<?, ?> run = context.get(Run.class);
        return new Execution(context, label, timeoutMinutes,
                PREFIX + run.getExternalizableId() + "|" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Waits for a Pi (bounded, with back-off), runs the body with the Pi's variables, gives the Pi back. */
    static final class Execution extends StepExecution {
        private static final long serialVersionUID = 1L;
        private static final Backoff WAIT = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));

        private final String label;
        private final String holder;
        private final long deadlineMillis;
        private String cloudName;
        private int attempts;
        private boolean stopped;
        private transient Future<?> retry;
        private BodyExecution body;

        Execution(StepContext context, String label, int timeoutMinutes, String holder) {
            super(context);
            this.label = label;
            this.holder = holder;
            this.deadlineMillis = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(timeoutMinutes);
        }

        @Override
        public boolean start() throws Exception {
            LEASES.execute(this::tryLease);
            return false;
        }

        @Override
        public void onResume() {
            if (cloudName == null) {
                LEASES.execute(this::tryLease);
            }
        }

        private synchronized void tryLease() {
            if (stopped) {
                return;
            }
            try {
                Label wanted = Label.get(label);
                for (PiCloud cloud : Jenkins.get().clouds.getAll(PiCloud.class)) {
                    if (!cloud.canProvision(new hudson.slaves.Cloud.CloudState(wanted, 0))) {
                        continue;
                    }
                    Rack rack = RackRuntimes.of(cloud);
                    Optional<Worker> pi = rack.leases().lease(holder, cloud.eligible(wanted));
                    if (pi.isPresent()) {
                        cloudName = cloud.name;
                        runBody(cloud, pi.get());
                        return;
                    }
                }
                if (System.currentTimeMillis() > deadlineMillis) {
                    getContext().onFailure(new AbortException("withCattlePi: no Pi with label " + label
                            + " became ready in time"));
                    return;
                }
                if (attempts++ % 10 == 0) {
                    getContext().get(TaskListener.class).getLogger().println("withCattlePi: waiting for a ready Pi with label "
                            + label);
                }
                retry = LEASES.schedule(this::tryLease, WAIT.delay(attempts).toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                getContext().onFailure(e);
            }
        }

        private void runBody(PiCloud cloud, Worker pi) throws Exception {
            getContext().get(TaskListener.class).getLogger().println("withCattlePi: leased Pi " + pi.id() + " at "
                    + pi.host() + ":" + pi.port());
            EnvironmentExpander env = EnvironmentExpander.constant(Map.of("BUILDER_NODE", pi.host(),
                    "BUILDER_PORT", Integer.toString(pi.port()), "BUILDER_USER", cloud.sshUser()));
            body = getContext().newBodyInvoker()
                    .withContext(EnvironmentExpander.merge(getContext().get(EnvironmentExpander.class), env))
                    .withCallback(new Release(cloud.name, holder))
                    .start();
        }

        @Override
        public void stop(@NonNull Throwable cause) throws Exception {
            synchronized (this) { // after this, a lease attempt queued on the plugin's thread does nothing
                stopped = true;
                if (retry != null) {
                    retry.cancel(false);
                }
            }
            if (body != null) {
                body.cancel(cause);
            } else {
                String cloud = cloudName;
                LEASES.execute(() -> release(cloud, holder, "step stopped"));
                getContext().onFailure(cause);
            }
        }
    }

    static void release(String cloudName, String holder, String why) {
        if (cloudName != null) {
            RackRuntimes.running(cloudName).ifPresent(rack -> rack.leases().release(holder, false, why));
        }
    }

    /** Gives the Pi back when the block ends, however it ends. */
    private static final class Release extends BodyExecutionCallback.TailCall {
        private static final long serialVersionUID = 1L;
        private final String cloudName;
        private final String holder;

        Release(String cloudName, String holder) {
            this.cloudName = cloudName;
            this.holder = holder;
        }

        @Override
        protected void finished(StepContext context) {
            LEASES.execute(() -> release(cloudName, holder, "withCattlePi block ended"));
        }
    }

    @Extension
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }

        @Override
        public String getFunctionName() {
            return "withCattlePi";
        }

        @Override
        public boolean takesImplicitBlockArgument() {
            return true;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Lease a CattlePi Pi for a block";
        }
    }
}
