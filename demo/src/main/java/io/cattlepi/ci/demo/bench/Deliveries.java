package io.cattlepi.ci.demo.bench;

import io.cattlepi.ci.demo.DemoWorld;
import io.cattlepi.ci.intake.SqsWorkQueue;
import io.cattlepi.ci.intake.WebhookIntake;
import io.cattlepi.ci.intake.WebhookResponse;
import io.cattlepi.ci.intake.WebhookSignature;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pull requests opened in the world's sample repository and their deliveries put on its queue
 * through the webhook receiver's own code (no HTTP), before any controller runs: a backlog.
 */
final class Deliveries {
    private Deliveries() {
    }

    /** Opens {@code count} pull requests numbered from {@code first} and queues one delivery each; returns their shas. */
    static List<String> queue(DemoWorld world, int first, int count) throws Exception {
        List<String> shas = new ArrayList<>();
        try (SqsWorkQueue queue = SqsWorkQueue.open(world.config().queue())) {
            WebhookIntake intake = new WebhookIntake(DemoWorld.WEBHOOK_SECRET, world.config().intake().filter(), queue,
                    (delivery, outcome, detail) -> { }, WebhookIntake.DEFAULT_MAX_BODY);
            for (int i = first; i < first + count; i++) {
                SampleRepository.PullRequest pr = world.repo().openPullRequest(i, "bench " + i, Map.of("n", i + "\n"));
                byte[] body = world.pullRequestPayload("opened", pr);
                WebhookResponse r = intake.handle(Map.of(WebhookIntake.EVENT_HEADER, "pull_request",
                        WebhookIntake.DELIVERY_HEADER, "bench-" + i + "-" + pr.headSha(),
                        WebhookSignature.HEADER, WebhookSignature.sign(DemoWorld.WEBHOOK_SECRET, body)), body);
                BenchFailure.require(r.status() == 202, "delivery " + i + " answered " + r.status() + ": " + r.message());
                shas.add(pr.headSha());
            }
        }
        return shas;
    }
}
