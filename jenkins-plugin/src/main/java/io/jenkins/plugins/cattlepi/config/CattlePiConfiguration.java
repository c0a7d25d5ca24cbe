package io.jenkins.plugins.cattlepi.config;

import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.Extension;
import hudson.Util;
import hudson.XmlFile;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import hudson.util.XStream2;
import io.cattlepi.ci.intake.DeliveryFilter;
import io.cattlepi.ci.intake.SqsSettings;
import io.cattlepi.ci.report.GitHubSettings;
import io.cattlepi.ci.report.S3Settings;
import io.cattlepi.ci.secret.Secret;
import io.jenkins.plugins.cattlepi.lifecycle.MovedClasses;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Where builds are reported and which deliveries are built: AWS (SQS, S3), GitHub and the
 * delivery filter, shared by every SQS trigger and CattlePi step. Turns into core's settings.
 */
@Extension
@Symbol("cattlepi")
public class CattlePiConfiguration extends GlobalConfiguration {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(CattlePiConfiguration.class.getName());
    /** The file of a global configuration is named after its class: this one's before it moved here. */
    private static final String OLD_FILE = MovedClasses.OLD_PACKAGE + "CattlePiConfiguration.xml";
    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");

    private static final String DEFAULT_REGION = "us-east-1";

    private String awsRegion = DEFAULT_REGION;
    private String awsCredentialsId;
    private String sqsEndpoint;
    private String deadLetterQueueUrl;
    private String s3Bucket;
    private String s3PublicUrl;
    private String s3Endpoint;
    private String githubApiUrl = "https://api.github.com";
    private String githubCredentialsId;
    private String statusContext = "cattlepi-ci";
    private String allowedRepositories = "cattlepi/cattlepi";
    private String pushBranches = "";
    private boolean buildDrafts;
    private String cloneBase = "https://github.com/";
    private String trustedAssociations = String.join(" ", DeliveryFilter.DEFAULT_TRUSTED);
    private String okToTestLabel = DeliveryFilter.DEFAULT_OK_TO_TEST;

    public CattlePiConfiguration() {
        load();
    }

    /**
     * Until this configuration is first saved under its new name, it is read from the file named
     * after its old class, as core's {@code JenkinsLocationConfiguration#load} reads the Mailer's.
     */
    @Override
    public synchronized void load() {
        XmlFile current = getConfigFile();
        File old = new File(Jenkins.get().getRootDir(), OLD_FILE);
        if (current.exists() || !old.exists()) {
            super.load();
            return;
        }
        XStream2 xs = new XStream2();
        xs.addCompatibilityAlias(OLD_FILE.substring(0, OLD_FILE.length() - ".xml".length()), CattlePiConfiguration.class);
        try {
            new XmlFile(xs, old).unmarshal(this);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Failed to load " + old, e);
        }
    }

    public static CattlePiConfiguration get() {
        return GlobalConfiguration.all().getInstance(CattlePiConfiguration.class);
    }

    // ---- what core gets

    /**
     * Pull requests of authors outside {@code trustedAssociations} wait (core's {@code waiting}, with a
     * pending status) until a maintainer adds the ok-to-test label, as in the standalone controller.
     */
    public DeliveryFilter filter() {
        return new DeliveryFilter(new HashSet<>(lines(allowedRepositories)), lines(pushBranches), buildDrafts, cloneBase,
                trusted(), okToTestLabel());
    }

    /** Saves from before these fields existed have none: the defaults, as for a new configuration. */
    private List<String> trusted() {
        return trustedAssociations == null ? DeliveryFilter.DEFAULT_TRUSTED : lines(trustedAssociations);
    }

    private String okToTestLabel() {
        String label = Util.fixEmptyAndTrim(okToTestLabel);
        return label == null ? DeliveryFilter.DEFAULT_OK_TO_TEST : label;
    }

    public SqsSettings sqs(String queueUrl) {
        StandardUsernamePasswordCredentials aws = awsKeys();
        return new SqsSettings(queueUrl, awsRegion, uri(sqsEndpoint), new Secret(aws.getUsername()),
                new Secret(aws.getPassword().getPlainText()), CALL_TIMEOUT);
    }

