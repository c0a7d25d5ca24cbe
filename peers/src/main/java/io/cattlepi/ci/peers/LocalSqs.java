package io.cattlepi.ci.peers;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * An SQS server in this JVM: ElasticMQ on 127.0.0.1, speaking the real SQS protocols, so the AWS
 * SDK and the AWS CLI talk to it as to AWS. Queue URLs name this server's own address.
 */
public final class LocalSqs implements AutoCloseable {
    public static final String REGION = "us-east-1";
    private static final String ACCESS_KEY = "local-access-key";
    private static final String SECRET_KEY = "local-secret-key";
    /** How long {@link #close()} waits for ElasticMQ to stop before it leaves it stopping. */
    static final Duration STOP_LIMIT = Duration.ofSeconds(1);

    /** A queue and, when it has one, its dead-letter queue. */
    public record Queues(String url, String deadLetterUrl) {
    }

    private final SQSRestServer server;
    private final int port;
    private final SqsClient client;

    private LocalSqs(int port) {
        this.port = port;
        this.server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port)
                .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
                .withAWSRegion(REGION)
                .start();
        server.waitUntilStarted();
        this.client = SqsClient.builder()
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)).build())
                .build();
    }

    /** Starts ElasticMQ on a free port; returns when it accepts connections. */
    public static LocalSqs start() {
        return start(Ports.free());
    }

    public static LocalSqs start(int port) {
        return new LocalSqs(port);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public String region() {
        return REGION;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    /** A plain client for test assertions and set-up. */
    public SqsClient client() {
        return client;
    }

    public String createQueue(String name, Duration visibilityTimeout) {
        return client.createQueue(b -> b.queueName(name).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(visibilityTimeout.toSeconds())))).queueUrl();
    }

    /** A queue whose messages move to {@code name-dlq} after {@code maxReceiveCount} receives. */
    public Queues createQueueWithDeadLetter(String name, Duration visibilityTimeout, int maxReceiveCount) {
        String dlq = createQueue(name + "-dlq", visibilityTimeout);
        String arn = client.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String redrive = new ObjectMapper().createObjectNode().put("deadLetterTargetArn", arn)
                .put("maxReceiveCount", Integer.toString(maxReceiveCount)).toString();
        String url = client.createQueue(b -> b.queueName(name).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(visibilityTimeout.toSeconds()),
                QueueAttributeName.REDRIVE_POLICY, redrive))).queueUrl();
        return new Queues(url, dlq);
    }

    /** How many messages the queue holds, visible or in flight. */
    public int depth(String queueUrl) {
        Map<QueueAttributeName, String> a = client.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /**
     * Stops ElasticMQ, waiting for it at most {@link #STOP_LIMIT}: its {@code stopAndWait} waits for
     * the clients' open connections (a controller in another process, mid long poll) as long as they
     * stay, and a demo or a test must end anyway.
     */
    @Override
    public void close() {
        client.close();
        Thread stop = new Thread(server::stopAndWait, "elasticmq-stop");
        stop.setDaemon(true);
        stop.start();
        try {
            stop.join(STOP_LIMIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
