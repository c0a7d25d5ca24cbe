package io.cattlepi.ci.controller.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.intake.WebhookIntake;
import io.cattlepi.ci.intake.WebhookResponse;
import io.cattlepi.ci.untrusted.Printable;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * with no thread waiting for a slow sender; at most {@link WebhookLimits#maxInFlight} bodies are
 * received at once (beyond that 503 with {@code Retry-After}, nothing read); each must be whole
 * within {@link WebhookLimits#bodyDeadline} (else 408); broken framing is 400. A whole body goes
 * to core's {@link WebhookIntake}, which knows nothing of servers.
 */
final class WebhookReceiver extends Handler.Wrapper {
    static final String PATH = "/webhook";
    private static final int DISCARD_FACTOR = 4;
    private static final Logger log = LoggerFactory.getLogger(WebhookReceiver.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookIntake intake;
    private final WebhookLimits limits;
    private final Semaphore slots;

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

    /** Bodies being received or handed to intake right now. */
    int inFlight() {
        return limits.maxInFlight() - slots.availablePermits();
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
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(limits.retryAfter().toSeconds()));
            answer(response, callback, intake.busy(headers, limits.maxInFlight()), true);
            return true;
        }
        new BodyRead(request, response, callback, headers, declared).start();
        return true;
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
     * callback, never by blocking. Whoever ends it first (the last chunk, a failure, the deadline)
     * answers; the slot is given back once, when the answer is on its way.
     */
    private final class BodyRead implements Runnable {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final Map<String, String> headers;
        private final ByteArrayOutputStream body;
        private final AtomicBoolean ended = new AtomicBoolean();
        private Scheduler.Task deadline;
        /** Bytes received; past the limit they are counted and dropped, no longer kept. */
        private long received;

        BodyRead(Request request, Response response, Callback callback, Map<String, String> headers, long declared) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.headers = headers;
            this.body = new ByteArrayOutputStream((int) Math.max(1024, Math.min(Math.min(declared, intake.maxBody()),
                    64 * 1024)));
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
                ByteBuffer bytes = chunk.getByteBuffer();
                int n = bytes.remaining();
                received += n;
                if (received <= intake.maxBody()) {
                    byte[] copy = new byte[n];
                    bytes.get(copy);
                    body.write(copy, 0, n);
                }
                boolean last = chunk.isLast();
                chunk.release();
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
                r = intake.handle(headers, body.toByteArray());
            } catch (RuntimeException e) {
                // The store failing under intake's audit: an outage of ours, not the sender's fault.
                log.error("webhook delivery could not be handled", e);
                r = new WebhookResponse(503, "the controller cannot take deliveries right now; redeliver later");
            } finally {
                slots.release();
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
            slots.release();
            answer(response, callback, r, close);
        }
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return Printable.clipped(m == null || m.isBlank() ? t.getClass().getSimpleName() : m, 120);
    }
}
