package io.cattlepi.ci.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.autobuild.AutobuildSettings;
import io.cattlepi.ci.autobuild.CronSchedule;
import io.cattlepi.ci.boottest.BootTestSettings;
import io.cattlepi.ci.boottest.ControllerAddress;
import io.cattlepi.ci.build.run.RecipeSettings;
import io.cattlepi.ci.build.run.ResultRules;
import io.cattlepi.ci.build.run.StepRunner;
import io.cattlepi.ci.engine.EngineSettings;
import io.cattlepi.ci.fleet.FleetSettings;
import io.cattlepi.ci.fleet.hostkey.HostKeyMode;
import io.cattlepi.ci.fleet.ssh.SshKeys;
import io.cattlepi.ci.intake.DeliveryFilter;
import io.cattlepi.ci.intake.IntakeSettings;
import io.cattlepi.ci.intake.SqsSettings;
import io.cattlepi.ci.power.PowerSettings;
import io.cattlepi.ci.rack.RackSettings;
import io.cattlepi.ci.report.GitHubSettings;
import io.cattlepi.ci.report.S3Settings;
import io.cattlepi.ci.sandbox.SandboxKind;
import io.cattlepi.ci.sandbox.SandboxSettings;
import io.cattlepi.ci.schedule.Placement;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.worker.RackMember;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the build-control config: the seed's whole CattlePi device config (with
 * {@code config.buildcontrol}) or just the {@code buildcontrol} object. Each part of the
 * controller's settings is read by its own method, with its defaults there; every problem is
 * collected with its JSON path, and nothing of a secret's value ends up in a message.
 */
