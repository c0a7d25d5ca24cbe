package io.cattlepi.ci.controller.http;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.store.Store;
import io.javalin.config.RoutesConfig;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Follows a build's log over server-sent events: {@code log} events carry new text and the byte
 * offset reached (so a reconnecting page resumes where it stopped), {@code end} when the build is
 * over. The file is polled on a shared timer, never by a sleeping request thread.
 */
final class LogStream {
    private static final int CHUNK = 64 * 1024;

    private final Store store;
    private final Operations ops;
    private final ScheduledExecutorService timer;

    LogStream(Store store, Operations ops, ScheduledExecutorService timer) {
        this.store = store;
        this.ops = ops;
        this.timer = timer;
    }

    void register(RoutesConfig routes) {
        routes.sse("/builds/{id}/log/stream", this::follow);
    }

    private void follow(SseClient client) {
        String id = client.ctx().pathParam("id");
        long start = client.ctx().queryParamAsClass("offset", Long.class).getOrDefault(0L);
        AtomicLong offset = new AtomicLong(Math.max(0, start));
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        client.keepAlive();
        Runnable poll = () -> {
            try {
                if (client.terminated()) {
                    cancel(task);
                    return;
                }
                Optional<Path> log = ops.logOf(id);
                if (log.isPresent() && Files.exists(log.get())) {
                    String text = read(log.get(), offset);
                    if (!text.isEmpty()) {
                        client.sendEvent("log", Map.of("text", text, "offset", offset.get()));
                        return; // more may be waiting; check again on the next tick
                    }
                }
                Optional<Build> b = store.read(tx -> tx.build(id));
                if (b.isEmpty() || !b.get().state().isActive()) {
                    client.sendEvent("end", Map.of("offset", offset.get()));
                    cancel(task);
                    client.close();
                }
            } catch (RuntimeException | IOException e) {
                cancel(task);
                client.close();
            }
        };
        task.set(timer.scheduleWithFixedDelay(poll, 0, 500, TimeUnit.MILLISECONDS));
        client.onClose(() -> cancel(task));
    }

    private static void cancel(AtomicReference<ScheduledFuture<?>> task) {
        ScheduledFuture<?> f = task.get();
        if (f != null) {
            f.cancel(false);
        }
    }

    private static String read(Path file, AtomicLong offset) throws IOException {
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
            // Only whole lines, so a multi-byte character is never split between events.
            int end = buf.length;
            while (end > 0 && buf[end - 1] != '\n') {
                end--;
            }
            if (end == 0) {
                return "";
            }
            offset.addAndGet(end);
            return new String(buf, 0, end, StandardCharsets.UTF_8);
        }
    }
}
