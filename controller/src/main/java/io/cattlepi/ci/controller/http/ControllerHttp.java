package io.cattlepi.ci.controller.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.intake.WebhookIntake;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.untrusted.Printable;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.json.JavalinJackson;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's one HTTP server: the UI pages, the JSON API, the live log stream, health and
 * metrics, and, when a webhook intake is given, {@code POST /webhook} in front of them all. Errors
 * are JSON ({@code status}, {@code title}); a wrong method is 405 with {@code Allow}; an unexpected
 * failure is a 500 that says nothing of the cause, which goes to the log.
 */
public final class ControllerHttp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControllerHttp.class);

    /** What {@code /healthz} reports; {@code ok} false answers 503. */
    public record Health(boolean ok, Map<String, Object> checks) {
    }

    private final Javalin app;
    private final ScheduledExecutorService timer;

    private ControllerHttp(Javalin app, ScheduledExecutorService timer) {
        this.app = app;
        this.timer = timer;
    }

    /** The server with {@code POST /webhook} under the default limits, or without it when {@code webhook} is null. */
    public static ControllerHttp start(String host, int port, Store store, Operations ops, String operatorToken,
                                       Supplier<Health> health, Supplier<String> metrics, WebhookIntake webhook) {
        return start(host, port, store, ops, operatorToken, health, metrics, webhook, WebhookLimits.DEFAULTS);
    }

    public static ControllerHttp start(String host, int port, Store store, Operations ops, String operatorToken,
                                       Supplier<Health> health, Supplier<String> metrics, WebhookIntake webhook,
                                       WebhookLimits limits) {
        return start(host, port, store, ops, operatorToken, health, metrics, webhook, limits, routes -> {
        });
    }

    /**
     * @param webhook     the intake behind {@code POST /webhook}, or null for none
     * @param extraRoutes further routes (the boot images); may be a no-op
     */
    public static ControllerHttp start(String host, int port, Store store, Operations ops, String operatorToken,
                                       Supplier<Health> health, Supplier<String> metrics, WebhookIntake webhook,
                                       WebhookLimits limits, Consumer<RoutesConfig> extraRoutes) {
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
            cfg.http.prefer405over404 = true;
            cfg.jsonMapper(new JavalinJackson(mapper, false));
            cfg.jetty.modifyServer(server -> {
                server.setErrorHandler(new ProtocolErrors());
                if (webhook != null) {
                    server.insertHandler(new WebhookReceiver(webhook, limits));
                }
            });
            api.register(cfg.routes);
            pages.register(cfg.routes);
            logs.register(cfg.routes);
            extraRoutes.accept(cfg.routes);
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
            // Always JSON: Javalin's own answer puts the message (which may quote the path) into HTML unescaped.
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> {
                String title = String.valueOf(e.getMessage());
                if (e instanceof MethodNotAllowedResponse m) {
                    String allowed = String.join(", ", allowed(m));
                    ctx.header("Allow", allowed);
                    title = ctx.method() + " is not allowed here; allowed: " + allowed;
                }
                ctx.status(e.getStatus()).json(Map.of("status", e.getStatus(), "title", title));
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.error("{} {} failed", ctx.method(), Printable.clipped(ctx.path(), 200), e);
                ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(Map.of("status", 500,
                        "title", "internal error; the controller's log has the details"));
            });
        }).start(host, port);
        return new ControllerHttp(app, timer);
    }

    /** Javalin lists the methods a path has; HEAD goes wherever GET does. */
    private static Set<String> allowed(MethodNotAllowedResponse e) {
        Set<String> out = new LinkedHashSet<>();
        for (String details : e.getDetails().values()) {
            for (String m : details.split(",\\s*")) {
                if (!m.isBlank()) {
                    out.add(m.trim());
                }
            }
        }
        if (out.contains(HandlerType.GET.name())) {
            out.add(HandlerType.HEAD.name());
        }
        return out;
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
