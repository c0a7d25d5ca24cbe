package io.cattlepi.ci.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.autobuild.CronSchedule;
import io.cattlepi.ci.fleet.RackMember;
import io.cattlepi.ci.fleet.ssh.SshKeys;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the build-control config: the seed's whole CattlePi device config (with
 * {@code config.buildcontrol}) or just the {@code buildcontrol} object. Every problem is
 * collected with its JSON path; nothing of a secret's value ends up in a message.
 */
public final class ConfigLoader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");

    private ConfigLoader() {
    }

    public static BuildControlConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem("$", "cannot read " + file + ": " + e.getMessage())));
        }
        return parse(text);
    }

    public static BuildControlConfig parse(String text) throws ConfigException {
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

        Secret ak = f.secret("aws_ak", true);
        Secret sk = f.secret("aws_sk", true);
        String bucket = f.text("aws_s3_bucket", true, null);
        URI s3Path = f.url("aws_s3_path", true, null);
        String queue = f.text("aws_sqs_queue", true, null);
        List<RackMember> machines = machines(f);
        Secret buildersKey = f.secret("builders_api_key", true);
        Secret ghToken = f.secret("gh_token", true);
        String ghUser = f.text("gh_user", true, null);
        byte[] keyText = f.base64("ssh_id_rsa");
        KeyPair identity = keyText == null ? null : privateKey(f, keyText);
        byte[] pubText = f.base64("ssh_id_rsa_pub");
        String pubLine = pubText == null ? null : new String(pubText, StandardCharsets.UTF_8).trim();
        if (pubLine != null && !pubLine.matches("(ssh-|ecdsa-)\\S+ \\S+.*")) {
            f.problem(f.at("ssh_id_rsa_pub"), "not an OpenSSH public key line once decoded");
        }

        String repository = f.text("repository", false, "cattlepi/cattlepi");
        if (!REPO.matcher(repository).matches()) {
            f.problem(f.at("repository"), "expected owner/name, got \"" + repository + "\"");
        }
        List<String> allowed = f.strings("allowed_repositories", List.of(repository));
        String schedule = f.text("autobuild_schedule", false, "42 11 * * FRI");
        try {
            CronSchedule.parse(schedule);
        } catch (IllegalArgumentException e) {
            f.problem(f.at("autobuild_schedule"), e.getMessage());
        }
        String policy = f.text("host_key_policy", false, "per-boot");
        if (!List.of("per-boot", "track", "off").contains(policy)) {
            f.problem(f.at("host_key_policy"), "must be per-boot, track or off, got \"" + policy + "\"");
        }
        Path defaultStore = defaultDataDir().resolve("cattlepi-ci.db");
        String store = f.text("store_path", false, defaultStore.toString());
        String workspaces = f.text("workspace_dir", false, Path.of(store).toAbsolutePath().getParent().resolve("workspaces").toString());
        int port = f.positiveInt("http_port", 8080);
        if (port > 65535) {
            f.problem(f.at("http_port"), "must be at most 65535, got " + port);
        }
        JsonNode endpoints = f.raw("endpoints");
        ConfigFields e = new ConfigFields(endpoints == null ? JSON.createObjectNode() : endpoints, f.at("endpoints"), problems);
        if (endpoints != null && !endpoints.isObject()) {
            f.problem(f.at("endpoints"), "expected an object with sqs, s3, github");
        }

        BuildControlConfig config = new BuildControlConfig(ak, sk, bucket, s3Path, queue, machines, buildersKey, ghToken, ghUser,
                keyText == null ? null : new Secret(new String(keyText, StandardCharsets.UTF_8)), identity, pubLine,
                f.seconds("monitor_interval_s", 60), f.seconds("job_timeout_s", 2700),
                f.seconds("checkout_retry_window_s", 600), f.seconds("checkout_retry_every_s", 10),
                f.seconds("autobuild_timeout_s", 10800), schedule, steps(f), repository, allowed,
                f.strings("push_branches", List.of()), f.bool("build_drafts", false),
                f.text("status_context", false, "cattlepi-ci"), f.url("cattlepi_api", false, "https://api.cattlepi.com"),
                e.url("sqs", false, null), e.url("s3", false, null), e.url("github", false, null),
                f.text("aws_region", false, "us-east-1"), f.secret("webhook_secret", false), f.secret("operator_token", false),
                Path.of(store), Path.of(workspaces), f.text("http_host", false, "0.0.0.0"), port,
                f.url("public_url", false, null), policy, f.positiveInt("failed_reset_streak", 3),
                f.text("ssh_user", false, "pi"), f.url("raspbian_location", false, null),
                f.text("workers_config_device", false, "default"), f.seconds("visibility_timeout_s", 300),
                f.positiveInt("max_queue_receives", 5), cloneBase(f),
                f.url("dead_letter_queue", false, null), autobuildSteps(f));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /** http(s) for GitHub and mirrors; file: for local repositories (the demo, air-gapped racks). */
    private static URI cloneBase(ConfigFields f) {
        String v = f.text("clone_base", false, "https://github.com/");
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
            JsonNode m = list.get(i);
            RackMember member = null;
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
                } else {
                    member = new RackMember(host, host, port, null);
                }
            } else if (m.isObject()) {
                ConfigFields mf = new ConfigFields(m, where, new ArrayList<>());
                String host = m.path("host").asText("");
                String name = m.path("name").asText(host);
                int port = m.has("port") ? (m.get("port").canConvertToInt() ? m.get("port").asInt() : -1) : 22;
                String mac = m.path("mac").asText(null);
                try {
                    member = RackMember.of(name, host, port, mac);
                } catch (RackMember.InvalidMember e) {
                    f.problem(mf.at(e.field()), e.getMessage());
                }
            } else {
                f.problem(where, "expected \"host\", \"host:port\" or {name, host, port, mac}, got " + ConfigFields.kind(m));
            }
            if (member != null) {
                if (!names.add(member.id()) || !addresses.add(member.host() + ":" + member.port())) {
                    f.problem(where, "duplicate worker " + member.id() + " (" + member.host() + ":" + member.port() + ")");
                } else {
                    out.add(member);
                }
            }
        }
        return List.copyOf(out);
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s);
            return p >= 1 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static List<List<String>> steps(ConfigFields f) {
        return steps(f, "build_steps", List.of(List.of("make", "test_noop"), List.of("make", "raspbian_cattlepi")));
    }

    /** The seed's release build: the publish script for both recipes, the Pi back on stock between them. */
    private static List<List<String>> autobuildSteps(ConfigFields f) {
        String script = "tools/autobuild/build_and_publish.sh";
        return steps(f, "autobuild_steps", List.of(List.of(script, "raspbian_cattlepi"), List.of(script, "raspbian_stock")));
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
        return List.copyOf(out);
    }

    private static KeyPair privateKey(ConfigFields f, byte[] text) {
        try {
            return SshKeys.parse(text, "ssh_id_rsa");
        } catch (IllegalArgumentException e) {
            f.problem(f.at("ssh_id_rsa"), "not a valid unencrypted private key (PEM or OpenSSH format) once decoded");
            return null;
        }
    }

    static Path defaultDataDir() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("cattlepi-ci");
    }
}
