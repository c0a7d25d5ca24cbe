package io.cattlepi.ci.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.untrusted.Printable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The webhook half of intake, independent of any HTTP server: given a delivery's headers and raw
 * body, it checks size, signature and JSON, filters, and puts accepted deliveries on the queue
 * unchanged. The controller's {@code POST /webhook} calls it; so could an AWS Lambda handler.
 * Checks run in that order so an unsigned delivery costs no parsing and leaves no trace but a count
 * (see {@link StoreAudit}).
 */
public final class WebhookIntake {
    /**
     * GitHub caps payloads at 25 MB, but ours are a few tens of KB, and SQS takes no message over
     * 1 MiB (256 KiB on queues not raised): a bigger body could never be queued.
     */
    public static final int DEFAULT_MAX_BODY = 1024 * 1024;
    public static final String EVENT_HEADER = "X-GitHub-Event";
    public static final String DELIVERY_HEADER = "X-GitHub-Delivery";
    private static final Pattern DELIVERY_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** Payload parsing for the receiver and the consumer: one document, nothing after it. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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
            audit.record(auditId, IntakeAudit.UNAUTHORIZED, h.containsKey(WebhookSignature.HEADER)
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
            audit.record(auditId, "ping", "hook " + Printable.clipped(payload.path("hook_id").asText("?"), 40));
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
        reject(headers, IntakeAudit.TOO_LARGE, size + " bytes or more, limit " + maxBody);
        return new WebhookResponse(413, "payload larger than " + maxBody + " bytes");
    }

    /**
     * The answer when too many bodies are being received already: nothing of this one was read.
     * GitHub shows the 503 in the hook's delivery log, where it can be redelivered.
     */
    public WebhookResponse busy(Map<String, String> headers, String why) {
        reject(headers, IntakeAudit.BUSY, why);
        return new WebhookResponse(503, "too many deliveries being received at once; retry later");
    }

    /** The answer when a body did not arrive whole within its deadline. */
    public WebhookResponse timedOut(Map<String, String> headers, long received, java.time.Duration deadline) {
        reject(headers, IntakeAudit.TIMEOUT, "body not complete within " + deadline.toSeconds() + " s");
        return new WebhookResponse(408, "body not received within " + deadline.toSeconds() + " s (" + received
                + " bytes arrived)");
    }

    /** The answer when a body's framing is broken (bad chunk sizes, cut short); {@code why} is the server's word. */
    public WebhookResponse badFraming(Map<String, String> headers, String why) {
        reject(headers, IntakeAudit.MALFORMED_FRAMING, "body framing: " + why);
        return new WebhookResponse(400, "malformed body: " + why);
    }

    private void reject(Map<String, String> headers, String outcome, String detail) {
        String delivery = deliveryId(caseInsensitive(headers));
        audit.record(delivery == null ? "unknown" : delivery, outcome, detail);
    }

    private static Map<String, String> caseInsensitive(Map<String, String> headers) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        return h;
    }

    private static String deliveryId(Map<String, String> h) {
        String raw = h.get(DELIVERY_HEADER);
        return isDeliveryId(raw) ? raw : null;
    }

    /** What GitHub's delivery ids look like (a GUID); anything else is not one. */
    static boolean isDeliveryId(String value) {
        return value != null && DELIVERY_ID.matcher(value).matches();
    }

    private WebhookResponse enqueue(String event, String delivery, byte[] body, Verdict verdict) {
        // The raw payload, byte for byte as signed, is the message: as text when SQS takes it as
        // it is (the queue's readers, the seed's scripts and the AWS CLI see GitHub's document),
        // base64 with an attribute saying so when it holds characters SQS refuses.
        MessageBody.Encoded encoded = MessageBody.encode(body);
        Map<String, String> attributes = new HashMap<>(encoded.attributes());
        attributes.put(QueuedMessage.EVENT, event);
        attributes.put(QueuedMessage.DELIVERY, delivery);
        attributes.put(QueuedMessage.VERIFIED, "true");
        try {
            String id = queue.send(encoded.text(), attributes);
            audit.record(delivery, "accepted", verdict.reason() + (verdict.accepted() ? " " + verdict.request().sha() : "")
                    + ", message " + id
                    + (encoded.attributes().isEmpty() ? "" : " (base64: the payload holds characters SQS refuses)"));
            return new WebhookResponse(202, "queued: " + verdict.reason());
        } catch (QueueException e) {
            if (e.refused()) {
                // Redelivering would fail the same way: say so, instead of asking for it.
                audit.record(delivery, "queue-refused", e.getMessage());
                return new WebhookResponse(422, "the queue refuses this delivery for good: " + e.getMessage());
            }
            audit.record(delivery, "queue-failed", e.getMessage());
            return new WebhookResponse(503, "queue unavailable, nothing stored; redeliver later");
        }
    }
}
