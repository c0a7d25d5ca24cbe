package io.cattlepi.ci.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildIds;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.cancel.Cancellations;
import io.cattlepi.ci.crash.CrashPoint;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.store.Tx;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each received message into stored state before anything else happens, in one transaction:
 * a new queued build; the latest receipt handle of a message already known (a redelivery); a
 * duplicate (same delivery, or same repository + sha + event), acknowledged by deleting it; or a
 * rejection, recorded with its reason and deleted (after a copy to the dead-letter queue when one
 * is configured). A new head of a pull request (or a new push to a built branch) cancels the older
 * builds of that pull request (branch) that have not ended, running ones too (queued ones only when
 * {@code cancel_superseded} is off); a closed pull request cancels its builds. An
 * outsider's pull request is stored as {@code waiting} (its message deleted: the store holds it)
 * until the ok-to-test label approves that head.
 * Queue calls happen after the commit: a crash in between leaves the message to be redelivered
 * and recognised by its id.
 */
public final class Admission implements MessageAdmission {
    /** Message attribute on dead-lettered copies. */
    public static final String REJECTED_REASON = "rejected_reason";
    /** The description of an outsider's build until a maintainer approves it. */
    public static final String WAITING_FOR_APPROVAL = "waiting for a maintainer's ok-to-test";
    private static final Logger log = LoggerFactory.getLogger(Admission.class);
    private static final ObjectMapper JSON = WebhookIntake.JSON;
    private static final Pattern EVENT_NAME = Pattern.compile("[a-z_]{1,64}");

    private enum Action { KEEP, DELETE, REJECT }

    private record Decision(Action action, String buildId, String why) {
    }

    private final Store store;
    private final WorkQueue queue;
    private final DeliveryFilter filter;
    private final WorkQueue deadLetters;

    /** @param deadLetters where rejected messages are copied, or null to only record them */
    public Admission(Store store, WorkQueue queue, DeliveryFilter filter, WorkQueue deadLetters) {
        this.store = store;
        this.queue = queue;
        this.filter = filter;
        this.deadLetters = deadLetters;
    }

    @Override
    public boolean admit(QueuedMessage m) {
        Verdict verdict = judge(m);
        Decision d = store.write(tx -> decide(tx, m, verdict));
        CrashPoint.reach(CrashPoint.QUEUED);
        switch (d.action()) {
            case KEEP -> {
                return true;
            }
            case DELETE -> delete(m, d);
            case REJECT -> {
                deadLetter(m, d.why());
                delete(m, d);
            }
        }
        return false;
    }

    private Verdict judge(QueuedMessage m) {
        String event = m.attributes().get(QueuedMessage.EVENT);
        if (event != null && !EVENT_NAME.matcher(event).matches()) {
            return Verdict.invalid("message attribute " + QueuedMessage.EVENT + " is not an event name");
        }
        String delivery = m.attributes().get(QueuedMessage.DELIVERY);
        if (delivery != null && !WebhookIntake.isDeliveryId(delivery)) {
            return Verdict.invalid("message attribute " + QueuedMessage.DELIVERY + " is not a delivery id");
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(m.payload());
        } catch (IllegalArgumentException e) {
            return Verdict.invalid(e.getMessage());
        } catch (IOException e) {
            return Verdict.invalid("message body is not JSON");
        }
        if (event == null) {
            event = inferEvent(payload);
        }
        return filter.judge(event, delivery, payload);
    }

    /** The attribute's value when it is a well-formed event name or delivery id, else null. */
    private static String valid(QueuedMessage m, String attribute) {
        String v = m.attributes().get(attribute);
        boolean ok = v != null && (attribute.equals(QueuedMessage.EVENT) ? EVENT_NAME.matcher(v).matches()
                : WebhookIntake.isDeliveryId(v));
        return ok ? v : null;
    }

    /** Messages queued by the seed's Lambda carry no attributes: the payload's shape tells the event. */
    private static String inferEvent(JsonNode payload) {
        if (payload.has("pull_request")) {
            return DeliveryFilter.PULL_REQUEST;
        }
        if (payload.has("ref") && payload.has("after")) {
            return DeliveryFilter.PUSH;
        }
        return null;
    }

    private Decision decide(Tx tx, QueuedMessage m, Verdict verdict) {
        Optional<Build> known = tx.buildByMessage(m.messageId());
        if (known.isPresent()) {
            return redelivered(tx, known.get(), m);
        }
        if (verdict.kind() == Verdict.Kind.CLOSED) {
            return closed(tx, verdict.closed());
        }
        if (!verdict.accepted()) {
            // Only attribute values that passed their checks are kept; anything else is in the reason.
            Build rejected = Build.rejected(BuildIds.next(tx.now()), valid(m, QueuedMessage.EVENT),
                    valid(m, QueuedMessage.DELIVERY), m.messageId(), m.receiptHandle(), verdict.reason(), tx.now());
            tx.buildChanged(null, rejected);
            return new Decision(Action.REJECT, rejected.id(), verdict.reason());
        }
        BuildRequest r = verdict.request();
        if (r.approval() == BuildRequest.Approval.GIVEN) {
            Optional<Build> waiting = tx.buildsOf(r.repository(), r.sha(), r.event()).stream()
                    .filter(b -> b.state() == BuildState.WAITING).findFirst();
            if (waiting.isPresent()) {
                Build w = waiting.get();
                tx.buildChanged(w, w.withState(BuildState.QUEUED, "approved by a maintainer (" + verdict.reason() + ")"));
                return new Decision(Action.DELETE, w.id(), "approval of build " + w.id());
            }
        }
        Optional<Build> same = r.deliveryId() == null ? Optional.empty() : tx.buildByDelivery(r.deliveryId());
        if (same.isEmpty()) {
            same = tx.buildsOf(r.repository(), r.sha(), r.event()).stream().findFirst();
        }
        if (same.isPresent()) {
            String why = "duplicate of build " + same.get().id();
            tx.append(Event.BUILD, same.get().id(), "duplicate", "message " + m.messageId() + " acknowledged as " + why);
            return new Decision(Action.DELETE, same.get().id(), why);
        }
        Build b = Build.queued(BuildIds.next(tx.now()), r.repository(), r.sha(), r.ref(), r.prNumber(), r.cloneUrl(),
                r.event(), r.deliveryId(), m.messageId(), m.receiptHandle(), tx.now());
        boolean waits = r.approval() == BuildRequest.Approval.NEEDED;
        if (waits) {
            b = b.withState(BuildState.WAITING, WAITING_FOR_APPROVAL);
        }
        tx.buildChanged(null, b);
        supersede(tx, b);
        // A waiting build may wait for days: it is stored, so its message is not held that long.
        return waits ? new Decision(Action.DELETE, b.id(), "waiting for approval") : new Decision(Action.KEEP, b.id(), "queued");
    }

