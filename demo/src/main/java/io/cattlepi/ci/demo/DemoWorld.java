package io.cattlepi.ci.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.config.BuildControlConfig;
import io.cattlepi.ci.config.ConfigLoader;
import io.cattlepi.ci.intake.WebhookSignature;
import io.cattlepi.ci.peers.GitHubStandIn;
import io.cattlepi.ci.peers.LocalS3;
import io.cattlepi.ci.peers.LocalSqs;
import io.cattlepi.ci.peers.Ports;
import io.cattlepi.ci.peers.WebhookFixtures;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.pi.RackFixture;
import io.cattlepi.ci.simulator.pi.SimulatedPi;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import io.cattlepi.ci.wiring.Closer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Everything outside the controller, on this machine: ElasticMQ for SQS, S3Proxy for S3, a GitHub
 * API stand-in, the CattlePi API, a simulated rack and a sample repository, plus the build-control
 * config that points a controller at them (written to a file, exactly what an operator would
 * write). The demo and the end-to-end tests both start the controller from it.
 */
public final class DemoWorld implements AutoCloseable {
    public static final String REPOSITORY = "cattlepi/cattlepi";
    public static final String BUCKET = "cattlepi-ci-logs";
    public static final String GITHUB_TOKEN = "demo-github-token";
    public static final Secret WEBHOOK_SECRET = new Secret("demo-webhook-secret");
    public static final Secret OPERATOR_TOKEN = new Secret("demo-operator-token");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Knobs the tests turn (short timeouts) and the demo leaves at their defaults. */
    /** Options' settings under this prefix are a Pi's labels, not a setting of their own. */
    private static final String LABELS = "labels:";

    public record Options(int workers, PiTimings timings, int httpPort, Duration jobTimeout, Duration checkoutWindow,
                          Duration monitorInterval, List<List<String>> steps, Map<String, Object> settings) {
        public Options(int workers, PiTimings timings, int httpPort, Duration jobTimeout, Duration checkoutWindow,
                       Duration monitorInterval, List<List<String>> steps) {
            this(workers, timings, httpPort, jobTimeout, checkoutWindow, monitorInterval, steps, Map.of());
        }

        public static Options demo(int workers, PiTimings timings, int httpPort) {
            return new Options(workers, timings, httpPort, Duration.ofMinutes(10), Duration.ofSeconds(60),
                    Duration.ofSeconds(30), null);
        }

        /** The same with other build steps (null: the sample recipe's make targets). */
        public Options withSteps(List<List<String>> other) {
            return new Options(workers, timings, httpPort, jobTimeout, checkoutWindow, monitorInterval, other, settings);
        }

        /** The same with labels on one Pi ({@code build_machines[].labels}). */
        public Options withLabels(String pi, String... labels) {
            return with(LABELS + pi, List.of(labels));
        }

        /** The same with one more setting of the build-control config (a string, number, boolean or list). */
        public Options with(String key, Object value) {
            Map<String, Object> more = new LinkedHashMap<>(settings);
            more.put(key, value);
            return new Options(workers, timings, httpPort, jobTimeout, checkoutWindow, monitorInterval, steps, more);
        }
    }

    private final Closer parts;
    private final Path dir;
    private final LocalSqs sqs;
    private final LocalS3 s3;
    private final GitHubStandIn github;
    private final RackFixture rack;
    private final SampleRepository repo;
    private final String queueUrl;
    private final Path configFile;
    private final BuildControlConfig config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DemoWorld(Closer parts, Path dir, LocalSqs sqs, LocalS3 s3, GitHubStandIn github, RackFixture rack,
                      SampleRepository repo, String queueUrl, Path configFile, BuildControlConfig config) {
        this.parts = parts;
        this.dir = dir;
        this.sqs = sqs;
        this.s3 = s3;
        this.github = github;
        this.rack = rack;
        this.repo = repo;
        this.queueUrl = queueUrl;
        this.configFile = configFile;
        this.config = config;
    }

