package io.cattlepi.ci.controller.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.store.Store;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The controller's one HTTP server: the UI pages, the JSON API, the live log stream, health and
 * metrics, plus routes other features add (the webhook receiver).
 */
public final class ControllerHttp implements AutoCloseable {
    /** What {@code /healthz} reports; {@code ok} false answers 503. */
    public record Health(boolean ok, Map<String, Object> checks) {
    }

    private final Javalin app;
    private final ScheduledExecutorService timer;

    private ControllerHttp(Javalin app, ScheduledExecutorService timer) {
        this.app = app;
        this.timer = timer;
    }

    /**
     * @param extraRoutes further routes (e.g. {@code POST /webhook}); may be a no-op
     */
    public static ControllerHttp start(String host, int port, Store store, Operations ops, String operatorToken,
                                       Supplier<Health> health, Supplier<String> metrics,
                                       Consumer<RoutesConfig> extraRoutes) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "log-stream");
            t.setDaemon(true);
            return t;
        });
        ObjectMapper mapper = new ObjectMapper();
        ApiRoutes api = new ApiRoutes(store, ops, new OperatorToken(operatorToken));
        Pages pages = new Pages(store, ops);
        LogStream logs = new LogStream(store, ops, timer);
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(mapper, false));
            api.register(cfg.routes);
            pages.register(cfg.routes);
            logs.register(cfg.routes);
            cfg.routes.get("/healthz", ctx -> {
                Health h = health.get();
                ctx.status(h.ok() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("ok", h.ok(), "checks", h.checks()));
            });
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.get()));
            // Operator actions on an unknown Pi or build, or in the wrong state: a clear 4xx, not a 500.
            cfg.routes.exception(IllegalArgumentException.class, (e, ctx) ->
                    ctx.status(HttpStatus.NOT_FOUND).json(Map.of("status", 404, "title", String.valueOf(e.getMessage()))));
            cfg.routes.exception(IllegalStateException.class, (e, ctx) ->
                    ctx.status(HttpStatus.CONFLICT).json(Map.of("status", 409, "title", String.valueOf(e.getMessage()))));
            extraRoutes.accept(cfg.routes);
        }).start(host, port);
        return new ControllerHttp(app, timer);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
        timer.shutdownNow();
    }
}
