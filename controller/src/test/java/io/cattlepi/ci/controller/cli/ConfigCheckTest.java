package io.cattlepi.ci.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config check} on the seed-shaped example and on broken variants of it. */
class ConfigCheckTest {
    private static final Path EXAMPLE = ConfigChecks.EXAMPLE;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static ConfigChecks.Run check(Path file) {
        return ConfigChecks.check(file);
    }

    private ConfigChecks.Run variant(Consumer<ObjectNode> change) throws Exception {
        return ConfigChecks.variant(dir, change);
    }

    @Test
    void seedExampleIsValidAndItsSecretsAreMasked() throws Exception {
        ConfigChecks.Run r = check(EXAMPLE);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("build machines:    3"), r.out());
        String doc = Files.readString(EXAMPLE);
        for (String secret : new String[] {"wJalrXUtnFEMI", "ghp_example", "example-workers-api-key", "example-webhook-secret",
                "example-operator-token", "AKIAEXAMPLE"}) {
            assertTrue(doc.contains(secret));
            assertFalse(r.out().contains(secret), "leaked " + secret);
        }
        assertTrue(r.out().contains("****"));
    }

    @Test
    void justTheBuildcontrolObjectIsAcceptedToo() throws Exception {
        Path f = dir.resolve("bc.json");
        JSON.writeValue(f.toFile(), JSON.readTree(EXAMPLE.toFile()).path("config").path("buildcontrol"));
        assertEquals(0, check(f).code());
    }

    @Test
    void everyProblemIsOneLineNamingItsPath() throws Exception {
        ConfigChecks.Run r = variant(bc -> {
            bc.remove("aws_ak");
            bc.put("job_timeout_s", "abc");
            bc.put("ssh_id_rsa_pub", "%%% not base64 %%%");
            bc.put("aws_s3_path", "s3-bucket-without-scheme");
            bc.put("ssh_id_rsa", java.util.Base64.getEncoder().encodeToString("-----BEGIN NOTHING-----".getBytes()));
            ArrayNode machines = bc.putArray("build_machines");
            machines.add("192.168.1.31").add("192.168.1.31");
        });
        assertEquals(2, r.code());
        String err = r.err();
        assertTrue(err.contains("$.config.buildcontrol.aws_ak: missing"), err);
        assertTrue(err.contains("$.config.buildcontrol.job_timeout_s: expected a positive integer, got \"abc\""), err);
        assertTrue(err.contains("$.config.buildcontrol.ssh_id_rsa_pub: not base64"), err);
        assertTrue(err.contains("$.config.buildcontrol.aws_s3_path: not an http(s) URL"), err);
        assertTrue(err.contains("$.config.buildcontrol.ssh_id_rsa: not a valid unencrypted private key"), err);
        assertTrue(err.contains("$.config.buildcontrol.build_machines[1]: duplicate worker"), err);
        assertEquals(6, err.strip().split("\n").length, err);
        assertFalse(err.contains("Exception"), "no stack traces for bad input");
    }

    @Test
    void emptyWorkerListAndWrongTypes() throws Exception {
        ConfigChecks.Run r = variant(bc -> {
            bc.putArray("build_machines");
            bc.put("gh_user", 42);
        });
        assertEquals(2, r.code());
        assertTrue(r.err().contains("build_machines: empty"), r.err());
        assertTrue(r.err().contains("gh_user: expected a string, got a number"), r.err());
    }

    @Test
    void missingFileAndNotJson() throws Exception {
        ConfigChecks.Run missing = check(dir.resolve("nope.json"));
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("cannot read"), missing.err());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{ \"buildcontrol\": ");
        ConfigChecks.Run notJson = check(bad);
        assertEquals(2, notJson.code());
        assertTrue(notJson.err().contains("not JSON"), notJson.err());
        assertFalse(notJson.err().contains("at com.fasterxml"), notJson.err());
    }

    @Test
    void sandboxTrustAndResultRulesAreCheckedToo() throws Exception {
        ConfigChecks.Run r = variant(bc -> {
            bc.put("build_sandbox", "docker");
            bc.put("build_max_processes", 3);
            bc.putArray("trusted_associations").add("MEMBER").add("FRIEND");
            bc.putArray("build_env_passthrough").add("http_proxy").add("AWS_SECRET_ACCESS_KEY").add("not a name");
            ObjectNode rules = bc.putObject("result_rules");
            rules.putObject("cattlepi/cattlepi").putArray("failure_patterns").add("(unclosed");
            rules.putObject("not a repo");
        });
        assertEquals(2, r.code());
        String err = r.err();
        assertTrue(err.contains("build_sandbox: must be one of bubblewrap, off, got \"docker\""), err);
        assertTrue(err.contains("build_max_processes: a build needs at least 16 processes"), err);
        assertTrue(err.contains("trusted_associations[1]: not a GitHub author_association"), err);
        assertTrue(err.contains("build_env_passthrough[1]: AWS_SECRET_ACCESS_KEY looks like a credential"), err);
        assertTrue(err.contains("build_env_passthrough[2]: not a variable name"), err);
        assertTrue(err.contains("result_rules.cattlepi/cattlepi.failure_patterns[0]: not a regular expression"), err);
        assertTrue(err.contains("result_rules.not a repo: expected owner/name or *"), err);
        assertFalse(err.contains("Exception"), err);
    }

    @Test
    void undervoltStreakDefaultsToThreeZeroTurnsItOffAndANegativeIsNamed() throws Exception {
        assertTrue(check(EXAMPLE).out().contains("pi health:         vcgencmd get_throttled and the SoC temperature at"
                + " every probe; to maintenance when undervolted in 3 builds in a row"), check(EXAMPLE).out());
        ConfigChecks.Run off = variant(bc -> bc.put("undervolt_builds_to_maintenance", 0));
        assertEquals(0, off.code(), off.err());
        assertTrue(off.out().contains("undervolted Pis stay in service (undervolt_builds_to_maintenance 0)"), off.out());
        ConfigChecks.Run bad = variant(bc -> bc.put("undervolt_builds_to_maintenance", -1));
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("$.config.buildcontrol.undervolt_builds_to_maintenance: expected 0 (off) or a"
                + " positive integer, got -1"), bad.err());
    }

    @Test
    void powerCommandsAreListsWithKnownPlaceholdersOnly() throws Exception {
        ConfigChecks.Run r = variant(bc -> {
            ObjectNode power = bc.putObject("power");
            power.putArray("off").add("uhubctl").add("-p").add("{port}");
            power.put("on", "uhubctl -a on");
            bc.put("power_cycles_per_hour", 0);
        });
        assertEquals(2, r.code());
        String err = r.err();
        assertTrue(err.contains("$.config.buildcontrol.power.on: expected a list of strings, got a string"), err);
        assertTrue(err.contains("$.config.buildcontrol.power_cycles_per_hour: expected a positive integer"), err);
        ConfigChecks.Run mac = variant(bc -> {
            ObjectNode power = bc.putObject("power");
            power.putArray("off").add("relay").add("{mac}").add("off");
            power.putArray("on").add("relay").add("{mac}").add("on");
        });
        assertTrue(mac.err().contains("$.config.buildcontrol.power: Pi 192.168.1.31 has no mac, and its power commands"
                + " use {mac}"), mac.err());
        ConfigChecks.Run unknown = variant(bc -> {
            ObjectNode power = bc.putObject("power");
            power.putArray("off").add("uhubctl").add("-p").add("{port}");
            power.putArray("on").add("uhubctl");
        });
        assertTrue(unknown.err().contains("$.config.buildcontrol.power: off: unknown placeholder {port}"), unknown.err());
    }

    private ConfigChecks.Run raw(String name, byte[] bytes) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return check(f);
    }

    /** One line per problem, each {@code FILE: $...: why}, exit 2, nothing of a stack trace. */
    private static void refused(ConfigChecks.Run r, String expected) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(expected), r.err());
        for (String line : r.err().strip().split("\n")) {
            assertTrue(line.matches("\\S+: \\$[^:]*: .+"), "FILE: $.path: what: " + line);
        }
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }

    private String exampleText() throws Exception {
        return Files.readString(EXAMPLE);
    }

    @Test
    void documentsJacksonWouldRejectWithAStackTraceAreOneLineEach() throws Exception {
        refused(raw("deep.json", ("[".repeat(5000) + "]".repeat(5000)).getBytes()), "$: not a usable config: nested deeper than 64 levels");
        refused(raw("number.json", ("{\"job_timeout_s\": " + "9".repeat(2000) + "}").getBytes()),
                "$: not a usable config: a number longer than 50 digits");
        refused(raw("string.json", ("{\"gh_user\": \"" + "x".repeat(600_000) + "\"}").getBytes()),
                "$: not a usable config: a string longer than 262144 characters");
        refused(raw("huge.json", new byte[2 * 1024 * 1024]), "$: larger than 1024 KiB: not a build-control config");
        refused(raw("two.json", (exampleText() + "\n{\"second\": true}").getBytes()), "$: not JSON: Trailing token");
        refused(raw("dup.json", "{\"aws_ak\": \"a\", \"aws_ak\": \"b\"}".getBytes()), "$: not JSON: Duplicate field 'aws_ak'");
        refused(raw("latin1.json", "{\"gh_user\": \"caf\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)),
                "$: not UTF-8 text: invalid byte at offset 16");
        refused(raw("empty.json", new byte[0]), "$: empty: expected a JSON object");
        refused(check(dir), "$: cannot read: ");
    }

    @Test
    void aByteOrderMarkIsSkipped() throws Exception {
        byte[] doc = Files.readAllBytes(EXAMPLE);
        byte[] withBom = new byte[doc.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(doc, 0, withBom, 3, doc.length);
        ConfigChecks.Run r = raw("bom.json", withBom);
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void pathsNoFileSystemTakesOrThatWouldBreakTheControllerAreRefused() throws Exception {
        refused(variant(bc -> bc.put("store_path", "/")), "store_path: must name a file, not the root folder");
        refused(variant(bc -> bc.put("store_path", "/var/lib/x\u0000.db")), "store_path: not a usable path");
        refused(variant(bc -> bc.put("store_path", dir.toString())), "store_path: is a folder");
        refused(variant(bc -> bc.put("workspace_dir", "/")), "workspace_dir: must not be the root folder");
        refused(variant(bc -> bc.put("workspace_dir", "/tmp/w\u0000x")), "workspace_dir: not a usable path");
        refused(variant(bc -> {
            bc.put("store_path", dir.resolve("state/ci.db").toString());
            bc.put("workspace_dir", dir.toString());
        }), "workspace_dir: holds the store");
    }

    @Test
    void valuesThatLookRightButAreWrongAreRefused() throws Exception {
        refused(variant(bc -> bc.putArray("build_machines").add("pi-1.local").add("PI-1.LOCAL")),
                "build_machines[1]: duplicate worker");
        refused(variant(bc -> {
            ArrayNode m = bc.putArray("build_machines");
            m.addObject().put("name", "pi-a").put("host", "10.0.0.1");
            m.addObject().put("name", "Pi-A").put("host", "10.0.0.2");
        }), "build_machines[1]: duplicate worker");
        refused(variant(bc -> bc.putArray("allowed_repositories").add("cattlepi/cattlepi").add("just-a-name")),
                "allowed_repositories[1]: expected owner/name, got \"just-a-name\"");
        String other = java.util.Base64.getEncoder().encodeToString(otherPublicKey().getBytes());
        refused(variant(bc -> bc.put("ssh_id_rsa_pub", other)),
                "ssh_id_rsa_pub: is not the public half of ssh_id_rsa");
        refused(variant(bc -> bc.put("ssh_user", "pi\nProxyCommand evil")), "ssh_user: not a user name: \"pi\\nProxyCommand evil\"");
        refused(variant(bc -> bc.put("http_host", "0.0.0.0 evil")), "http_host: not a host name or IP address");
        refused(variant(bc -> bc.put("status_context", "ci\u202e")), "status_context: expected at most 100 characters without control characters");
        refused(variant(bc -> bc.putArray("build_steps").add("make\u0000x")), "build_steps[0]: holds a NUL character");
        refused(variant(bc -> bc.put("aws_region", "../../etc")), "aws_region: not an AWS region name");
    }

    @Test
    void bracketedIpv6AddressesAreAcceptedWithOrWithoutAPort() throws Exception {
        ConfigChecks.Run r = variant(bc -> bc.putArray("build_machines").add("[::1]:2222").add("[fd00::5]").add("10.0.0.9:2200"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("--1@[::1]:2222"), r.out());
        assertTrue(r.out().contains("fd00--5@[fd00::5]:22"), r.out());
        refused(variant(bc -> bc.putArray("build_machines").add("::1")), "build_machines[0]: not a host, host:port or [IPv6]:port");
        refused(variant(bc -> bc.putArray("build_machines").add("[::1]:99999")), "build_machines[0]: not a host");
    }

    /** A public key line the example's private key does not belong to. */
    private static String otherPublicKey() throws Exception {
        java.security.KeyPair other = java.security.KeyPairGenerator.getInstance("RSA").generateKeyPair();
        return org.apache.sshd.common.config.keys.PublicKeyEntry.toString(other.getPublic()) + " other@host";
    }
}
