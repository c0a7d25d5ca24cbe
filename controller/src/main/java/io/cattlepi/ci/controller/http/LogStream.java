package io.cattlepi.ci.controller.http;

import io.cattlepi.ci.store.Store;
import io.javalin.config.RoutesConfig;
import io.javalin.http.ServiceUnavailableResponse;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Follows a build's log over server-sent events: {@code log} events carry new text and the byte
 * offset reached (so a reconnecting page resumes where it stopped), {@code end} when the build is
 * over and everything was sent. The file is polled on a shared timer, never by a sleeping request
 * thread. Whole lines go out as they come; a line longer than one event goes out in pieces cut
 * between characters, and the last line is sent even without its newline once the build ended.
 * At most {@link #MAX_FOLLOWERS} streams are open at once (beyond that 503).
 */
final class LogStream {
    static final int CHUNK = 64 * 1024;
    /** Up to 512 KiB per follower per tick: a big log catches up fast, one follower cannot hog the timer. */
    static final int CHUNKS_PER_TICK = 8;
    static final int MAX_FOLLOWERS = 64;
    private static final String PATH = "/builds/{id}/log/stream";

    private final Store store;
    private final Operations ops;
    private final ScheduledExecutorService timer;
    private final AtomicInteger followers = new AtomicInteger();

    LogStream(Store store, Operations ops, ScheduledExecutorService timer) {
        this.store = store;
        this.ops = ops;
        this.timer = timer;
    }

    void register(RoutesConfig routes) {
        routes.before(PATH, ctx -> {
            if (followers.get() >= MAX_FOLLOWERS) {
                ctx.header("Retry-After", "10");
                throw new ServiceUnavailableResponse("too many live logs open (" + MAX_FOLLOWERS + "); retry later");
            }
        });
        routes.sse(PATH, this::follow);
    }

    private void follow(SseClient client) {
        String id = client.ctx().pathParam("id");
        long start = client.ctx().queryParamAsClass("offset", Long.class).getOrDefault(0L);
        AtomicLong offset = new AtomicLong(Math.max(0, start));
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        followers.incrementAndGet();
        AtomicInteger released = new AtomicInteger();
        Runnable leave = () -> {
            cancel(task);
            if (released.getAndIncrement() == 0) {
                followers.decrementAndGet();
            }
        };
        client.keepAlive();
        client.onClose(leave);
        Runnable poll = () -> {
            try {
                if (client.terminated()) {
                    leave.run();
                    return;
                }
                boolean over = store.read(tx -> tx.build(id)).map(b -> !b.state().isActive()).orElse(true);
                Optional<Path> log = ops.logOf(id);
                if (log.isPresent() && Files.exists(log.get())) {
                    boolean sent = false;
                    for (int i = 0; i < CHUNKS_PER_TICK; i++) {
                        String text = read(log.get(), offset, over);
                        if (text.isEmpty()) {
                            break;
                        }
                        client.sendEvent("log", Map.of("text", text, "offset", offset.get()));
                        sent = true;
                    }
                    if (sent) {
                        return; // more may be waiting; check again on the next tick
                    }
                }
                if (over) {
                    client.sendEvent("end", Map.of("offset", offset.get()));
                    leave.run();
                    client.close();
                }
            } catch (RuntimeException | IOException e) {
                leave.run();
                client.close();
            }
        };
        task.set(timer.scheduleWithFixedDelay(poll, 0, 500, TimeUnit.MILLISECONDS));
    }

    private static void cancel(AtomicReference<ScheduledFuture<?>> task) {
        ScheduledFuture<?> f = task.get();
        if (f != null) {
            f.cancel(false);
        }
    }

    /**
     * The next piece of the log from {@code offset}, advancing it: whole lines; a full chunk without
     * a newline cut at the last character boundary; once the build is {@code over}, whatever is left.
     */
    static String read(Path file, AtomicLong offset, boolean over) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long size = raf.length();
            if (offset.get() > size) {
                offset.set(0); // the log was restarted (build re-run)
            }
            long n = Math.min(CHUNK, size - offset.get());
            if (n <= 0) {
                return "";
            }
            byte[] buf = new byte[(int) n];
            raf.seek(offset.get());
            raf.readFully(buf);
            int end = buf.length;
            while (end > 0 && buf[end - 1] != '\n') {
                end--;
            }
            if (end == 0 && (n == CHUNK || over)) {
                // A line longer than a chunk, or the build's unterminated last line: send what there is,
                // never splitting a character (a UTF-8 continuation byte is 10xxxxxx).
                end = buf.length;
                if (n == CHUNK) {
                    end = characterBoundary(buf);
                }
            }
            if (end == 0) {
                return "";
            }
            offset.addAndGet(end);
            return new String(buf, 0, end, StandardCharsets.UTF_8);
        }
    }

    /** The largest length at most {@code buf.length} that ends between two UTF-8 characters. */
    private static int characterBoundary(byte[] buf) {
        int end = buf.length;
        int back = 0;
        while (end > 0 && back < 4 && (buf[end - 1] & 0xC0) == 0x80) {
            end--;
            back++;
        }
        if (end > 0 && (buf[end - 1] & 0x80) != 0) {
            int lead = buf[end - 1] & 0xFF;
            int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            if (back + 1 < need) {
                end--; // the lead byte's character is incomplete: leave it for the next event
            } else {
                end += back;
            }
        } else {
            end += back; // stray continuation bytes (not UTF-8 anyway): send them as they are
        }
        return end == 0 ? buf.length : end;
    }
}
