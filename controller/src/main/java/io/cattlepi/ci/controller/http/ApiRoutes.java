package io.cattlepi.ci.controller.http;

import io.cattlepi.ci.boottest.BatteryReport;
import io.cattlepi.ci.boottest.BootTestRecord;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.fleet.DrainMarks;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import io.javalin.config.RoutesConfig;
import io.javalin.http.ConflictResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The JSON API: read the rack and the builds; operator actions behind the operator token. */
final class ApiRoutes {
    private final Store store;
    private final Operations ops;
    private final OperatorToken token;

    ApiRoutes(Store store, Operations ops, OperatorToken token) {
        this.store = store;
        this.ops = ops;
        this.token = token;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/workers", ctx -> ctx.json(store.read(tx -> {
            Map<String, String> draining = DrainMarks.all(tx);
            return tx.workers().stream().map(w -> worker(w, draining.get(w.id()))).toList();
        })));
        routes.get("/api/workers/{id}", ctx -> {
            String id = ctx.pathParam("id");
            Worker w = store.read(tx -> tx.worker(id)).orElseThrow(() -> new NotFoundResponse("no Pi named " + id));
            Map<String, Object> body = worker(w, store.read(tx -> DrainMarks.of(tx, id)).orElse(null));
            body.put("history", store.read(tx -> tx.events(Event.WORKER, id, 50)).stream().map(ApiRoutes::event).toList());
            ctx.json(body);
        });
        routes.get("/api/builds", ctx -> {
            int limit = Math.min(500, ctx.queryParamAsClass("limit", Integer.class).getOrDefault(100));
            ctx.json(store.read(tx -> tx.recentBuilds(limit)).stream().map(ApiRoutes::build).toList());
        });
        routes.get("/api/builds/{id}", ctx -> {
            Build b = build(ctx);
            Map<String, Object> body = build(b);
            body.put("history", store.read(tx -> tx.events(Event.BUILD, b.id(), 50)).stream().map(ApiRoutes::event).toList());
            ops.publishedIndex(b.id()).ifPresent(url -> body.put("logsUrl", url));
            store.read(tx -> tx.bootTest(b.id())).ifPresent(t -> body.put("bootTest", BootTestView.json(t, report(b))));
            ctx.json(body);
        });
        routes.get("/api/builds/{id}/boot-test", ctx -> {
            Build b = build(ctx);
            BootTestRecord t = store.read(tx -> tx.bootTest(b.id()))
                    .orElseThrow(() -> new NotFoundResponse("build " + b.id() + " has no boot test"));
            Map<String, Object> body = BootTestView.json(t, report(b));
            body.put("html", BootTestView.body(t, report(b)));
            ctx.json(body);
        });
        routes.get("/api/builds/{id}/log", ctx -> {
            Build b = build(ctx);
            Optional<Path> log = ops.logOf(b.id());
            if (log.isEmpty() || !Files.exists(log.get())) {
                throw new NotFoundResponse("build " + b.id() + " has no log on this controller");
            }
            ctx.contentType("text/plain; charset=utf-8");
            ctx.result(Files.newInputStream(log.get()));
        });
        routes.post("/api/workers/{id}/drain", ctx -> {
            token.check(ctx);
            String reason = Optional.ofNullable(ctx.queryParam("reason")).orElse("no reason given");
            Worker w = ops.drain(ctx.pathParam("id"), reason);
            ctx.json(worker(w, store.read(tx -> DrainMarks.of(tx, w.id())).orElse(null)));
        });
        routes.post("/api/workers/{id}/retire", ctx -> {
            token.check(ctx);
            String reason = Optional.ofNullable(ctx.queryParam("reason")).orElse("no reason given");
            ctx.json(worker(ops.retire(ctx.pathParam("id"), reason)));
        });
        routes.post("/api/workers/{id}/undrain", ctx -> {
            token.check(ctx);
            ctx.json(worker(ops.undrain(ctx.pathParam("id"))));
        });
        routes.post("/api/workers/{id}/power-cycle", ctx -> {
            token.check(ctx);
            String reason = Optional.ofNullable(ctx.queryParam("reason")).orElse("no reason given");
            ctx.status(202).json(worker(ops.powerCycle(ctx.pathParam("id"), reason)));
        });
        routes.post("/api/builds/{id}/retry", ctx -> {
            token.check(ctx);
            ctx.status(201).json(build(ops.retry(build(ctx).id())));
        });
        routes.post("/api/builds/{id}/cancel", ctx -> {
            token.check(ctx);
            Build b = build(ctx);
            String outcome = ops.cancel(b.id(), ctx.queryParam("by"), ctx.queryParam("reason"));
            if ("already-over".equals(outcome)) {
                throw new ConflictResponse("build " + b.id() + " is already " + b.state().wireName() + ": nothing to cancel");
            }
            Map<String, Object> body = build(build(ctx));
            body.put("cancel", outcome);
            ctx.status(202).json(body);
        });
        routes.post("/api/workers-config/approve", ctx -> {
            token.check(ctx);
            ctx.json(Map.of("approved", ops.approveWorkersConfig()));
        });
        routes.post("/api/autobuild", ctx -> {
            token.check(ctx);
            ctx.status(201).json(build(ops.autobuildNow()));
        });
    }

    private Optional<BatteryReport> report(Build b) {
        return ops.logOf(b.id()).flatMap(log -> BatteryReport.read(log.getParent()));
    }

    private Build build(Context ctx) {
        String id = ctx.pathParam("id");
        return store.read(tx -> tx.build(id)).orElseThrow(() -> new NotFoundResponse("no build " + id));
    }

    private Map<String, Object> worker(Worker w) {
        return worker(w, null);
    }

    /** @param draining the reason of a drain that waits for the Pi's build to end, or null */
    private Map<String, Object> worker(Worker w, String draining) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", w.id());
        m.put("labels", new java.util.TreeSet<>(ops.labelsOf(w.id())));
        m.put("host", w.host());
        m.put("port", w.port());
        m.put("mac", w.mac());
        m.put("state", w.state().wireName());
        m.put("since", w.stateSince().toString());
        m.put("reason", w.reason());
        m.put("draining", draining);
        m.put("build", w.buildId());
        m.put("hostKey", w.hostKey());
        m.put("resets", w.health().resets());
        m.put("failedResets", w.health().failedResets());
        m.put("consecutiveFailures", w.health().consecutiveFailures());
        m.put("lastTimeToReadyMs", w.health().lastTimeToReadyMillis());
        m.put("powerControlled", ops.powerControlled(w.id()));
        return m;
    }

    static Map<String, Object> build(Build b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id());
        m.put("repository", b.repository());
        m.put("sha", b.sha());
        m.put("ref", b.ref());
        m.put("pr", b.prNumber());
        m.put("event", b.event());
        m.put("state", b.state().wireName());
        m.put("result", b.result() == null ? null : b.result().wireName());
        m.put("description", b.description());
        m.put("worker", b.workerId());
        m.put("createdAt", b.createdAt().toString());
        m.put("startedAt", b.startedAt() == null ? null : b.startedAt().toString());
        m.put("finishedAt", b.finishedAt() == null ? null : b.finishedAt().toString());
        m.put("attempts", b.attempts());
        m.put("deliveryId", b.deliveryId());
        return m;
    }

    static Map<String, Object> event(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", e.at().toString());
        m.put("kind", e.kind());
        m.put("detail", e.detail());
        return m;
    }

}
