package io.cattlepi.ci.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The webhook half of intake, independent of any HTTP server: given a delivery's headers and raw
 * body, it checks size, signature and JSON, filters, and puts accepted deliveries on the queue
 * unchanged. The controller's {@code POST /webhook} calls it; so could an AWS Lambda handler.
 * Checks run in that order so an unsigned delivery costs no parsing and leaves no trace but an
 * audit line.
 */
public final class WebhookIntake {
    /** GitHub caps payloads at 25 MB; ours are a few tens of KB. */
    public static final int DEFAULT_MAX_BODY = 5 * 1024 * 1024;
    public static final String EVENT_HEADER = "X-GitHub-Event";
    public static final String DELIVERY_HEADER = "X-GitHub-Delivery";
    private static final Pattern DELIVERY_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Secret secret;
    private final DeliveryFilter filter;
    private final WorkQueue queue;
    private final IntakeAudit audit;
    private final int maxBody;

    public WebhookIntake(Secret secret, DeliveryFilter filter, WorkQueue queue, IntakeAudit audit, int maxBody) {
        this.secret = Objects.requireNonNull(secret, "secret");
        this.filter = Objects.requireNonNull(filter, "filter");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.maxBody = maxBody;
    }

    public int maxBody() {
        return maxBody;
    }

    /** Handles one delivery; header names are matched without case. */
    public WebhookResponse handle(Map<String, String> headers, byte[] body) {
        if (body.length > maxBody) {
            return tooLarge(headers, body.length);
        }
        Map<String, String> h = caseInsensitive(headers);
        String delivery = deliveryId(h);
        String auditId = delivery == null ? "unknown" : delivery;
        if (!WebhookSignature.matches(secret, body, h.get(WebhookSignature.HEADER))) {
            audit.record(auditId, "unauthorized", h.containsKey(WebhookSignature.HEADER)
                    ? "signature does not match" : "no " + WebhookSignature.HEADER + " header");
            return new WebhookResponse(401, "missing or wrong " + WebhookSignature.HEADER);
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            audit.record(auditId, "malformed", "body is not JSON");
            return new WebhookResponse(400, "body is not JSON");
        } catch (java.io.IOException e) {
            audit.record(auditId, "malformed", "body could not be read");
            return new WebhookResponse(400, "body could not be read");
        }
        String event = h.get(EVENT_HEADER);
        if ("ping".equals(event)) {
            audit.record(auditId, "ping", "hook " + payload.path("hook_id").asText("?"));
            return new WebhookResponse(200, "pong");
        }
        if (delivery == null) {
            audit.record(auditId, "invalid", "missing or malformed " + DELIVERY_HEADER);
            return new WebhookResponse(400, "missing or malformed " + DELIVERY_HEADER);
        }
        Verdict verdict = filter.judge(event, delivery, payload);
        switch (verdict.kind()) {
            case IGNORED -> {
                audit.record(delivery, "ignored", verdict.reason());
                return new WebhookResponse(200, "ignored: " + verdict.reason());
            }
            case INVALID -> {
                audit.record(delivery, "invalid", verdict.reason());
                return new WebhookResponse(400, "invalid: " + verdict.reason());
            }
            default -> {
                return enqueue(event, delivery, body, verdict);
            }
        }
    }

    /** The answer for a body over the limit, for servers that stop reading it early. */
    public WebhookResponse tooLarge(Map<String, String> headers, long size) {
        String delivery = deliveryId(caseInsensitive(headers));
        audit.record(delivery == null ? "unknown" : delivery, "too-large", size + " bytes or more, limit " + maxBody);
        return new WebhookResponse(413, "payload larger than " + maxBody + " bytes");
    }

    private static Map<String, String> caseInsensitive(Map<String, String> headers) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        return h;
    }

    private static String deliveryId(Map<String, String> h) {
        String raw = h.get(DELIVERY_HEADER);
        return raw != null && DELIVERY_ID.matcher(raw).matches() ? raw : null;
    }

    private WebhookResponse enqueue(String event, String delivery, byte[] body, Verdict verdict) {
        try {
            // The raw payload, byte for byte as signed, is the message body: the queue's readers
            // (this controller, the seed's scripts, the AWS CLI) all see GitHub's own document.
            String id = queue.send(new String(body, StandardCharsets.UTF_8), Map.of(
                    QueuedMessage.EVENT, event,
                    QueuedMessage.DELIVERY, delivery,
                    QueuedMessage.VERIFIED, "true"));
            audit.record(delivery, "accepted", verdict.reason() + " " + verdict.request().sha() + ", message " + id);
            return new WebhookResponse(202, "queued: " + verdict.reason());
        } catch (QueueException e) {
            audit.record(delivery, "queue-failed", e.getMessage());
            return new WebhookResponse(503, "queue unavailable, nothing stored; redeliver later");
        }
    }
}