    /** The S3 settings, or null when no bucket is configured (logs then stay in Jenkins only). */
    @CheckForNull
    public S3Settings s3() {
        if (Util.fixEmptyAndTrim(s3Bucket) == null) {
            return null;
        }
        StandardUsernamePasswordCredentials aws = awsKeys();
        return new S3Settings(s3Bucket.trim(), uri(s3PublicUrl), "", awsRegion, uri(s3Endpoint),
                new Secret(aws.getUsername()), new Secret(aws.getPassword().getPlainText()), CALL_TIMEOUT);
    }

    public GitHubSettings github() {
        StandardUsernamePasswordCredentials github = PluginCredentials.usernamePassword(githubCredentialsId,
                "GitHub credentials (CattlePi CI configuration)");
        return new GitHubSettings(URI.create(githubApiUrl), github.getUsername(),
                new Secret(github.getPassword().getPlainText()), CALL_TIMEOUT);
    }

    public String firstRepository() {
        List<String> repos = lines(allowedRepositories);
        return repos.isEmpty() ? null : repos.get(0);
    }

    private StandardUsernamePasswordCredentials awsKeys() {
        return PluginCredentials.usernamePassword(awsCredentialsId,
                "AWS credentials (CattlePi CI configuration; access key id as user name, secret key as password)");
    }

    static List<String> lines(String text) {
        return text == null ? List.of() : Arrays.stream(text.split("[\\s,]+")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
    }

    @CheckForNull
    private static URI uri(String text) {
        String t = Util.fixEmptyAndTrim(text);
        return t == null ? null : URI.create(t);
    }

    // ---- form validation

    @POST
    public FormValidation doCheckAllowedRepositories(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        List<String> repos = lines(value);
        if (repos.isEmpty()) {
            return FormValidation.error("Name at least one repository (owner/name); deliveries of others are ignored.");
        }
        for (String r : repos) {
            if (!REPOSITORY.matcher(r).matches()) {
                return FormValidation.error("\"" + r + "\" is not owner/name");
            }
        }
        return FormValidation.ok();
    }

    @POST
    public FormValidation doCheckTrustedAssociations(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        for (String a : lines(value)) {
            if (!DeliveryFilter.ASSOCIATIONS.contains(a)) {
                return FormValidation.error("\"" + a + "\" is not a GitHub author_association (one of "
                        + String.join(", ", DeliveryFilter.ASSOCIATIONS.stream().sorted().toList()) + ")");
            }
        }
        return lines(value).contains("*") ? FormValidation.warning("Every author's pull requests run at once, with"
                + " no maintainer's ok-to-test: anyone's code runs on the rack") : FormValidation.ok();
    }

    @POST
    public FormValidation doCheckS3PublicUrl(@QueryParameter String value, @QueryParameter String s3Bucket) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return Util.fixEmptyAndTrim(s3Bucket) != null && Util.fixEmptyAndTrim(value) == null
                ? FormValidation.error("The bucket's public URL is needed for the links to logs")
                : PluginValidation.url(value);
    }

    @POST
    public FormValidation doCheckGithubApiUrl(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return PluginValidation.url(value);
    }

    @POST
    public ListBoxModel doFillAwsCredentialsIdItems(@QueryParameter String awsCredentialsId) {
        return PluginCredentials.fill(StandardUsernamePasswordCredentials.class, awsCredentialsId);
    }

    @POST
    public ListBoxModel doFillGithubCredentialsIdItems(@QueryParameter String githubCredentialsId) {
        return PluginCredentials.fill(StandardUsernamePasswordCredentials.class, githubCredentialsId);
    }

    // ---- getters and setters (UI and Configuration as Code)

    public String getAwsRegion() {
        return awsRegion;
    }

    @DataBoundSetter
    public void setAwsRegion(String awsRegion) {
        // Empty means the default, as for the other fields with one: core's settings need a region.
        this.awsRegion = Util.fixEmptyAndTrim(awsRegion) == null ? DEFAULT_REGION : awsRegion.trim();
        save();
    }

    public String getAwsCredentialsId() {
        return awsCredentialsId;
    }