public final class ConfigLoader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
    /** Bound on one call to AWS, GitHub, the CattlePi API or a Pi. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private ConfigLoader() {
    }

    public static BuildControlConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem("$", "cannot read " + file + ": " + e.getMessage())));
        }
        return parse(text, file);
    }

    public static BuildControlConfig parse(String text) throws ConfigException {
        return parse(text, null);
    }

    /** @param file where the text came from (hidden from builds), or null */
    private static BuildControlConfig parse(String text, Path file) throws ConfigException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(List.of(new ConfigProblem("$", "not JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ")")));
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(List.of(new ConfigProblem("$", "expected a JSON object")));
        }
        String path = "$";
        JsonNode bc = root;
        if (root.path("config").path("buildcontrol").isObject()) {
            bc = root.path("config").path("buildcontrol");
            path = "$.config.buildcontrol";
        } else if (root.path("buildcontrol").isObject()) {
            bc = root.path("buildcontrol");
            path = "$.buildcontrol";
        }
        List<ConfigProblem> problems = new ArrayList<>();
        ConfigFields f = new ConfigFields(bc, path, problems);
        ConfigFields endpoints = endpoints(f, problems);

        Aws aws = aws(f);
        SqsSettings queue = sqs(f, aws, endpoints, "aws_sqs_queue", true);
        SqsSettings deadLetters = sqs(f, aws, endpoints, "dead_letter_queue", false);
        S3Settings s3 = s3(f, aws, endpoints);
        GitHubSettings github = github(f, endpoints);
        IntakeSettings intake = intake(f);
        Ssh ssh = ssh(f);
        RackSettings rack = rack(f, ssh);
        ServerSettings server = server(f);
        Path store = storePath(f);
        Path workspaces = workspaces(f, store);
        RecipeSettings recipe = recipe(f, ssh, workspaces, secretsOf(aws, github, intake, ssh, rack, server),
                checks(f, rack == null ? HostKeyMode.PER_BOOT : rack.hostKeyPolicy()));
        EngineSettings engine = engine(f, workspaces, server.publicUrl());
        AutobuildSettings autobuild = autobuild(f, intake);
        List<Path> hidden = new ArrayList<>(List.of(store, workspaces));
        if (file != null) {
            hidden.add(file);
        }
        SandboxSettings sandbox = sandbox(f, hidden);
        Placement placement = placement(f, rack == null ? List.of() : rack.members());
        PowerSettings power = PowerConfig.read(f, rack == null ? List.of() : rack.members());
        BootTestSettings bootTest = bootTest(f, server, workspaces);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new BuildControlConfig(queue, deadLetters, s3, github, intake, rack, recipe, sandbox, engine, autobuild,
                server, store, placement, power, bootTest);
    }

    // ---- the sandbox: what a build may reach, and how much it may use

    private static SandboxSettings sandbox(ConfigFields f, List<Path> hidden) {
        SandboxKind kind;
        try {
            kind = SandboxKind.fromWire(f.text("build_sandbox", false, SandboxKind.BUBBLEWRAP.wireName()));
        } catch (IllegalArgumentException e) {
            f.problem(f.at("build_sandbox"), e.getMessage());
            kind = SandboxKind.BUBBLEWRAP;
        }
        int processes = f.positiveInt("build_max_processes", SandboxSettings.DEFAULT_MAX_PROCESSES);
        long memoryMb = f.positiveInt("build_max_memory_mb",
                (int) (SandboxSettings.defaultMaxMemory() / SandboxSettings.MIB));
        if (processes < SandboxSettings.MIN_PROCESSES) {
            f.problem(f.at("build_max_processes"), "a build needs at least " + SandboxSettings.MIN_PROCESSES
                    + " processes, got " + processes);
            return null;
        }
        if (memoryMb * SandboxSettings.MIB < SandboxSettings.MIN_MEMORY) {
            f.problem(f.at("build_max_memory_mb"), "a build needs at least " + SandboxSettings.MIN_MEMORY
                    / SandboxSettings.MIB + " MiB, got " + memoryMb);
            return null;
        }
        return new SandboxSettings(kind, processes, memoryMb * SandboxSettings.MIB,
                hidden.stream().map(p -> p.toAbsolutePath().normalize()).toList());
    }

    // ---- AWS: one key pair and region for SQS and S3

    private record Aws(Secret accessKey, Secret secretKey, String region) {
    }

    private static Aws aws(ConfigFields f) {
        return new Aws(f.secret("aws_ak", true), f.secret("aws_sk", true), f.text("aws_region", false, "us-east-1"));
    }

    private static ConfigFields endpoints(ConfigFields f, List<ConfigProblem> problems) {
        JsonNode endpoints = f.raw("endpoints");
        if (endpoints != null && !endpoints.isObject()) {
            f.problem(f.at("endpoints"), "expected an object with sqs, s3, github");
            endpoints = null;
        }
        return new ConfigFields(endpoints == null ? JSON.createObjectNode() : endpoints, f.at("endpoints"), problems);
    }

    /** The build queue ({@code aws_sqs_queue}) or the dead-letter queue; null when optional and absent. */
    private static SqsSettings sqs(ConfigFields f, Aws aws, ConfigFields endpoints, String key, boolean required) {
        String url = required ? f.text(key, true, null) : urlText(f.url(key, false, null));
        URI endpoint = endpoints.url("sqs", false, null);
        if (url == null || aws.accessKey() == null || aws.secretKey() == null) {
            return null;
        }
        return build(f, key, () -> new SqsSettings(url, aws.region(), endpoint, aws.accessKey(), aws.secretKey(),
                CALL_TIMEOUT));
    }

    private static S3Settings s3(ConfigFields f, Aws aws, ConfigFields endpoints) {
        String bucket = f.text("aws_s3_bucket", true, null);
        URI publicPrefix = f.url("aws_s3_path", true, null);
        URI endpoint = endpoints.url("s3", false, null);
        if (bucket == null || publicPrefix == null || aws.accessKey() == null || aws.secretKey() == null) {
            return null;
        }
        return build(f, "aws_s3_bucket", () -> new S3Settings(bucket, publicPrefix, "", aws.region(), endpoint,
                aws.accessKey(), aws.secretKey(), CALL_TIMEOUT));
    }

    private static GitHubSettings github(ConfigFields f, ConfigFields endpoints) {
        Secret token = f.secret("gh_token", true);
        String user = f.text("gh_user", true, null);
        URI api = endpoints.url("github", false, null);
        if (token == null || user == null) {
            return null;
        }
        return new GitHubSettings(api, user, token, CALL_TIMEOUT);
    }

    // ---- intake: which deliveries are built

    private static IntakeSettings intake(ConfigFields f) {
        String repository = f.text("repository", false, IntakeSettings.DEFAULT_REPOSITORY);
        if (!REPO.matcher(repository).matches()) {
            f.problem(f.at("repository"), "expected owner/name, got \"" + repository + "\"");
        }
        List<String> allowed = f.strings("allowed_repositories", List.of(repository));
        URI cloneBase = cloneBase(f);
        List<String> trusted = f.strings("trusted_associations", DeliveryFilter.DEFAULT_TRUSTED);
        for (int i = 0; i < trusted.size(); i++) {
            if (!DeliveryFilter.ASSOCIATIONS.contains(trusted.get(i))) {
                f.problem(f.at("trusted_associations") + "[" + i + "]", "not a GitHub author_association (one of "
                        + String.join(", ", DeliveryFilter.ASSOCIATIONS.stream().sorted().toList()) + "): \""
                        + trusted.get(i) + "\"");
            }
        }
        return new IntakeSettings(repository, allowed, f.strings("push_branches", List.of()),
                f.bool("build_drafts", false), cloneBase == null ? IntakeSettings.DEFAULT_CLONE_BASE : cloneBase,
                f.secret("webhook_secret", false), trusted,
                f.text("ok_to_test_label", false, DeliveryFilter.DEFAULT_OK_TO_TEST));
    }

    /** http(s) for GitHub and mirrors; file: for local repositories (the demo, air-gapped racks). */
    private static URI cloneBase(ConfigFields f) {
        String v = f.text("clone_base", false, IntakeSettings.DEFAULT_CLONE_BASE.toString());
        try {
            URI u = new URI(v.endsWith("/") ? v : v + "/");
            String scheme = u.getScheme();
            if ("file".equals(scheme) && u.getPath() != null || ("http".equals(scheme) || "https".equals(scheme)) && u.getHost() != null) {
                return u;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        f.problem(f.at("clone_base"), "not an http(s) or file: URL: \"" + v + "\"");
        return null;
    }

    // ---- the rack: Pis, SSH, host keys, the CattlePi API

    private record Ssh(String user, Secret privateKeyText, KeyPair identity, String publicKeyLine) {
    }

    private static Ssh ssh(ConfigFields f) {
        byte[] keyText = f.base64("ssh_id_rsa");
        KeyPair identity = keyText == null ? null : privateKey(f, keyText);
        byte[] pubText = f.base64("ssh_id_rsa_pub");
        String pubLine = pubText == null ? null : new String(pubText, StandardCharsets.UTF_8).trim();
        if (pubLine != null && !pubLine.matches("(ssh-|ecdsa-)\\S+ \\S+.*")) {
            f.problem(f.at("ssh_id_rsa_pub"), "not an OpenSSH public key line once decoded");
        }
        return new Ssh(f.text("ssh_user", false, "pi"),
                keyText == null ? null : new Secret(new String(keyText, StandardCharsets.UTF_8)), identity, pubLine);
    }

    private static KeyPair privateKey(ConfigFields f, byte[] text) {
        try {
            return SshKeys.parse(text, "ssh_id_rsa");
        } catch (IllegalArgumentException e) {
            f.problem(f.at("ssh_id_rsa"), "not a valid unencrypted private key (PEM or OpenSSH format) once decoded");
            return null;
        }
    }

    private static RackSettings rack(ConfigFields f, Ssh ssh) {
        List<RackMember> machines = machines(f);
        Secret apiKey = f.secret("builders_api_key", true);
        HostKeyMode policy = hostKeyPolicy(f);
        URI api = f.url("cattlepi_api", false, "https://api.cattlepi.com");
        URI raspbian = f.url("raspbian_location", false, null);
        FleetSettings fleet = FleetSettings.DEFAULTS
                .withIdleProbeInterval(f.seconds("monitor_interval_s", (int) FleetSettings.DEFAULTS.idleProbeInterval().toSeconds()))
                .withFailedResetStreak(f.positiveInt("failed_reset_streak", FleetSettings.DEFAULTS.failedResetStreak()));
        String device = f.text("workers_config_device", false, RackSettings.DEFAULT_WORKERS_DEVICE);
        if (machines.isEmpty() || apiKey == null || policy == null || api == null || ssh.identity() == null
                || ssh.publicKeyLine() == null) {
            return null;
        }
        return build(f, "host_key_policy", () -> new RackSettings(machines, ssh.user(), ssh.identity(),
                ssh.publicKeyLine(), policy, api, apiKey, raspbian, device, CALL_TIMEOUT, fleet));
    }

    private static HostKeyMode hostKeyPolicy(ConfigFields f) {
        String policy = f.text("host_key_policy", false, HostKeyMode.PER_BOOT.wireName());
        try {
            return HostKeyMode.fromWire(policy);
        } catch (IllegalArgumentException e) {
            f.problem(f.at("host_key_policy"), e.getMessage());
            return null;
        }
    }

    private static List<RackMember> machines(ConfigFields f) {
        JsonNode list = f.raw("build_machines");
        String at = f.at("build_machines");
        if (list == null) {
            f.problem(at, "missing");
            return List.of();
        }
        if (!list.isArray()) {
            f.problem(at, "expected a list of workers, got " + ConfigFields.kind(list));
            return List.of();
        }
        if (list.isEmpty()) {
            f.problem(at, "empty: at least one worker is needed");
            return List.of();
        }
        List<RackMember> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String where = at + "[" + i + "]";
            RackMember member = machine(f, list.get(i), where);
            if (member == null) {
                continue;
            }
            if (!names.add(member.id()) || !addresses.add(member.host() + ":" + member.port())) {
                f.problem(where, "duplicate worker " + member.id() + " (" + member.host() + ":" + member.port() + ")");
            } else {
                out.add(member);
            }
        }
        return List.copyOf(out);
    }

    /**
     * {@code build_labels}: {@code owner/name} (every build of the repository) or
     * {@code owner/name@branch} (pushes to that branch) to the labels a Pi must carry; each label
     * must be on some configured Pi, or such builds would wait forever.
     */
    private static Placement placement(ConfigFields f, List<RackMember> rack) {
        JsonNode v = f.raw("build_labels");
        if (v == null) {
            return Placement.of(rack, Map.of());
        }
        if (!v.isObject()) {
            f.problem(f.at("build_labels"), "expected an object of owner/name or owner/name@branch to labels");
            return Placement.ANYWHERE;
        }
        Set<String> known = new HashSet<>();
        rack.forEach(m -> known.addAll(m.labels()));
        Map<String, Set<String>> required = new LinkedHashMap<>();
        v.fields().forEachRemaining(e -> {
            String at = f.at("build_labels") + "." + e.getKey();
            String[] key = e.getKey().split("@", 2);
            if (!REPO.matcher(key[0]).matches() || key.length == 2 && key[1].isBlank()) {
                f.problem(at, "expected owner/name or owner/name@branch");
                return;
            }
            ConfigFields labels = new ConfigFields(JSON.createObjectNode().set("labels", e.getValue()), at, f.problems());
            List<String> list = labels.strings("labels", List.of());
            for (String l : list) {
                if (!known.contains(l)) {
                    f.problem(at, "no Pi carries the label \"" + l + "\": such builds would never run");
                }
            }
            required.put(e.getKey(), Set.copyOf(list));
        });
        return Placement.of(rack, required);
    }

    /** {@code "host"}, {@code "host:port"} or {@code {name, host, port, mac, labels}}; null after recording a problem. */
    private static RackMember machine(ConfigFields f, JsonNode m, String where) {
        if (m.isTextual()) {
            String s = m.asText().trim();
            int colon = s.lastIndexOf(':');
            String host = colon > 0 && !s.endsWith("]") && s.indexOf(':') == colon ? s.substring(0, colon) : s;
            int port = 22;
            if (!host.equals(s)) {
                port = parsePort(s.substring(colon + 1));
            }
            if (!RackMember.HOST.matcher(host).matches() || port < 0) {
                f.problem(where, "not a host or host:port: \"" + s + "\"");
                return null;
            }
            return new RackMember(host, host, port, null);
        }
        if (m.isObject()) {
            ConfigFields mf = new ConfigFields(m, where, new ArrayList<>());
            String host = m.path("host").asText("");
            String name = m.path("name").asText(host);
            int port = m.has("port") ? (m.get("port").canConvertToInt() ? m.get("port").asInt() : -1) : 22;
            String mac = m.path("mac").asText(null);
            List<String> labels = mf.strings("labels", List.of());
            mf.problems().forEach(p -> f.problem(p.path(), p.message()));
            try {
                return RackMember.of(name, host, port, mac, labels);
            } catch (RackMember.InvalidMember e) {
                f.problem(mf.at(e.field()), e.getMessage());
                return null;
            }
        }
        f.problem(where, "expected \"host\", \"host:port\" or {name, host, port, mac}, got " + ConfigFields.kind(m));
        return null;
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s);
            return p >= 1 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---- where state and builds live

    private static Path storePath(ConfigFields f) {
        return Path.of(f.text("store_path", false, defaultDataDir().resolve("cattlepi-ci.db").toString()));
    }

    private static Path workspaces(ConfigFields f, Path store) {
        return Path.of(f.text("workspace_dir", false, store.toAbsolutePath().getParent().resolve("workspaces").toString()));
    }

    static Path defaultDataDir() {
        return StateFolder.current();
    }

    // ---- the recipe: steps, timeouts, what a build may know

    private static RecipeSettings recipe(ConfigFields f, Ssh ssh, Path workspaces, List<Secret> masked,
                                         RecipeSettings.Checks checks) {
        List<List<String>> steps = steps(f, "build_steps", RecipeSettings.DEFAULT_STEPS);
        List<List<String>> autobuildSteps = steps(f, "autobuild_steps", RecipeSettings.DEFAULT_AUTOBUILD_STEPS);
        Duration job = f.seconds("job_timeout_s", seconds(RecipeSettings.DEFAULT_JOB_TIMEOUT));
        Duration window = f.seconds("checkout_retry_window_s", seconds(RecipeSettings.DEFAULT_CHECKOUT_WINDOW));
        Duration every = f.seconds("checkout_retry_every_s", seconds(RecipeSettings.DEFAULT_CHECKOUT_EVERY));
        Duration autobuild = f.seconds("autobuild_timeout_s", seconds(RecipeSettings.DEFAULT_AUTOBUILD_TIMEOUT));
        if (ssh.privateKeyText() == null) {
            return null;
        }
        return new RecipeSettings(steps, job, window, every, RecipeSettings.GIT_TIMEOUT, RecipeSettings.KILL_GRACE,
                ssh.privateKeyText(), ssh.user(), workspaces.resolve(".work"), masked, autobuildSteps, autobuild, checks);
    }

    /** Names that hold credentials by convention: never passed to a pull request's code. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(secret|token|passw|credential|private|api_?key).*|(?i)aws_.*");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static RecipeSettings.Checks checks(ConfigFields f, HostKeyMode hostKeys) {
        List<String> passthrough = f.strings("build_env_passthrough", List.of());
        for (int i = 0; i < passthrough.size(); i++) {
            String name = passthrough.get(i);
            if (!ENV_NAME.matcher(name).matches()) {
                f.problem(f.at("build_env_passthrough") + "[" + i + "]", "not a variable name: \"" + name + "\"");
            } else if (SECRET_NAME.matcher(name).matches()) {
                f.problem(f.at("build_env_passthrough") + "[" + i + "]", name
                        + " looks like a credential; pull requests' code must not get it");
            }
        }
        int maxLine = f.positiveInt("log_line_max_bytes", StepRunner.DEFAULT_MAX_LINE_BYTES);
        if (maxLine < 80) {
            f.problem(f.at("log_line_max_bytes"), "at least 80, got " + maxLine);
            maxLine = StepRunner.DEFAULT_MAX_LINE_BYTES;
        }
        int watchMs = f.positiveInt("host_key_watch_ms", (int) RecipeSettings.Checks.DEFAULT_HOST_KEY_WATCH.toMillis());
        return new RecipeSettings.Checks(resultRules(f), hostKeys, Duration.ofMillis(watchMs), maxLine, passthrough);
    }

    /** {@code result_rules}: per repository ({@code owner/name}) or {@code *}, never from the repository itself. */
    private static Map<String, ResultRules> resultRules(ConfigFields f) {
        JsonNode v = f.raw("result_rules");
        if (v == null) {
            return Map.of();
        }
        if (!v.isObject()) {
            f.problem(f.at("result_rules"), "expected an object of repositories (owner/name or *) to rules");
            return Map.of();
        }
        Map<String, ResultRules> out = new LinkedHashMap<>();
        v.fields().forEachRemaining(e -> {
            String repo = e.getKey();
            String at = f.at("result_rules") + "." + repo;
            if (!repo.equals(RecipeSettings.Checks.ANY_REPOSITORY) && !REPO.matcher(repo).matches()) {
                f.problem(at, "expected owner/name or *");
                return;
            }
            if (!e.getValue().isObject()) {
                f.problem(at, "expected {failure_patterns, default_failure_patterns, success_patterns}");
                return;
            }
            ConfigFields r = new ConfigFields(e.getValue(), at, f.problems());
            List<String> failures = patterns(r, "failure_patterns");
            List<String> successes = patterns(r, "success_patterns");
            boolean defaults = r.bool("default_failure_patterns", true);
            out.put(repo.toLowerCase(java.util.Locale.ROOT), ResultRules.of(failures, defaults, successes));
        });
        return out;
    }

    private static List<String> patterns(ConfigFields r, String key) {
        List<String> list = r.strings(key, List.of());
        List<String> ok = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            try {
                Pattern.compile(list.get(i));
                ok.add(list.get(i));
            } catch (java.util.regex.PatternSyntaxException e) {
                r.problem(r.at(key) + "[" + i + "]", "not a regular expression: " + e.getDescription());
            }
        }
        return ok;
    }

    /** Every secret of the config: none may appear in what a build publishes. */
    private static List<Secret> secretsOf(Aws aws, GitHubSettings github, IntakeSettings intake, Ssh ssh,
                                          RackSettings rack, ServerSettings server) {
        List<Secret> all = new ArrayList<>();
        all.add(aws.accessKey());
        all.add(aws.secretKey());
        all.add(github == null ? null : github.token());
        all.add(intake.webhookSecret());
        all.add(ssh.privateKeyText());
        all.add(rack == null ? null : rack.cattlepiApiKey());
        all.add(server.operatorToken());
        return all.stream().filter(Objects::nonNull).toList();
    }

    private static List<List<String>> steps(ConfigFields f, String key, List<List<String>> fallback) {
        JsonNode v = f.raw(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isArray() || v.isEmpty()) {
            f.problem(f.at(key), "expected a non-empty list of commands");
            return fallback;
        }
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode step = v.get(i);
            List<String> argv = new ArrayList<>();
            if (step.isTextual()) {
                argv.addAll(List.of(step.asText().trim().split("\\s+")));
            } else if (step.isArray()) {
                step.forEach(a -> argv.add(a.asText()));
            }
            if (argv.isEmpty() || argv.get(0).isBlank()) {
                f.problem(f.at(key) + "[" + i + "]", "expected a command line or a list of arguments");
            } else {
                out.add(List.copyOf(argv));
            }
        }
        return out.isEmpty() ? fallback : List.copyOf(out);
    }

    // ---- the boot test: the recipe's battery on the image just built

    private static BootTestSettings bootTest(ConfigFields f, ServerSettings server, Path workspaces) {
        boolean enabled = f.bool("boot_test", true);
        String recipe = f.text("boot_test_recipe", false, BootTestSettings.DEFAULT_RECIPE);
        if (!BootTestSettings.NAME.matcher(recipe).matches()) {
            f.problem(f.at("boot_test_recipe"), "expected a recipe name (letters, digits, '.', '_', '-'), got \""
                    + recipe + "\"");
            recipe = BootTestSettings.DEFAULT_RECIPE;
        }
        String images = relativeFolder(f, "boot_test_images_dir", BootTestSettings.DEFAULT_IMAGES_DIR);
        String tests = relativeFolder(f, "boot_test_dir", BootTestSettings.DEFAULT_TESTS_DIR);
        BootTestSettings.ImagesVia via;
        try {
            via = BootTestSettings.ImagesVia.fromWire(f.text("boot_test_images_via", false, "controller"));
        } catch (IllegalArgumentException e) {
            f.problem(f.at("boot_test_images_via"), e.getMessage());
            via = BootTestSettings.ImagesVia.CONTROLLER;
        }
        URI base = f.url("boot_test_image_base_url", false, null);
        return new BootTestSettings(enabled, recipe, images, tests,
                f.text("boot_test_status_context", false, BootTestSettings.DEFAULT_CONTEXT),
                f.seconds("boot_test_boot_timeout_s", seconds(BootTestSettings.DEFAULT_BOOT_TIMEOUT)),
                f.seconds("boot_test_test_timeout_s", seconds(BootTestSettings.DEFAULT_TEST_TIMEOUT)),
                f.seconds("boot_test_timeout_s", seconds(BootTestSettings.DEFAULT_TIMEOUT)),
                f.text("boot_test_reboot_command", false, BootTestSettings.DEFAULT_REBOOT), via,
                base != null ? base : ControllerAddress.of(server.host(), server.port()),
                f.positiveInt("boot_test_max_image_mb", (int) BootTestSettings.DEFAULT_MAX_IMAGE_MB) * 1024L * 1024L,
                workspaces.resolve(".boot-images"));
    }

    private static String relativeFolder(ConfigFields f, String key, String fallback) {
        String dir = f.text(key, false, fallback);
        if (!BootTestSettings.relativeFolder(dir)) {
            f.problem(f.at(key), "expected a folder relative to the checkout, without '..', got \"" + dir + "\"");
            return fallback;
        }
        return dir;
    }

    // ---- the engine, the autobuild and the HTTP server

    private static EngineSettings engine(ConfigFields f, Path workspaces, URI publicUrl) {
        return EngineSettings.of(workspaces, f.text("status_context", false, EngineSettings.DEFAULT_STATUS_CONTEXT),
                publicUrl == null ? null : publicUrl.toString(),
                f.seconds("visibility_timeout_s", seconds(EngineSettings.DEFAULT_VISIBILITY)));
    }

    private static AutobuildSettings autobuild(ConfigFields f, IntakeSettings intake) {
        String schedule = f.text("autobuild_schedule", false, AutobuildSettings.DEFAULT_SCHEDULE);
        try {
            return new AutobuildSettings(CronSchedule.parse(schedule), intake.repository(),
                    intake.cloneUrl(intake.repository()), AutobuildSettings.DEFAULT_BRANCH);
        } catch (IllegalArgumentException e) {
            f.problem(f.at("autobuild_schedule"), e.getMessage());
            return null;
        }
    }

    private static ServerSettings server(ConfigFields f) {
        int port = f.positiveInt("http_port", ServerSettings.DEFAULT_PORT);
        if (port > 65535) {
            f.problem(f.at("http_port"), "must be at most 65535, got " + port);
        }
        return new ServerSettings(f.text("http_host", false, ServerSettings.DEFAULT_HOST), port,
                f.url("public_url", false, null), f.secret("operator_token", false));
    }

    // ---- helpers

    private static int seconds(Duration d) {
        return (int) d.toSeconds();
    }

    private static String urlText(URI u) {
        return u == null ? null : u.toString();
    }

    /** A settings record's own checks, reported at {@code key} instead of thrown. */
    private static <T> T build(ConfigFields f, String key, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            f.problem(f.at(key), e.getMessage());
            return null;
        }
    }
}
