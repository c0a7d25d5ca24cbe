package io.cattlepi.ci.config;

import io.cattlepi.ci.autobuild.AutobuildSettings;
import io.cattlepi.ci.boottest.BootTestSettings;
import io.cattlepi.ci.build.run.RecipeSettings;
import io.cattlepi.ci.engine.EngineSettings;
import io.cattlepi.ci.intake.IntakeSettings;
import io.cattlepi.ci.intake.SqsSettings;
import io.cattlepi.ci.power.PowerSettings;
import io.cattlepi.ci.rack.RackSettings;
import io.cattlepi.ci.report.GitHubSettings;
import io.cattlepi.ci.report.S3Settings;
import io.cattlepi.ci.sandbox.SandboxSettings;
import io.cattlepi.ci.schedule.Placement;
import io.cattlepi.ci.worker.RackMember;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The build-control config, as the settings each part of the controller takes: the seed's
 * {@code config.buildcontrol} fields plus optional settings whose defaults are the seed's values
 * (see {@link ConfigLoader}). Secrets are {@code Secret}s, so printing this shows none of them.
 *
 * @param deadLetters where rejected messages are copied, or null
 * @param storePath   the SQLite store
 * @param placement   which Pi may take which build (the Pis' labels, {@code build_labels})
 * @param power       which Pis' power the controller switches, and how often it may
 * @param bootTest    the recipe's test battery on the image just built
 */
public record BuildControlConfig(SqsSettings queue, SqsSettings deadLetters, S3Settings s3, GitHubSettings github,
                                 IntakeSettings intake, RackSettings rack, RecipeSettings recipe,
                                 SandboxSettings sandbox, EngineSettings engine, AutobuildSettings autobuild, ServerSettings server,
                                 Path storePath, Placement placement, PowerSettings power,
                                 BootTestSettings bootTest) {

    /** What {@code config check} prints: every setting, secrets masked. */
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        out.add("repository:        " + intake.repository() + " (allowed: " + String.join(", ", intake.allowed()) + ")");
        out.add("build machines:    " + rack.members().size() + " (" + String.join(", ", rack.members().stream()
                .map(BuildControlConfig::member).toList()) + ")");
        out.add("sqs queue:         " + queue.queueUrl() + via(queue.endpointOverride())
                + (deadLetters == null ? "" : ", rejected messages to " + deadLetters.queueUrl()));
        out.add("clone from:        " + intake.cloneBase());
        out.add("s3:                s3://" + s3.bucket() + " published at " + s3.publicPrefix() + via(s3.endpointOverride()));
        out.add("github:            user " + github.user() + ", token " + github.token() + via(github.apiUrl()));
        out.add("aws keys:          " + queue.accessKey() + " / " + queue.secretKey() + " (region " + queue.region() + ")");
        out.add("cattlepi api:      " + rack.cattlepiApi() + ", workers' key " + rack.cattlepiApiKey()
                + ", workers' config " + rack.workersConfigDevice());
        out.add("ssh:               user " + rack.sshUser() + ", key " + rack.sshIdentity().getPublic().getAlgorithm()
                + ", host keys " + rack.hostKeyPolicy().wireName());
        out.add("steps:             " + commands(recipe.steps()));
        if (!placement.required().isEmpty()) {
            out.add("labels required:   " + new java.util.TreeMap<>(placement.required()));
        }
        out.add("power control:     " + (power.commands().isEmpty() ? "none" : String.join(", ",
                new java.util.TreeSet<>(power.commands().keySet())) + " (cycled after " + power.cycleAfter().toSeconds()
                + " s silent, at most " + power.perHour() + " an hour)"));
        out.add("sandbox:           " + sandbox.kind().wireName() + ", at most " + sandbox.maxProcesses()
                + " processes and " + sandbox.maxMemoryBytes() / SandboxSettings.MIB + " MiB per build");
        out.add("timeouts:          job " + recipe.jobTimeout().toSeconds() + " s, checkout "
                + recipe.checkoutWindow().toSeconds() + " s every " + recipe.checkoutEvery().toSeconds()
                + " s, autobuild " + recipe.autobuildTimeout().toSeconds() + " s");
        out.add("autobuild:         " + autobuild.schedule() + ": " + commands(recipe.autobuildSteps()));
        out.add("boot test:         " + (bootTest.enabled() ? bootTest.recipe() + " images from " + bootTest.imagesDir()
                + ", tests from " + bootTest.recipeTests() + "/, status " + bootTest.context() + ", images via "
                + bootTest.via().wireName() + (bootTest.via() == BootTestSettings.ImagesVia.CONTROLLER
                ? " at " + bootTest.imageBase() : "") + "; boot " + bootTest.bootTimeout().toSeconds() + " s, test "
                + bootTest.testTimeout().toSeconds() + " s, all " + bootTest.timeout().toSeconds() + " s" : "off"));
        out.add("webhook secret:    " + (intake.webhookSecret() == null ? "not set (POST /webhook disabled)"
                : intake.webhookSecret()));
        out.add("operator token:    " + (server.operatorToken() == null ? "not set (operator actions disabled)"
                : server.operatorToken()));
        out.add("http:              " + server.host() + ":" + server.port());
        out.add("store:             " + storePath);
        out.add("workspaces:        " + engine.workspaces());
        return out;
    }

    private static String member(RackMember m) {
        return m.id() + "@" + m.host() + ":" + m.port() + (m.labels().isEmpty() ? "" : " " + m.labels());
    }

    private static String via(Object endpoint) {
        return endpoint == null ? "" : " via " + endpoint;
    }

    private static String commands(List<List<String>> steps) {
        return String.join(" ; ", steps.stream().map(s -> String.join(" ", s)).toList());
    }
}