    @DataBoundSetter
    public void setAwsCredentialsId(String awsCredentialsId) {
        this.awsCredentialsId = Util.fixEmptyAndTrim(awsCredentialsId);
        save();
    }

    public String getSqsEndpoint() {
        return sqsEndpoint;
    }

    @DataBoundSetter
    public void setSqsEndpoint(String sqsEndpoint) {
        this.sqsEndpoint = Util.fixEmptyAndTrim(sqsEndpoint);
        save();
    }

    public String getDeadLetterQueueUrl() {
        return deadLetterQueueUrl;
    }

    @DataBoundSetter
    public void setDeadLetterQueueUrl(String deadLetterQueueUrl) {
        this.deadLetterQueueUrl = Util.fixEmptyAndTrim(deadLetterQueueUrl);
        save();
    }

    public String getS3Bucket() {
        return s3Bucket;
    }

    @DataBoundSetter
    public void setS3Bucket(String s3Bucket) {
        this.s3Bucket = Util.fixEmptyAndTrim(s3Bucket);
        save();
    }

    public String getS3PublicUrl() {
        return s3PublicUrl;
    }

    @DataBoundSetter
    public void setS3PublicUrl(String s3PublicUrl) {
        this.s3PublicUrl = Util.fixEmptyAndTrim(s3PublicUrl);
        save();
    }

    public String getS3Endpoint() {
        return s3Endpoint;
    }

    @DataBoundSetter
    public void setS3Endpoint(String s3Endpoint) {
        this.s3Endpoint = Util.fixEmptyAndTrim(s3Endpoint);
        save();
    }

    public String getGithubApiUrl() {
        return githubApiUrl;
    }

    @DataBoundSetter
    public void setGithubApiUrl(String githubApiUrl) {
        this.githubApiUrl = Util.fixEmptyAndTrim(githubApiUrl) == null ? "https://api.github.com" : githubApiUrl.trim();
        save();
    }

    public String getGithubCredentialsId() {
        return githubCredentialsId;
    }

    @DataBoundSetter
    public void setGithubCredentialsId(String githubCredentialsId) {
        this.githubCredentialsId = Util.fixEmptyAndTrim(githubCredentialsId);
        save();
    }

    public String getStatusContext() {
        return statusContext;
    }

    @DataBoundSetter
    public void setStatusContext(String statusContext) {
        this.statusContext = Util.fixEmptyAndTrim(statusContext) == null ? "cattlepi-ci" : statusContext.trim();
        save();
    }

    public String getAllowedRepositories() {
        return allowedRepositories;
    }

    @DataBoundSetter
    public void setAllowedRepositories(String allowedRepositories) {
        this.allowedRepositories = allowedRepositories;
        save();
    }

    public String getPushBranches() {
        return pushBranches;
    }

    @DataBoundSetter
    public void setPushBranches(String pushBranches) {
        this.pushBranches = pushBranches;
        save();
    }

    public boolean isBuildDrafts() {
        return buildDrafts;
    }

    @DataBoundSetter
    public void setBuildDrafts(boolean buildDrafts) {
        this.buildDrafts = buildDrafts;
        save();
    }

    public String getCloneBase() {
        return cloneBase;
    }

    @DataBoundSetter
    public void setCloneBase(String cloneBase) {
        this.cloneBase = Util.fixEmptyAndTrim(cloneBase) == null ? "https://github.com/" : cloneBase.trim();
        save();
    }

    public String getTrustedAssociations() {
        return trustedAssociations == null ? String.join(" ", DeliveryFilter.DEFAULT_TRUSTED) : trustedAssociations;
    }

    /** Space- or comma-separated; empty trusts nobody (every pull request waits for the label). */
    @DataBoundSetter
    public void setTrustedAssociations(String trustedAssociations) {
        this.trustedAssociations = String.join(" ", lines(trustedAssociations));
        save();
    }

    public String getOkToTestLabel() {
        return okToTestLabel();
    }

    @DataBoundSetter
    public void setOkToTestLabel(String okToTestLabel) {
        this.okToTestLabel = Util.fixEmptyAndTrim(okToTestLabel);
        save();
    }
}