    public static DemoWorld start(Path dir, Options o) throws Exception {
        Closer parts = new Closer();
        try {
            LocalSqs sqs = parts.add(LocalSqs.start());
            // Short: a message a killed controller's long poll swallowed comes back after this.
            String queue = sqs.createQueue("cattlepi-ci", Duration.ofSeconds(10));
            LocalS3 s3 = parts.add(LocalS3.start());
            s3.createBucket(BUCKET);
            GitHubStandIn github = parts.add(GitHubStandIn.start(GITHUB_TOKEN));
            RackFixture rack = parts.add(RackFixture.start(o.workers(), o.timings()));
            SampleRepository repo = SampleRepository.create(dir.resolve("git"), REPOSITORY);
            Path configFile = dir.resolve("buildcontrol.json");
            Files.writeString(configFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                    configDocument(dir, o, sqs, queue, s3, github, rack, repo)));
            BuildControlConfig config = ConfigLoader.load(configFile);
            return new DemoWorld(parts, dir, sqs, s3, github, rack, repo, queue, configFile, config);
        } catch (Exception | Error e) {
            parts.close();
            throw e;
        }
    }

    private static ObjectNode configDocument(Path dir, Options o, LocalSqs sqs, String queue, LocalS3 s3,
                                             GitHubStandIn github, RackFixture rack, SampleRepository repo) {
        ObjectNode bc = JSON.createObjectNode();
        bc.put("aws_ak", s3.accessKey());
        bc.put("aws_sk", s3.secretKey());
        bc.put("aws_region", sqs.region());
        bc.put("aws_s3_bucket", BUCKET);
        bc.put("aws_s3_path", s3.publicPrefix(BUCKET).toString());
        bc.put("aws_sqs_queue", queue);
        ArrayNode machines = bc.putArray("build_machines");
        for (SimulatedPi pi : rack.rack().pis()) {
            ObjectNode m = machines.addObject().put("name", pi.name()).put("host", pi.host()).put("port", pi.port())
                    .put("mac", pi.mac());
            Object labels = o.settings().get(LABELS + pi.name());
            if (labels != null) {
                m.set("labels", JSON.valueToTree(labels));
            }
        }
        bc.put("builders_api_key", RackFixture.API_KEY);
        bc.put("gh_token", GITHUB_TOKEN);
        bc.put("gh_user", "cattlepi-ci-bot");
        bc.put("ssh_id_rsa", base64(rack.privateKeyText()));
        bc.put("ssh_id_rsa_pub", base64(rack.publicKeyLine()));
        bc.put("repository", REPOSITORY);
        bc.put("clone_base", repo.cloneBase());
        bc.put("cattlepi_api", rack.api().url());
        bc.put("raspbian_location", rack.api().url() + RackFixture.RASPBIAN_PATH);
        bc.put("webhook_secret", WEBHOOK_SECRET.reveal());
        bc.put("operator_token", OPERATOR_TOKEN.reveal());
        bc.put("store_path", dir.resolve("state").resolve("cattlepi-ci.db").toString());
        bc.put("workspace_dir", dir.resolve("workspaces").toString());
        bc.put("http_host", "127.0.0.1");
        bc.put("http_port", o.httpPort() == 0 ? Ports.free() : o.httpPort());
        bc.put("job_timeout_s", Math.max(1, o.jobTimeout().toSeconds()));
        bc.put("checkout_retry_window_s", Math.max(1, o.checkoutWindow().toSeconds()));
        bc.put("checkout_retry_every_s", 1);
        bc.put("monitor_interval_s", Math.max(1, o.monitorInterval().toSeconds()));
        bc.put("visibility_timeout_s", 10);
        // The rack's power switch, driven as an operator drives uhubctl or a PDU: a command per action.
        ObjectNode power = bc.putObject("power");
        rack.power().offCommand().forEach(power.withArray("off")::add);
        rack.power().onCommand().forEach(power.withArray("on")::add);
        if (o.steps() != null) {
            ArrayNode steps = bc.putArray("build_steps");
            for (List<String> argv : o.steps()) {
                ArrayNode step = steps.addArray();
                argv.forEach(step::add);
            }
        }
        o.settings().forEach((key, value) -> {
            if (!key.startsWith(LABELS)) {
                bc.set(key, JSON.valueToTree(value));
            }
        });
        ObjectNode endpoints = bc.putObject("endpoints");
        endpoints.put("sqs", sqs.endpoint().toString());
        endpoints.put("s3", s3.endpoint().toString());
        endpoints.put("github", github.url().toString());
        ObjectNode doc = JSON.createObjectNode();
        doc.putObject("config").set("buildcontrol", bc);
        return doc;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    public BuildControlConfig config() {
        return config;
    }

    public Path configFile() {
        return configFile;
    }

    public LocalSqs sqs() {
        return sqs;
    }

    public String queueUrl() {
        return queueUrl;
    }

    public LocalS3 s3() {
        return s3;
    }

    public GitHubStandIn github() {
        return github;
    }

    public RackFixture rack() {
        return rack;
    }

    public SampleRepository repo() {
        return repo;
    }

    public Path dir() {
        return dir;
    }

    /** GitHub's pull_request delivery for this pull request, as GitHub would sign it. */
    public byte[] pullRequestPayload(String action, SampleRepository.PullRequest pr) {
        ObjectNode p = WebhookFixtures.tree("pull_request-opened");
        p.put("action", action);
        p.put("number", pr.number());
        ObjectNode repository = (ObjectNode) p.get("repository");
        repository.put("full_name", REPOSITORY);
        repository.put("name", "cattlepi");
        ObjectNode pull = (ObjectNode) p.get("pull_request");
        pull.put("number", pr.number());
        ((ObjectNode) pull.get("head")).put("sha", pr.headSha());
        return WebhookFixtures.write(p);
    }

    /** Delivers a payload to the controller's {@code POST /webhook}, signed; returns the HTTP status. */
    public int deliver(int controllerPort, String event, byte[] payload) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controllerPort + "/webhook"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                .header(WebhookSignature.HEADER, WebhookSignature.sign(WEBHOOK_SECRET, payload))
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                .build();
        return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Override
    public void close() {
        parts.close();
    }
}
