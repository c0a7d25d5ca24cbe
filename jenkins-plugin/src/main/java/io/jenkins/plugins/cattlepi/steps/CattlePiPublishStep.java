package io.jenkins.plugins.cattlepi.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.cattlepi.ci.report.BuildPublisher;
import io.cattlepi.ci.report.S3ArtifactStore;
import io.cattlepi.ci.report.S3Settings;
import io.jenkins.plugins.cattlepi.config.CattlePiConfiguration;
import io.jenkins.plugins.cattlepi.report.RunFiles;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code def url = cattlepiPublish()}: uploads the console log so far and the archived artifacts
 * to the configured S3 bucket through core's publisher, with an index page; returns its URL.
 */
public class CattlePiPublishStep extends Step {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private String name;

    @DataBoundConstructor
    public CattlePiPublishStep() {
    }

    public String getName() {
        return name;
    }

    /** The folder name in the bucket; default {@code jenkins-<job>-<number>}. */
    @DataBoundSetter
    public void setName(String name) {
        this.name = Util.fixEmptyAndTrim(name);
    }

    /** A static class holding only the name, as for {@code cattlepiStatus}: it is saved with the program. */
    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, name);
    }

    /** Copies the run's files and uploads them off the CPS thread. */
    static final class Execution extends SynchronousNonBlockingStepExecution<String> {
        private static final long serialVersionUID = 1L;

        private final String name;

        Execution(StepContext context, String name) {
            super(context);
            this.name = name;
        }

        @Override
        protected String run() throws Exception {
            StepContext ctx = getContext();
            Run<?, ?> run = ctx.get(Run.class);
            String id = name != null ? name
                    : ("jenkins-" + run.getParent().getFullName() + "-" + run.getNumber()).replaceAll("[^A-Za-z0-9_.-]", "-");
            if (!NAME.matcher(id).matches()) {
                throw new AbortException("cattlepiPublish: name \"" + id + "\" must be letters, digits, '.', '_' or '-'");
            }
            S3Settings s3 = CattlePiConfiguration.get().s3();
            if (s3 == null) {
                throw new AbortException("cattlepiPublish: no S3 bucket in the CattlePi CI configuration");
            }
            Path folder = Jenkins.get().getRootDir().toPath().resolve("cattlepi").resolve("publish").resolve(id);
            try (S3ArtifactStore store = S3ArtifactStore.open(s3)) {
                RunFiles.copy(run, folder);
                String url = new BuildPublisher(store).publish(id, folder, Map.of("job", run.getParent().getFullName(),
                        "run", "#" + run.getNumber()));
                ctx.get(TaskListener.class).getLogger().println("cattlepiPublish: " + url);
                return url;
            } finally {
                Util.deleteRecursive(folder.toFile());
            }
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
            return "cattlepiPublish";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Publish the log and artifacts to S3 (CattlePi CI)";
        }
    }
}
