package io.cattlepi.ci.controller.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.intake.WebhookIntake;
import io.cattlepi.ci.intake.WebhookResponse;
import io.cattlepi.ci.untrusted.Printable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhook}, in front of the routes on Jetty's own asynchronous request API, so that
 * no sender can starve the UI, the API or {@code /healthz}: a body is read as its bytes arrive,
 * with no thread waiting for a slow sender; at most {@link WebhookLimits#maxInFlight} bodies, and
 * {@link WebhookLimits#maxBytesInFlight} bytes of them, are held at once (beyond that 503 with
 * {@code Retry-After}); each must be whole within {@link WebhookLimits#bodyDeadline} (else 408);
 * broken framing is 400. A whole body goes to core's {@link WebhookIntake}, which knows nothing of
 * servers.
 */
final class WebhookReceiver extends Handler.Wrapper {
    static final String PATH = "/webhook";
    private static final Logger log = LoggerFactory.getLogger(WebhookReceiver.class);
    /** How much over the limit is read and dropped before a 413 (see {@link #discardCap()}). */
    private static final int DISCARD_FACTOR = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookIntake intake;
    private final WebhookLimits limits;
    private final Semaphore slots;
    private final AtomicLong bytesHeld = new AtomicLong();

    WebhookReceiver(WebhookIntake intake, WebhookLimits limits) {
        this.intake = intake;
        this.limits = limits;
        this.slots = new Semaphore(limits.maxInFlight());
    }

    /**
     * How much of a body over the limit is read and dropped before answering 413: a client that sends
     * its whole body before reading (GitHub's does) then sees the answer instead of a reset connection.
     */
    private long discardCap() {
        return DISCARD_FACTOR * (long) intake.maxBody();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!PATH.equals(path) && !(PATH + "/").equals(path)) {
            return super.handle(request, response, callback);
        }
        if (!HttpMethod.POST.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            answer(response, callback, new WebhookResponse(405, "only POST is allowed here"), false);
            return true;
        }
        Map<String, String> headers = headers(request);
        long declared = request.getLength();
        if (declared > discardCap()) {
            answer(response, callback, intake.tooLarge(headers, declared), true);
            return true;
        }
        if (!slots.tryAcquire()) {
            busy(response, callback, headers, limits.maxInFlight() + " bodies being received already");
            return true;
        }
        // A declared body is held whole: its bytes are reserved before reading any.
        long reserve = declared >= 0 && declared <= intake.maxBody() ? declared : 0;
        if (!reserve(reserve)) {
            slots.release();
            busy(response, callback, headers, "the bodies being received hold too many bytes already");
            return true;
        }
        new BodyRead(request, response, callback, headers, declared, reserve).start();
        return true;
    }

    private void busy(Response response, Callback callback, Map<String, String> headers, String why) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(limits.retryAfter().toSeconds()));
        answer(response, callback, intake.busy(headers, why), true);
    }

    private boolean reserve(long n) {
        while (true) {
            long held = bytesHeld.get();
            if (n > 0 && held + n > limits.maxBytesInFlight()) {
                return false;
            }
            if (bytesHeld.compareAndSet(held, held + n)) {
                return true;
            }
        }
    }

    private static Map<String, String> headers(Request request) {
        Map<String, String> out = new HashMap<>();
        for (HttpField f : request.getHeaders()) {
            out.putIfAbsent(f.getName(), f.getValue());
        }
        return out;
    }

    /** Writes the answer; {@code close} when the rest of the body was not read (the connection cannot be reused). */
    private static void answer(Response response, Callback callback, WebhookResponse r, boolean close) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(Map.of("status", r.status(), "message", r.message()));
        } catch (java.io.IOException e) {
            body = ("{\"status\":" + r.status() + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        response.setStatus(r.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /**
     * One body being received: chunks are copied as Jetty has them and more is asked for with a
     * callback, never by blocking. Whoever ends it first (the last chunk, a failure, a cap, the
     * deadline) answers; the slot and the reserved bytes are given back once, when it ends.
     */
    private final class BodyRead implements Runnable {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final Map<String, String> headers;
        private final AtomicBoolean ended = new AtomicBoolean();
        /** The declared body, filled in place; null for a chunked one, kept as its pieces. */
        private final byte[] whole;
        private final List<byte[]> pieces = new ArrayList<>();
        private long reserved;
        /** Bytes received; past the limit they are counted and dropped, no longer kept. */
        private long received;
        private Scheduler.Task deadline;

        BodyRead(Request request, Response response, Callback callback, Map<String, String> headers, long declared,
                 long reserved) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.headers = headers;
            this.reserved = reserved;
            this.whole = declared >= 0 && declared <= intake.maxBody() ? new byte[(int) declared] : null;
        }

        void start() {
            deadline = request.getComponents().getScheduler().schedule(this::expire,
                    limits.bodyDeadline().toMillis(), TimeUnit.MILLISECONDS);
            run();
        }

        /** Reads what has arrived; asks to be called again when more does. */
        @Override
        public void run() {
            while (!ended.get()) {
                Content.Chunk chunk;
                try {
                    chunk = request.read();
                } catch (RuntimeException e) {
                    end(intake.badFraming(headers, describe(e)));
                    return;
                }
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    Throwable failure = chunk.getFailure();
                    end(failure instanceof TimeoutException
                            ? intake.timedOut(headers, received, limits.bodyDeadline())
                            : intake.badFraming(headers, describe(failure)));
                    return;
                }
                boolean kept = keep(chunk.getByteBuffer());
                boolean last = chunk.isLast();
                chunk.release();
                if (!kept) {
                    end(busyAnswer());
                    return;
                }
                if (received > discardCap()) {
                    end(intake.tooLarge(headers, received));
                    return;
                }
                if (last) {
                    if (received > intake.maxBody()) {
                        endRead(intake.tooLarge(headers, received));
                    } else {
                        complete();
                    }
                    return;
                }
            }
        }

        /** Copies the bytes while the body is within the limit; false when the byte cap refuses them. */
        private boolean keep(ByteBuffer bytes) {
            int n = bytes.remaining();
            long before = received;
            received += n;
            if (received > intake.maxBody()) {
                return true; // dropped: the answer will be 413
            }
            if (whole != null) {
                bytes.get(whole, (int) before, n);
                return true;
            }
            if (!reserve(n)) {
                return false;
            }
            reserved += n;
            byte[] copy = new byte[n];
            bytes.get(copy);
            pieces.add(copy);
            return true;
        }

        private byte[] body() {
            if (whole != null) {
                return whole;
            }
            byte[] out = new byte[(int) received];
            int at = 0;
            for (byte[] p : pieces) {
                System.arraycopy(p, 0, out, at, p.length);
                at += p.length;
            }
            pieces.clear();
            return out;
        }

        private WebhookResponse busyAnswer() {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(limits.retryAfter().toSeconds()));
            return intake.busy(headers, "the bodies being received hold too many bytes already");
        }

        private void expire() {
            end(intake.timedOut(headers, received, limits.bodyDeadline()));
        }

        /** The whole body arrived: intake decides (and may send to the queue, bounded by its own timeout). */
        private void complete() {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            deadline.cancel();
            WebhookResponse r;
            try {
                r = intake.handle(headers, body());
            } catch (RuntimeException e) {
                // The store failing under intake's audit: an outage of ours, not the sender's fault.
                log.error("webhook delivery could not be handled", e);
                r = new WebhookResponse(503, "the controller cannot take deliveries right now; redeliver later");
            } finally {
                giveBack();
            }
            answer(response, callback, r, false);
        }

        /** Ends the read early with {@code r}; the rest of the body is never read, so the connection closes. */
        private void end(WebhookResponse r) {
            finish(r, true);
        }

        /** The body was read to its end but refused: the connection stays usable. */
        private void endRead(WebhookResponse r) {
            finish(r, false);
        }

        private void finish(WebhookResponse r, boolean close) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            deadline.cancel();
            giveBack();
            answer(response, callback, r, close);
        }

        private void giveBack() {
            bytesHeld.addAndGet(-reserved);
            reserved = 0;
            slots.release();
        }
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return Printable.clipped(m == null || m.isBlank() ? t.getClass().getSimpleName() : m, 120);
    }
}
