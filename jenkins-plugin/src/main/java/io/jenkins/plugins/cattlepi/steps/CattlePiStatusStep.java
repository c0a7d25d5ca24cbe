package io.jenkins.plugins.cattlepi.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import io.cattlepi.ci.intake.BuildRequest;
import io.cattlepi.ci.report.CommitState;
import io.cattlepi.ci.report.CommitStatus;
import io.cattlepi.ci.report.GitHubStatusPublisher;
import io.jenkins.plugins.cattlepi.config.CattlePiConfiguration;
import io.jenkins.plugins.cattlepi.report.RunFiles;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code cattlepiStatus state: 'pending', description: '...'}: posts a GitHub commit status
 * through core's publisher (bounded retries), for the run's {@code GIT_REPOSITORY} and
 * {@code GIT_SHA} unless given, linking the run.
 */
public class CattlePiStatusStep extends Step {
    private final String state;
    private String description = "";
    private String context;
    private String repository;
    private String sha;
    private String targetUrl;

    @DataBoundConstructor
    public CattlePiStatusStep(String state) {
        this.state = state;
    }

    /**
     * Its execution is saved with the program when it goes async (workflow-cps
     * CpsThreadGroup#saveProgram fails the build on a NotSerializableException), so it is a static
     * class holding the step's values, never the step (a {@link Step} is not serializable).
     */
    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, state, description, this.context, repository, sha, targetUrl);
    }

    /** Posts the status off the CPS thread. */
    static final class Execution extends SynchronousNonBlockingStepExecution<Void> {
        private static final long serialVersionUID = 1L;

        private final String state;
        private final String description;
        private final String statusContext;
        private final String repository;
        private final String sha;
        private final String targetUrl;

        Execution(StepContext context, String state, String description, String statusContext, String repository,
                  String sha, String targetUrl) {
            super(context);
            this.state = state;
            this.description = description;
            this.statusContext = statusContext;
            this.repository = repository;
            this.sha = sha;
            this.targetUrl = targetUrl;
        }

        @Override
        protected Void run() throws Exception {
            StepContext ctx = getContext();
            EnvVars env = ctx.get(EnvVars.class);
            Run<?, ?> run = ctx.get(Run.class);
            CattlePiConfiguration config = CattlePiConfiguration.get();
            String repo = first(repository, env.get("GIT_REPOSITORY"), config.firstRepository());
            String commit = first(sha, env.get("GIT_SHA"), null);
            if (commit == null || !BuildRequest.isSha(commit)) {
                throw new AbortException("cattlepiStatus: sha \"" + commit + "\" is not a 40-hex commit id (set sha: or GIT_SHA)");
            }
            CommitStatus status;
            try {
                status = new CommitStatus(CommitState.fromWire(state), first(statusContext, null, config.getStatusContext()), description,
                        first(targetUrl, RunFiles.url(run), null));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new AbortException("cattlepiStatus: " + e.getMessage());
            }
            new GitHubStatusPublisher(config.github()).post(repo, commit, status);
            ctx.get(TaskListener.class).getLogger().println("cattlepiStatus: " + state + " on " + repo + "@" + commit);
            return null;
        }
    }

    private static String first(String a, String b, String c) {
        return Util.fixEmptyAndTrim(a) != null ? a.trim() : Util.fixEmptyAndTrim(b) != null ? b.trim() : c;
    }

    public String getState() {
        return state;
    }

    public String getDescription() {
        return description;
    }

    @DataBoundSetter
    public void setDescription(String description) {
        this.description = Util.fixNull(description);
    }

    public String getContext() {
        return context;
    }

    @DataBoundSetter
    public void setContext(String context) {
        this.context = Util.fixEmptyAndTrim(context);
    }

    public String getRepository() {
        return repository;
    }

    @DataBoundSetter
    public void setRepository(String repository) {
        this.repository = Util.fixEmptyAndTrim(repository);
    }

    public String getSha() {
        return sha;
    }

    @DataBoundSetter
    public void setSha(String sha) {
        this.sha = Util.fixEmptyAndTrim(sha);
    }

    public String getTargetUrl() {
        return targetUrl;
    }

    @DataBoundSetter
    public void setTargetUrl(String targetUrl) {
        this.targetUrl = Util.fixEmptyAndTrim(targetUrl);
    }

    @Extension
    public static class DescriptorImpl extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, EnvVars.class);
        }

        @Override
        public String getFunctionName() {
            return "cattlepiStatus";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Post a GitHub commit status (CattlePi CI)";
        }

        public ListBoxModel doFillStateItems() {
            ListBoxModel items = new ListBoxModel();
            for (CommitState s : CommitState.values()) {
                items.add(s.wireName());
            }
            return items;
        }
    }
}
