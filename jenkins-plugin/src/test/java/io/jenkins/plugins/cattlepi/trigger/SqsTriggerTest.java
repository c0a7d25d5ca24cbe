package io.jenkins.plugins.cattlepi.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hudson.model.Items;
import hudson.model.ParametersDefinitionProperty;
import hudson.model.StringParameterDefinition;
import io.cattlepi.ci.intake.Admission;
import io.cattlepi.ci.intake.QueuedMessage;
import io.cattlepi.ci.peers.GitHubStandIn;
import io.cattlepi.ci.peers.LocalSqs;
import io.cattlepi.ci.peers.WebhookFixtures;
import io.jenkins.plugins.cattlepi.TestWait;
import io.jenkins.plugins.cattlepi.config.CattlePiConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import jenkins.model.JenkinsLocationConfiguration;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockFolder;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A delivery in SQS (ElasticMQ) starts the pipeline with its parameters; GitHub (the stand-in)
 * sees pending then the final status linking the run; the message is deleted only at the end.
 */
@WithJenkins
class SqsTriggerTest {
    private static final String TOKEN = "gh-token";

    private JenkinsRule j;
    private LocalSqs sqs;
    private GitHubStandIn github;
    private String queueUrl;

    @BeforeEach
    void peers(JenkinsRule j) throws Exception {
        this.j = j;
        sqs = LocalSqs.start();
        github = GitHubStandIn.start(TOKEN);
        queueUrl = sqs.createQueue("deliveries", Duration.ofSeconds(30));
        SystemCredentialsProvider.getInstance().getCredentials().add(new UsernamePasswordCredentialsImpl(
                CredentialsScope.SYSTEM, "aws", "local SQS", sqs.accessKey(), sqs.secretKey()));
        SystemCredentialsProvider.getInstance().getCredentials().add(new UsernamePasswordCredentialsImpl(
                CredentialsScope.SYSTEM, "github", "GitHub stand-in", "bot", TOKEN));
        CattlePiConfiguration c = CattlePiConfiguration.get();
        c.setAwsRegion(sqs.region());
        c.setSqsEndpoint(sqs.endpoint().toString());
        c.setAwsCredentialsId("aws");
        c.setGithubApiUrl(github.url().toString());
        c.setGithubCredentialsId("github");
        c.setAllowedRepositories(WebhookFixtures.REPOSITORY);
        JenkinsLocationConfiguration.get().setUrl(j.getURL().toString());
    }

    @AfterEach
    void stop() {
        QueueDesks.get().closeAll();
        github.close();
        sqs.close();
    }

