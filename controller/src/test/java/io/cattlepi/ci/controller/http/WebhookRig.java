package io.cattlepi.ci.controller.http;

import io.cattlepi.ci.intake.DeliveryFilter;
import io.cattlepi.ci.intake.SqsSettings;
import io.cattlepi.ci.intake.SqsWorkQueue;
import io.cattlepi.ci.intake.StoreAudit;
import io.cattlepi.ci.intake.WebhookIntake;
import io.cattlepi.ci.peers.FaultProxy;
import io.cattlepi.ci.peers.LocalSqs;
import io.cattlepi.ci.peers.WebhookFixtures;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /webhook} as the controller serves it, for HTTP-level tests: ElasticMQ (optionally
 * behind a fault proxy), a store, and the controller's HTTP server with the webhook intake.
 */
final class WebhookRig implements AutoCloseable {
    private final LocalSqs sqs;
    private final FaultProxy proxy;
    private final SqsWorkQueue queue;
    private final Store store;
    private ControllerHttp http;

    private WebhookRig(LocalSqs sqs, FaultProxy proxy, SqsWorkQueue queue, Store store) {
        this.sqs = sqs;
        this.proxy = proxy;
        this.queue = queue;
        this.store = store;
    }

    /** @param throughProxy whether the queue is reached through a {@link FaultProxy} the test can stall */
    static WebhookRig start(Path dir, boolean throughProxy) throws IOException {
        LocalSqs sqs = LocalSqs.start();
        FaultProxy proxy = throughProxy ? FaultProxy.start(sqs.endpoint().getPort()) : null;
        String url = sqs.createQueue("webhooks", Duration.ofSeconds(30));
        // The production call timeout: only the send's own bound may keep the webhook under 10 s.
        SqsWorkQueue queue = SqsWorkQueue.open(new SqsSettings(url, sqs.region(),
                proxy == null ? sqs.endpoint() : proxy.endpoint(), new Secret(sqs.accessKey()),
                new Secret(sqs.secretKey()), Duration.ofSeconds(30)));
        return new WebhookRig(sqs, proxy, queue, Store.open(dir.resolve("webhooks.db"), Clock.systemUTC()));
    }

    /** (Re)starts the server with these limits; {@code /healthz} reports the queue as the controller does. */
    ControllerHttp serve(Secret secret, int maxBody, WebhookLimits limits) {
        if (http != null) {
            http.close();
        }
        WebhookIntake intake = new WebhookIntake(secret, new DeliveryFilter(Set.of(WebhookFixtures.REPOSITORY), List.of(),
                false, "https://github.com/"), queue, new StoreAudit(store), maxBody);
        http = ControllerHttp.start("127.0.0.1", 0, store, new ReadOnlyOperations(), null,
                () -> new ControllerHttp.Health(queue.reachable(), Map.of("queue", queue.reachable() ? "ok" : "unreachable")),
                () -> "", intake, limits);
        return http;
    }

    LocalSqs sqs() {
        return sqs;
    }

    FaultProxy proxy() {
        return proxy;
    }

    SqsWorkQueue queue() {
        return queue;
    }

    Store store() {
        return store;
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        queue.close();
        if (proxy != null) {
            proxy.close();
        }
        store.close();
        sqs.close();
    }
}
