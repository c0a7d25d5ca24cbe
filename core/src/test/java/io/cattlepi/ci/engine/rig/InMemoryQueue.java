package io.cattlepi.ci.engine.rig;

import io.cattlepi.ci.intake.QueueException;
import io.cattlepi.ci.intake.QueuedMessage;
import io.cattlepi.ci.intake.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SQS's rules in memory, for engine tests that must run in milliseconds: a received message is
 * hidden until deleted or until {@link #expireVisibility()} (what a dead consumer's messages do),
 * each receive gets a new receipt handle, and only the latest handle deletes.
 */
public final class InMemoryQueue implements WorkQueue {
    private record Message(String id, String body, Map<String, String> attributes, int receives, String handle,
                           boolean hidden) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Map<String, Message> messages = new LinkedHashMap<>();
    private final List<String> deleted = new ArrayList<>();
    private final Ledger ledger;

    public InMemoryQueue(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public List<QueuedMessage> receive(int max, Duration wait, Duration visibility) throws QueueException {
        lock.lock();
        try {
            long left = wait.toNanos();
            while (visible().isEmpty() && left > 0) {
                left = arrived.awaitNanos(left);
            }
            List<QueuedMessage> out = new ArrayList<>();
            for (Message m : visible()) {
                if (out.size() == max) {
                    break;
                }
                Message given = new Message(m.id(), m.body(), m.attributes(), m.receives() + 1,
                        UUID.randomUUID().toString(), true);
                messages.put(m.id(), given);
                out.add(new QueuedMessage(given.id(), given.handle(), given.body(), given.attributes(), given.receives()));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } finally {
            lock.unlock();
        }
    }

    private List<Message> visible() {
        return messages.values().stream().filter(m -> !m.hidden()).toList();
    }

    @Override
    public void extendVisibility(String receiptHandle, Duration timeout) throws QueueException {
        lock.lock();
        try {
            if (byHandle(receiptHandle) == null) {
                throw new QueueException("no message with that receipt handle", true, null);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void delete(String receiptHandle) throws QueueException {
        lock.lock();
        try {
            Message m = byHandle(receiptHandle);
            if (m == null) {
                throw new QueueException("stale receipt handle", true, null);
            }
            messages.remove(m.id());
            deleted.add(m.id());
            ledger.record("delete " + m.id());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String send(String body, Map<String, String> attributes) {
        return sendTogether(List.of(body), attributes).get(0);
    }

    /** Several messages that become visible at once: the next receive can take them in one batch. */
    public List<String> sendTogether(List<String> bodies, Map<String, String> attributes) {
        lock.lock();
        try {
            List<String> ids = new ArrayList<>();
            for (String body : bodies) {
                String id = UUID.randomUUID().toString();
                messages.put(id, new Message(id, body, Map.copyOf(attributes), 0, null, false));
                ids.add(id);
            }
            arrived.signalAll();
            return ids;
        } finally {
            lock.unlock();
        }
    }

    /** What a dead consumer's receives do after the visibility timeout: every hidden message shows again. */
    public void expireVisibility() {
        lock.lock();
        try {
            messages.replaceAll((id, m) -> new Message(m.id(), m.body(), m.attributes(), m.receives(), m.handle(), false));
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public List<String> deleted() {
        lock.lock();
        try {
            return List.copyOf(deleted);
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return messages.size();
        } finally {
            lock.unlock();
        }
    }

    private Message byHandle(String handle) {
        return messages.values().stream().filter(m -> handle.equals(m.handle())).findFirst().orElse(null);
    }
}
