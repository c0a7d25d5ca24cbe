package io.jenkins.plugins.cattlepi.trigger;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Job;
import hudson.triggers.Trigger;
import hudson.triggers.TriggerDescriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.cattlepi.config.PluginValidation;
import jenkins.model.ParameterizedJobMixIn;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Starts the job for each GitHub delivery queued in SQS that core's filter accepts, with
 * {@code GIT_SHA}, {@code GIT_REF}, {@code PR_NUMBER}, {@code DELIVERY_ID}, {@code GIT_REPOSITORY},
 * {@code CLONE_URL} and {@code CATTLEPI_BUILD_ID}. The message stays invisible while the run waits
 * and runs, and is deleted only once the run is finalized and its status posted.
 */
public class SqsTrigger extends Trigger<Job<?, ?>> {
    private final String queueUrl;

    @DataBoundConstructor
    public SqsTrigger(String queueUrl) {
        this.queueUrl = Util.fixEmptyAndTrim(queueUrl);
    }

    public String getQueueUrl() {
        return queueUrl;
    }

    /** Called while jobs load: only notes the job, the queue is opened on the plugin's thread (QueueDesks). */
    @Override
    public void start(Job<?, ?> project, boolean newInstance) {
        super.start(project, newInstance);
        if (queueUrl != null) {
            QueueDesks.get().attach(queueUrl, project.getFullName());
        }
    }

    @Override
    public void stop() {
        if (job != null && queueUrl != null) {
            QueueDesks.get().detach(queueUrl, job.getFullName());
        }
        super.stop();
    }

    @Extension
    @Symbol("cattlepiSqs")
    public static class DescriptorImpl extends TriggerDescriptor {
        @Override
        public boolean isApplicable(Item item) {
            return item instanceof ParameterizedJobMixIn.ParameterizedJob;
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Build GitHub deliveries from an SQS queue (CattlePi CI)";
        }

        @POST
        public FormValidation doCheckQueueUrl(@QueryParameter String value) {
            if (Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.error("The queue URL is needed, like https://sqs.us-east-1.amazonaws.com/123456789012/cattlepi-ci");
            }
            return PluginValidation.url(value);
        }
    }
}
