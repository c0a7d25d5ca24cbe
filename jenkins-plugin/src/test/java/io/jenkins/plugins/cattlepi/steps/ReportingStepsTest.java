package io.jenkins.plugins.cattlepi.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import io.cattlepi.ci.peers.GitHubStandIn;
import io.cattlepi.ci.peers.LocalS3;
import io.cattlepi.ci.report.BuildPublisher;
import io.jenkins.plugins.cattlepi.config.CattlePiConfiguration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import jenkins.model.JenkinsLocationConfiguration;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * {@code cattlepiStatus} and {@code cattlepiPublish} in a pipeline of the default durability: the
 * program is saved while each step runs (its execution goes async), so a step execution that is not
 * serializable would fail the run here.
 */
@WithJenkins
class ReportingStepsTest {
    private static final String TOKEN = "gh-token";
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    private static void credentials(String id, String user, String password) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new UsernamePasswordCredentialsImpl(
                CredentialsScope.SYSTEM, id, id, user, password));
    }

    private static WorkflowRun run(JenkinsRule j, String script) throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "report");
        job.setDefinition(new CpsFlowDefinition(script, true));
        return j.buildAndAssertSuccess(job);
    }

    @Test
    void cattlepiStatusPostsTheStatusLinkingTheRun(JenkinsRule j) throws Exception {
        try (GitHubStandIn github = GitHubStandIn.start(TOKEN)) {
            credentials("github", "bot", TOKEN);
            CattlePiConfiguration config = CattlePiConfiguration.get();
            config.setGithubApiUrl(github.url().toString());
            config.setGithubCredentialsId("github");
            JenkinsLocationConfiguration.get().setUrl(j.getURL().toString());

            WorkflowRun run = run(j, "cattlepiStatus state: 'success', description: 'done',"
                    + " repository: 'cattlepi/cattlepi', sha: '" + SHA + "'");

            List<GitHubStandIn.RecordedStatus> posted = github.statusesFor(SHA);
            assertEquals(1, posted.size(), "one status: " + posted);
            assertEquals("success", posted.get(0).state());
            assertEquals(j.jenkins.getRootUrl() + run.getUrl(), posted.get(0).targetUrl());
            j.assertLogContains("cattlepiStatus: success on cattlepi/cattlepi@" + SHA, run);
        }
    }

    @Test
    void cattlepiPublishUploadsTheConsoleLogAndReturnsItsPage(JenkinsRule j) throws Exception {
        try (LocalS3 s3 = LocalS3.start()) {
            s3.createBucket("logs");
            credentials("aws", s3.accessKey(), s3.secretKey());
            CattlePiConfiguration config = CattlePiConfiguration.get();
            config.setAwsRegion(s3.region());
            config.setAwsCredentialsId("aws");
            config.setS3Bucket("logs");
            config.setS3Endpoint(s3.endpoint().toString());
            config.setS3PublicUrl(s3.publicPrefix("logs").toString());

            WorkflowRun run = run(j, "echo 'make raspbian_cattlepi: ok'\n"
                    + "def url = cattlepiPublish(name: 'report-1')\n"
                    + "echo \"published at ${url}\"");

            j.assertLogContains("published at " + s3.publicPrefix("logs") + "/report-1/" + BuildPublisher.INDEX_NAME, run);
            HttpResponse<String> log = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(s3.publicPrefix("logs") + "/report-1/" + BuildPublisher.LOG_NAME)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, log.statusCode());
            assertTrue(log.body().contains("make raspbian_cattlepi: ok"), log.body());
        }
    }
}
