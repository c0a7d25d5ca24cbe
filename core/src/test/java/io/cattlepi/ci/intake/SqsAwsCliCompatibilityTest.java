package io.cattlepi.ci.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.peers.LocalSqs;
import io.cattlepi.ci.peers.WebhookFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The other tools of the trade read what the adapter writes: the AWS CLI receives a message the adapter sent
 * (body and attributes unchanged) and the adapter receives one the CLI sent. Runs where {@code aws} is
 * installed (Debian's awscli or pip's), skipped elsewhere.
 */
@EnabledIf("awsCliInstalled")
class SqsAwsCliCompatibilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static boolean awsCliInstalled() {
        try {
            Process p = new ProcessBuilder("aws", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void theAwsCliAndTheAdapterReadEachOthersMessages() throws Exception {
        try (LocalSqs sqs = LocalSqs.start()) {
            String url = sqs.createQueue("cli-check", Duration.ofSeconds(30));
            String body = new String(WebhookFixtures.bytes("push"), StandardCharsets.UTF_8) + "\r\nGrüße ✓ 🐄";
            Map<String, String> attributes = Map.of(QueuedMessage.EVENT, "push",
                    QueuedMessage.DELIVERY, "72d3162e-cc78-11e3-81ab-4c9367dc0958", QueuedMessage.VERIFIED, "true");
            try (SqsWorkQueue queue = SqsWorkQueue.open(SqsWorkQueueTest.settings(sqs, url))) {
                String id = queue.send(body, attributes);

                JsonNode received = aws(sqs, "sqs", "receive-message", "--queue-url", url,
                        "--message-attribute-names", "All", "--attribute-names", "ApproximateReceiveCount",
                        "--max-number-of-messages", "1", "--wait-time-seconds", "2");
                JsonNode message = received.path("Messages").path(0);
                assertEquals(id, message.path("MessageId").asText());
                assertEquals(body, message.path("Body").asText());
                assertEquals(md5(body), message.path("MD5OfBody").asText());
                for (Map.Entry<String, String> a : attributes.entrySet()) {
                    JsonNode value = message.path("MessageAttributes").path(a.getKey());
                    assertEquals("String", value.path("DataType").asText());
                    assertEquals(a.getValue(), value.path("StringValue").asText());
                }

                ObjectNode cliAttributes = JSON.createObjectNode();
                cliAttributes.putObject(QueuedMessage.EVENT).put("DataType", "String").put("StringValue", "ping");
                String cliBody = "{\"zen\":\"Keep it logically awesome. ✓\"}";
                JsonNode sent = aws(sqs, "sqs", "send-message", "--queue-url", url, "--message-body", cliBody,
                        "--message-attributes", cliAttributes.toString());
                QueuedMessage got = queue.receive(1, Duration.ofSeconds(2)).get(0);
                assertEquals(sent.path("MessageId").asText(), got.messageId());
                assertEquals(cliBody, got.body());
                assertEquals(Map.of(QueuedMessage.EVENT, "ping"), got.attributes());
            }
        }
    }

    /** Runs {@code aws --endpoint-url <local> ... --output json} with dummy credentials and no local AWS config. */
    private static JsonNode aws(LocalSqs sqs, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("aws", "--endpoint-url", sqs.endpoint().toString()));
        command.addAll(List.of(args));
        // The CLI's own timeouts bound the wait for its output below.
        command.addAll(List.of("--output", "json", "--cli-connect-timeout", "10", "--cli-read-timeout", "30"));
        Path errors = Files.createTempFile("aws-cli", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(errors.toFile());
        Map<String, String> env = pb.environment();
        env.put("AWS_ACCESS_KEY_ID", sqs.accessKey());
        env.put("AWS_SECRET_ACCESS_KEY", sqs.secretKey());
        env.put("AWS_DEFAULT_REGION", sqs.region());
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("PYTHONIOENCODING", "utf-8");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "aws did not finish");
        String err = Files.readString(errors);
        Files.delete(errors);
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + "\n" + err);
        System.out.println("$ " + String.join(" ", command) + "\n" + new String(out, StandardCharsets.UTF_8));
        return JSON.readTree(out);
    }

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
