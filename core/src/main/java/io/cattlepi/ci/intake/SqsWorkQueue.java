package io.cattlepi.ci.intake;

import io.cattlepi.ci.concurrent.DaemonThreads;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The work queue on SQS (AWS SDK v2, URL-connection HTTP client). Calls are bounded by the
 * configured timeout, a long poll by its wait plus that timeout, and a send by {@link #SEND_TIMEOUT}
 * at most, retries included: the webhook answers GitHub, which gives up after 10 s. Errors become
 * {@link QueueException}s; a receipt handle SQS no longer accepts is marked stale, so callers wait
 * for the redelivery. Every call's outcome says whether the queue is {@link #reachable()}.
 */
public final class SqsWorkQueue implements WorkQueue, AutoCloseable {
    /** SQS error codes meaning "this receipt handle is no good any more". */
    private static final Set<String> STALE = Set.of("ReceiptHandleIsInvalid", "InvalidReceiptHandle",
            "AWS.SimpleQueueService.ReceiptHandleIsInvalid", "MessageNotInflight",
            "AWS.SimpleQueueService.MessageNotInflight");

    /** Error codes of a message SQS will never take, however often it is sent. */
    private static final Set<String> REFUSED = Set.of("InvalidMessageContents", "InvalidParameterValue", "InvalidAttributeValue",
            "AWS.SimpleQueueService.InvalidMessageContents", "MessageTooLong");
    /** Well under GitHub's 10 s, so the webhook can still answer 503 in time. */
    public static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

    private final SqsClient client;
    private final String queueUrl;
    private final Duration sendTimeout;
    private final ScheduledExecutorService timeouts;
    private volatile boolean reachable = true;

    private SqsWorkQueue(SqsClient client, String queueUrl, Duration sendTimeout, ScheduledExecutorService timeouts) {
        this.client = client;
        this.queueUrl = queueUrl;
        this.sendTimeout = sendTimeout;
        this.timeouts = timeouts;
    }

    public static SqsWorkQueue open(SqsSettings s) {
        // The socket must outlive the longest long poll (20 s) by the call timeout.
        Duration socket = Duration.ofSeconds(20).plus(s.timeout());
        // One thread for the call timeouts instead of the SDK's five per client: on a Pi 3B+
        // every idle thread is resident memory (docs/performance.md).
        ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sqs-timeouts"));
        SqsClientBuilder b = SqsClient.builder()
                .region(Region.of(s.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        s.accessKey().reveal(), s.secretKey().reveal())))
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(s.timeout())
                        .socketTimeout(socket))
                .overrideConfiguration(o -> o.apiCallTimeout(socket.plus(s.timeout())).apiCallAttemptTimeout(socket)
                        .scheduledExecutorService(timeouts));
        if (s.endpointOverride() != null) {
            b.endpointOverride(s.endpointOverride());
        }
        Duration send = s.timeout().compareTo(SEND_TIMEOUT) < 0 ? s.timeout() : SEND_TIMEOUT;
        return new SqsWorkQueue(b.build(), s.queueUrl(), send, timeouts);
    }

    public String queueUrl() {
        return queueUrl;
    }

    /** Whether the last call, of any kind, got an answer from SQS (for {@code /healthz}). */
    public boolean reachable() {
        return reachable;
    }

    @Override
    public List<QueuedMessage> receive(int max, Duration wait, Duration visibility) throws QueueException {
        try {
            ReceiveMessageResponse r = client.receiveMessage(b -> b.queueUrl(queueUrl)
                    .visibilityTimeout(visibility == null ? null : (int) Math.min(43_200, visibility.toSeconds()))
                    .maxNumberOfMessages(Math.max(1, Math.min(10, max)))
                    .waitTimeSeconds((int) Math.max(0, Math.min(20, wait.toSeconds())))
                    .messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
            reachable = true;
            return r.messages().stream().map(SqsWorkQueue::message).toList();
        } catch (SdkException e) {
            throw failure("receiving", e);
        }
    }

    @Override
    public void extendVisibility(String receiptHandle, Duration timeout) throws QueueException {
        try {
            client.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(receiptHandle)
                    .visibilityTimeout((int) Math.min(43_200, timeout.toSeconds())));
            reachable = true;
        } catch (SdkException e) {
            throw failure("extending visibility", e);
        }
    }

    @Override
    public void delete(String receiptHandle) throws QueueException {
        try {
            client.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(receiptHandle));
            reachable = true;
        } catch (SdkException e) {
            throw failure("deleting a message", e);
        }
    }

    @Override
    public String send(String body, Map<String, String> attributes) throws QueueException {
        Map<String, MessageAttributeValue> attrs = new HashMap<>();
        attributes.forEach((k, v) -> attrs.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
        try {
            String id = client.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body).messageAttributes(attrs)
                    .overrideConfiguration(o -> o.apiCallTimeout(sendTimeout).apiCallAttemptTimeout(sendTimeout)))
                    .messageId();
            reachable = true;
            return id;
        } catch (SdkException e) {
            throw failure("sending a message", e);
        }
    }

    @Override
    public void close() {
        client.close();
        timeouts.shutdownNow();
    }

    private static QueuedMessage message(Message m) {
        Map<String, String> attrs = new HashMap<>();
        m.messageAttributes().forEach((k, v) -> {
            if (v.stringValue() != null) {
                attrs.put(k, v.stringValue());
            }
        });
        int count;
        try {
            count = Integer.parseInt(m.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
        } catch (NumberFormatException e) {
            count = 1;
        }
        return new QueuedMessage(m.messageId(), m.receiptHandle(), m.body(), Map.copyOf(attrs), count);
    }

    private QueueException failure(String what, SdkException e) {
        if (e instanceof SqsException s && s.awsErrorDetails() != null) {
            // An answer, even an error, means SQS is there; only 5xx say it is not working.
            reachable = s.statusCode() < 500;
            String code = s.awsErrorDetails().errorCode();
            String message = String.valueOf(s.awsErrorDetails().errorMessage());
            // SQS reports an expired handle on ChangeMessageVisibility as a bad ReceiptHandle parameter.
            boolean stale = code != null && (STALE.contains(code)
                    || code.equals("InvalidParameterValue") && message.toLowerCase(java.util.Locale.ROOT).contains("receipthandle"));
            boolean refused = !stale && code != null && REFUSED.contains(code) && s.statusCode() == 400;
            return new QueueException("SQS " + what + " on " + queueUrl + ": HTTP " + s.statusCode() + " " + code
                    + ": " + message, stale, refused, e);
        }
        reachable = false;
        if (e instanceof SdkClientException) {
            return new QueueException("SQS " + what + ": " + queueUrl + " unreachable: " + e.getMessage(), false, e);
        }
        return new QueueException("SQS " + what + " on " + queueUrl + " failed: " + e.getMessage(), false, e);
    }
}
