package io.cattlepi.ci.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.intake.Admission;
import io.cattlepi.ci.intake.DeliveryFilter;
import io.cattlepi.ci.intake.MessageBody;
import io.cattlepi.ci.intake.QueuedMessage;
import io.cattlepi.ci.intake.SqsSettings;
import io.cattlepi.ci.intake.SqsWorkQueue;
import io.cattlepi.ci.peers.HostileInput;
import io.cattlepi.ci.peers.LocalSqs;
import io.cattlepi.ci.peers.StackTraceWatch;
import io.cattlepi.ci.peers.WebhookFixtures;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.untrusted.Printable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over 1,000 hostile SQS messages through the consumer and admission, as anything with the queue's
 * send permission could put them there (seeded: {@code -Dfuzz.seed=N} replays): mutated payloads,
 * base64 bodies true and false, lying or hostile attributes, the seed's attribute-less messages,
 * garbage. Each must end stored (queued, waiting, rejected with a reason) or acknowledged as a
 * duplicate; only held builds' messages may stay on the queue; no stack trace, no uncaught exception.
 */
class QueueConsumerFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIXTURES = List.of("pull_request-opened", "pull_request-synchronize",
            "pull_request-labeled", "pull_request-closed", "push", "push-with-new-branch", "ping");

    @TempDir
    Path dir;

    private record Sent(String id, String kind) {
    }

    @Test
    void aThousandHostileMessagesAreEachStoredRejectedWithAReasonOrAcknowledged() throws Exception {
        long seed = Long.getLong("fuzz.seed", 20251115L);
        HostileInput in = new HostileInput(seed);
        try (LocalSqs sqs = LocalSqs.start(); Store store = Store.open(dir.resolve("c.db"), Clock.systemUTC())) {
            LocalSqs.Queues qs = sqs.createQueueWithDeadLetter("fuzz", Duration.ofSeconds(60), 1000);
            SqsWorkQueue queue = open(sqs, qs.url());
            SqsWorkQueue dead = open(sqs, qs.deadLetterUrl());
            DeliveryFilter filter = new DeliveryFilter(Set.of(WebhookFixtures.REPOSITORY), List.of(), false,
                    "https://github.com/", List.of("OWNER", "MEMBER", "COLLABORATOR"), "ok-to-test");
            Admission admission = new Admission(store, queue, filter, dead);

            List<Sent> sent = new ArrayList<>();
            int refusedBySqs = 0;
            for (int i = 0; i < 1040; i++) {
                String kind;
                String body;
                Map<String, String> attributes = new HashMap<>();
                switch (i % 8) {
                    case 0, 1 -> {
                        kind = "payload mutated";
                        body = sqsText(JSON.writeValueAsString(in.mutate(fixture(in), in.between(1, 5))));
                        githubAttributes(in, attributes);
                    }
                    case 2 -> {
                        kind = "valid payload, new commit";
                        ObjectNode p = WebhookFixtures.tree("pull_request-opened");
                        ((ObjectNode) p.get("pull_request").get("head")).put("sha", sha(in));
                        if (in.random().nextBoolean()) {
                            ((ObjectNode) p.get("pull_request")).put("author_association", "NONE");
                        }
                        body = JSON.writeValueAsString(p);
                        githubAttributes(in, attributes);
                        attributes.put(QueuedMessage.EVENT, "pull_request");
                    }
                    case 3 -> {
                        kind = "base64 body";
                        ObjectNode p = WebhookFixtures.tree("push-with-new-branch");
                        p.put("after", sha(in));
                        p.put("compare", "\uffff" + in.string());
                        body = Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(p));
                        attributes.put(MessageBody.ENCODING, MessageBody.BASE64);
                        githubAttributes(in, attributes);
                        attributes.put(QueuedMessage.EVENT, "push");
                    }
                    case 4 -> {
                        kind = "encoding attribute lies";
                        body = in.random().nextBoolean() ? sqsText(in.string()) + "%%" : Base64.getEncoder().encodeToString(
                                in.bytes(in.between(0, 300)));
                        attributes.put(MessageBody.ENCODING, in.random().nextBoolean() ? MessageBody.BASE64
                                : nonEmpty(sqsText(in.string())));
                    }
                    case 5 -> {
                        kind = "hostile attributes";
                        body = new String(WebhookFixtures.bytes(in.oneOf(FIXTURES)), StandardCharsets.UTF_8);
                        for (String a : List.of(QueuedMessage.EVENT, QueuedMessage.DELIVERY, QueuedMessage.VERIFIED, "x-other")) {
                            if (in.random().nextBoolean()) {
                                attributes.put(a, nonEmpty(sqsText(in.string())));
                            }
                        }
                    }
                    case 6 -> {
                        kind = "seed-style, no attributes";
                        body = sqsText(JSON.writeValueAsString(in.random().nextBoolean() ? fixture(in)
                                : in.mutate(fixture(in), 2)));
                    }
                    default -> {
                        kind = "not JSON, nesting, huge numbers";
                        body = switch (in.between(0, 2)) {
                            case 0 -> sqsText(in.string());
                            case 1 -> in.nested(in.between(100, 5000));
                            default -> "{\"number\": " + "9".repeat(in.between(100, 5000)) + "}";
                        };
                        githubAttributes(in, attributes);
                    }
                }
                try {
                    sent.add(new Sent(queue.send(body.isBlank() ? "?" : body, attributes), kind));
                } catch (io.cattlepi.ci.intake.QueueException e) {
                    // What SQS itself refuses never reaches a consumer.
                    refusedBySqs++;
                }
            }

            Map<String, Boolean> seen = new ConcurrentHashMap<>();
            QueueConsumer consumer = new QueueConsumer(queue, m -> {
                boolean held = admission.admit(m);
                seen.put(m.messageId(), held);
                return held;
            }, () -> 10, () -> { }, Duration.ofSeconds(1), Duration.ofSeconds(120), d -> { });
            long start = System.nanoTime();
            try (StackTraceWatch watch = StackTraceWatch.start()) {
                Thread t = new Thread(consumer, "fuzz-consumer");
                t.start();
                long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
                while (seen.size() < sent.size() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                consumer.close();
                t.join(30_000);
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                Map<String, Map<String, Integer>> outcomes = new TreeMap<>();
                List<String> failures = new ArrayList<>();
                int held = 0;
                for (Sent s : sent) {
                    Optional<Build> b = store.read(tx -> tx.buildByMessage(s.id()));
                    String outcome = b.map(x -> x.state().wireName()).orElse("acknowledged (duplicate)");
                    outcomes.computeIfAbsent(s.kind(), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
                    if (!seen.containsKey(s.id())) {
                        failures.add(s.kind() + ": message " + s.id() + " never admitted");
                    }
                    if (b.isPresent() && b.get().state() == BuildState.REJECTED && b.get().description().isBlank()) {
                        failures.add(s.kind() + ": rejected without a reason");
                    }
                    // Queued builds keep their message; so do superseded ones until the finisher reports them.
                    if (b.isPresent() && !b.get().messageDeleted()
                            && (b.get().state() == BuildState.QUEUED || b.get().state() == BuildState.FINISHING)) {
                        held++;
                    }
                    if (b.isPresent() && !Printable.of(String.valueOf(b.get().event())).equals(String.valueOf(b.get().event()))) {
                        failures.add(s.kind() + ": a hostile event name was stored: " + Printable.of(b.get().event()));
                    }
                }
                int rejected = store.read(tx -> tx.buildsIn(BuildState.REJECTED)).size();
                StringBuilder report = new StringBuilder("queue fuzz, seed " + seed + ": " + sent.size() + " messages in "
                        + took.toSeconds() + " s (" + refusedBySqs + " more refused by SQS itself)\n");
                outcomes.forEach((k, v) -> report.append(String.format("  %-32s %s%n", k, v)));
                report.append("  stack traces: ").append(watch.stackTraces()).append(", uncaught exceptions: ")
                        .append(watch.uncaughtExceptions()).append('\n');
                System.out.print(report);
                assertTrue(sent.size() >= 1000);
                assertEquals(List.of(), failures.subList(0, Math.min(10, failures.size())), failures.size() + " failures");
                assertEquals(held, sqs.depth(qs.url()), "only held builds' messages stay on the queue");
                assertEquals(rejected, sqs.depth(qs.deadLetterUrl()), "every rejected message was copied to the dead letters");
                assertEquals(0, watch.stackTraces(), "stack traces: " + watch.samples());
                assertEquals(0, watch.uncaughtExceptions(), "uncaught: " + watch.samples());
            } finally {
                consumer.close();
                queue.close();
                dead.close();
            }
        }
    }

    private static SqsWorkQueue open(LocalSqs sqs, String url) {
        return SqsWorkQueue.open(new SqsSettings(url, sqs.region(), sqs.endpoint(), new Secret(sqs.accessKey()),
                new Secret(sqs.secretKey()), Duration.ofSeconds(10)));
    }

    private static ObjectNode fixture(HostileInput in) {
        return WebhookFixtures.tree(in.oneOf(FIXTURES));
    }

    private static String sha(HostileInput in) {
        return String.format("%016x%016x%08x", in.random().nextLong(), in.random().nextLong(), in.random().nextInt());
    }

    private static void githubAttributes(HostileInput in, Map<String, String> attributes) {
        attributes.put(QueuedMessage.EVENT, in.oneOf(List.of("pull_request", "push", "ping", "issues")));
        attributes.put(QueuedMessage.DELIVERY, in.random().nextInt(5) == 0 ? "dup-" + in.between(0, 20)
                : java.util.UUID.randomUUID().toString());
        attributes.put(QueuedMessage.VERIFIED, "true");
    }

    /** What the queue takes as text: characters SQS refuses become '?' (the base64 classes carry the rest). */
    private static String sqsText(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            boolean ok = cp == 0x9 || cp == 0xa || cp == 0xd || cp >= 0x20 && cp <= 0xd7ff || cp >= 0xe000 && cp <= 0xfffd
                    || cp >= 0x10000;
            b.appendCodePoint(ok ? cp : '?');
        });
        return b.toString();
    }

    private static String nonEmpty(String s) {
        return s.isBlank() ? "x" : s;
    }
}