    /** The same message again: keep the newest receipt handle; finish a deletion that could not happen before. */
    private static Decision redelivered(Tx tx, Build b, QueuedMessage m) {
        Build refreshed = b.withReceiptHandle(m.receiptHandle());
        tx.putBuild(refreshed);
        boolean settled = b.state() == BuildState.DONE || b.state() == BuildState.REJECTED;
        if (settled && !b.messageDeleted()) {
            tx.append(Event.BUILD, b.id(), "redelivered", "message " + m.messageId() + " redelivered; deleting it now");
            return new Decision(Action.DELETE, b.id(), "already " + b.state().wireName());
        }
        tx.append(Event.BUILD, b.id(), "redelivered", "message " + m.messageId() + " redelivered (receive "
                + m.receiveCount() + "); receipt handle refreshed");
        return new Decision(Action.KEEP, b.id(), "redelivered");
    }

    /**
     * Older builds of the same pull request (or of the same pushed branch) will never be wanted: the
     * ones not started end now, running ones are cancelled by the engine (their Pi is reset).
     */
    private void supersede(Tx tx, Build newest) {
        List<Build> active = new ArrayList<>(tx.buildsIn(BuildState.QUEUED, BuildState.WAITING));
        if (filter.cancelSuperseded()) {
            active.addAll(tx.buildsIn(BuildState.SCHEDULED, BuildState.RUNNING));
        }
        for (Build old : active) {
            if (!old.id().equals(newest.id()) && !newest.sha().equals(old.sha()) && sameLine(old, newest)) {
                Cancellations.cancel(tx, old, Cancellations.superseded(newest.sha()));
            }
        }
    }

    /** The same pull request, or pushes to the same branch (queued ones only, without the setting, as before). */
    private boolean sameLine(Build old, Build newest) {
        if (!newest.repository().equals(old.repository()) || !newest.event().equals(old.event())) {
            return false;
        }
        if (newest.prNumber() != null) {
            return newest.prNumber().equals(old.prNumber());
        }
        return filter.cancelSuperseded() && DeliveryFilter.PUSH.equals(newest.event()) && newest.ref().equals(old.ref());
    }

    /** A closed pull request: its builds that have not ended are cancelled; the message leaves no build. */
    private static Decision closed(Tx tx, Verdict.ClosedPullRequest pr) {
        int cancelled = 0;
        for (Build b : tx.buildsIn(BuildState.WAITING, BuildState.QUEUED, BuildState.SCHEDULED, BuildState.RUNNING)) {
            if (b.repository().equals(pr.repository()) && Integer.valueOf(pr.number()).equals(b.prNumber())
                    && Cancellations.cancel(tx, b, Cancellations.pullRequestClosed(pr.number()))
                    != Cancellations.Outcome.ALREADY_OVER) {
                cancelled++;
            }
        }
        String why = "pull request #" + pr.number() + " closed: " + cancelled + " build" + (cancelled == 1 ? "" : "s")
                + " cancelled";
        log.info("{} ({})", why, pr.repository());
        return new Decision(Action.DELETE, null, why);
    }

    private void deadLetter(QueuedMessage m, String why) {
        if (deadLetters == null) {
            return;
        }
        try {
            // The body as it came, with what says how to read it.
            Map<String, String> attributes = new HashMap<>();
            String encoding = m.attributes().get(MessageBody.ENCODING);
            if (encoding != null) {
                attributes.put(MessageBody.ENCODING, encoding);
            }
            attributes.put(REJECTED_REASON, why);
            deadLetters.send(m.body(), attributes);
        } catch (QueueException e) {
            log.warn("message {} could not be copied to the dead-letter queue: {}", m.messageId(), e.getMessage());
        }
    }

    private void delete(QueuedMessage m, Decision d) {
        try {
            queue.delete(m.receiptHandle());
            if (d.buildId() == null) {
                return;
            }
            store.write(tx -> {
                tx.build(d.buildId()).filter(b -> m.messageId().equals(b.messageId()))
                        .ifPresent(b -> tx.putBuild(b.withMessageDeleted()));
                return null;
            });
        } catch (QueueException e) {
            // Redelivered later and recognised again; nothing is built twice.
            log.warn("message {} ({}) could not be deleted yet: {}", m.messageId(), d.why(), e.getMessage());
        }
    }
}
