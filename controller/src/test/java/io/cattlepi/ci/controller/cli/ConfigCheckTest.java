package io.cattlepi.ci.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config check} on the seed-shaped example and on broken variants of it. */
class ConfigCheckTest {
    private static final Path EXAMPLE = Path.of("..", "docs", "examples", "buildcontrol.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run check(Path file) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = CattlePiCiCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("config", "check", "--config", file.toString());
        return new Run(code, out.toString(), err.toString());
    }

    private Run variant(Consumer<ObjectNode> change) throws Exception {
        ObjectNode doc = (ObjectNode) JSON.readTree(EXAMPLE.toFile());
        change.accept((ObjectNode) doc.path("config").path("buildcontrol"));
        Path f = dir.resolve("variant.json");
        JSON.writeValue(f.toFile(), doc);
        return check(f);
    }

    @Test
    void seedExampleIsValidAndItsSecretsAreMasked() throws Exception {
        Run r = check(EXAMPLE);
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
        Run r = variant(bc -> {
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
        Run r = variant(bc -> {
            bc.putArray("build_machines");
            bc.put("gh_user", 42);
        });
        assertEquals(2, r.code());
        assertTrue(r.err().contains("build_machines: empty"), r.err());
        assertTrue(r.err().contains("gh_user: expected a string, got a number"), r.err());
    }

    @Test
    void missingFileAndNotJson() throws Exception {
        Run missing = check(dir.resolve("nope.json"));
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("cannot read"), missing.err());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{ \"buildcontrol\": ");
        Run notJson = check(bad);
        assertEquals(2, notJson.code());
        assertTrue(notJson.err().contains("not JSON"), notJson.err());
        assertFalse(notJson.err().contains("at com.fasterxml"), notJson.err());
    }

    @Test
    void sandboxTrustAndResultRulesAreCheckedToo() throws Exception {
        Run r = variant(bc -> {
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
    void powerCommandsAreListsWithKnownPlaceholdersOnly() throws Exception {
        Run r = variant(bc -> {
            ObjectNode power = bc.putObject("power");
            power.putArray("off").add("uhubctl").add("-p").add("{port}");
            power.put("on", "uhubctl -a on");
            bc.put("power_cycles_per_hour", 0);
        });
        assertEquals(2, r.code());
        String err = r.err();
        assertTrue(err.contains("$.config.buildcontrol.power.on: expected a list of strings, got a string"), err);
        assertTrue(err.contains("$.config.buildcontrol.power_cycles_per_hour: expected a positive integer"), err);
        Run mac = variant(bc -> {
            ObjectNode power = bc.putObject("power");
            power.putArray("off").add("relay").add("{mac}").add("off");
            power.putArray("on").add("relay").add("{mac}").add("on");
        });
        assertTrue(mac.err().contains("$.config.buildcontrol.power: Pi 192.168.1.31 has no mac, and its power commands"
                + " use {mac}"), mac.err());
        Run unknown = variant(bc -> {
            ObjectNode power = bc.putObject("power");
            power.putArray("off").add("uhubctl").add("-p").add("{port}");
            power.putArray("on").add("uhubctl");
        });
        assertTrue(unknown.err().contains("$.config.buildcontrol.power: off: unknown placeholder {port}"), unknown.err());
    }
}