    private WorkflowJob job(String script) throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "cattlepi");
        job.addProperty(new ParametersDefinitionProperty(List.of(
                new StringParameterDefinition("GIT_SHA", ""), new StringParameterDefinition("GIT_REF", ""),
                new StringParameterDefinition("PR_NUMBER", ""), new StringParameterDefinition("DELIVERY_ID", ""),
                new StringParameterDefinition("GIT_REPOSITORY", ""), new StringParameterDefinition("CLONE_URL", ""),
                new StringParameterDefinition("CATTLEPI_BUILD_ID", ""))));
        job.setDefinition(new CpsFlowDefinition(script, true));
        job.addTrigger(new SqsTrigger(queueUrl));
        job.save();
        return job;
    }

    private void deliver(String sha) {
        deliver(WebhookFixtures.pullRequest("synchronize", 5, sha), "d-" + sha.substring(0, 6));
    }

    private void deliver(byte[] payload, String deliveryId) {
        sqs.client().sendMessage(b -> b.queueUrl(queueUrl)
                .messageBody(new String(payload, StandardCharsets.UTF_8))
                .messageAttributes(Map.of(QueuedMessage.EVENT, attr("pull_request"), QueuedMessage.DELIVERY,
                        attr(deliveryId))));
    }

    /** A pull request of an author GitHub calls a CONTRIBUTOR: not trusted by default. */
    private static byte[] outsider(String action, String sha) {
        ObjectNode p = WebhookFixtures.tree("pull_request-labeled");
        p.put("action", action);
        ((ObjectNode) p.get("label")).put("name", "ok-to-test");
        ObjectNode pr = (ObjectNode) p.get("pull_request");
        pr.put("author_association", "CONTRIBUTOR");
        ((ObjectNode) pr.get("head")).put("sha", sha);
        return WebhookFixtures.write(p);
    }

    private static software.amazon.awssdk.services.sqs.model.MessageAttributeValue attr(String v) {
        return software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder().dataType("String").stringValue(v)
                .build();
    }

    @Test
    void aDeliveryRunsThePipelineWithItsParametersAndEndsWithAStatusLinkingTheRun() throws Exception {
        WorkflowJob job = job("echo \"building ${params.GIT_SHA} of PR ${params.PR_NUMBER}\"");
        String sha = "abcdefabcdefabcdefabcdefabcdefabcdefabcd";
        deliver(sha);
        new TestWait().until("a run", () -> job.getLastBuild() != null);
        WorkflowRun run = job.getLastBuild();
        j.waitForCompletion(run);
        j.assertBuildStatusSuccess(run);
        j.assertLogContains("building " + sha + " of PR 5", run);
        new TestWait().until("the final status", () -> github.statusesFor(sha).stream()
                .anyMatch(s -> s.state().equals("success")));
        GitHubStandIn.RecordedStatus last = github.statusesFor(sha).get(github.statusesFor(sha).size() - 1);
        assertEquals(j.jenkins.getRootUrl() + run.getUrl(), last.targetUrl());
        new TestWait().until("the message is deleted", () -> sqs.depth(queueUrl) == 0);
    }

    @Test
    void anOutsidersPullRequestWaitsWithAPendingStatusUntilTheOkToTestLabel() throws Exception {
        WorkflowJob job = job("echo \"building ${params.GIT_SHA}\"");
        String sha = "0123401234012340123401234012340123401234";
        deliver(outsider("opened", sha), "d-outsider");
        new TestWait().until("the waiting status", () -> github.statusesFor(sha).stream()
                .anyMatch(s -> s.state().equals("pending") && s.description().equals(Admission.WAITING_FOR_APPROVAL)));
        assertNull(job.getLastBuild(), "no run before a maintainer's ok-to-test");

        deliver(outsider("labeled", sha), "d-ok-to-test");
        new TestWait().until("a run", () -> job.getLastBuild() != null);
        j.waitForCompletion(job.getLastBuild());
        j.assertLogContains("building " + sha, job.getLastBuild());
        new TestWait().until("the final status", () -> github.statusesFor(sha).stream()
                .anyMatch(s -> s.state().equals("success")));
    }

    @Test
    void aFailingRunIsAFailureOnGitHub() throws Exception {
        WorkflowJob job = job("error 'make raspbian_cattlepi failed'");
        String sha = "1234512345123451234512345123451234512345";
        deliver(sha);
        new TestWait().until("a run", () -> job.getLastBuild() != null);
        j.waitForCompletion(job.getLastBuild());
        new TestWait().until("the final status", () -> github.statusesFor(sha).stream()
                .anyMatch(s -> s.state().equals("failure")));
        assertTrue(github.statusesFor(sha).get(0).state().equals("pending"), "pending first, on schedule");
    }

    @Test
    void aQueueThatCannotBeOpenedYetIsRetriedAndThenServesTheJob() throws Exception {
        CattlePiConfiguration.get().setAwsCredentialsId(null);
        WorkflowJob job = job("echo \"building ${params.GIT_SHA}\"");
        String sha = "feedfacefeedfacefeedfacefeedfacefeedface";
        deliver(sha);

        CattlePiConfiguration.get().setAwsCredentialsId("aws");
        QueueDesks.get().reconcile(); // what the SQS reconcile does every minute
        new TestWait().until("a run", () -> job.getLastBuild() != null);
        j.waitForCompletion(job.getLastBuild());
        j.assertLogContains("building " + sha, job.getLastBuild());
    }

    @Test
    void aRenamedOrMovedJobKeepsItsQueuesBuilds() throws Exception {
        WorkflowJob job = job("echo \"building ${params.GIT_SHA}\"");
        new TestWait().until("the queue is polled", () -> QueueDesks.get().desk(queueUrl).isPresent());

        job.renameTo("cattlepi-renamed");
        String first = "1111111111111111111111111111111111111111";
        deliver(first);
        new TestWait().until("a run of the renamed job", () -> job.getLastBuild() != null);
        j.waitForCompletion(job.getLastBuild());
        j.assertLogContains("building " + first, job.getLastBuild());

        MockFolder folder = j.createFolder("ci");
        WorkflowJob moved = Items.move(job, folder);
        String second = "2222222222222222222222222222222222222222";
        deliver(second);
        new TestWait().until("a run of the moved job", () -> moved.getBuilds().size() == 2);
        j.waitForCompletion(moved.getLastBuild());
        j.assertLogContains("building " + second, moved.getLastBuild());
        assertEquals("ci/cattlepi-renamed", moved.getFullName());
    }
}
