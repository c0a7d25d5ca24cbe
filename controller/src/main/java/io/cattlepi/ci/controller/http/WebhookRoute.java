package io.cattlepi.ci.controller.http;

import io.cattlepi.ci.intake.WebhookIntake;
import io.cattlepi.ci.intake.WebhookResponse;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/** {@code POST /webhook}: GitHub's deliveries, handed to core's {@link WebhookIntake} as raw bytes. */
public final class WebhookRoute {
    public static final String PATH = "/webhook";

    private WebhookRoute() {
    }

    public static void register(RoutesConfig routes, WebhookIntake intake) {
        routes.post(PATH, ctx -> answer(ctx, receive(ctx, intake)));
    }

    private static WebhookResponse receive(Context ctx, WebhookIntake intake) throws IOException {
        Map<String, String> headers = new HashMap<>(ctx.headerMap());
        long declared = ctx.contentLength();
        if (declared > intake.maxBody()) {
            return intake.tooLarge(headers, declared);
        }
        // Read at most one byte past the limit ourselves, so a body without a length is bounded too.
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes(intake.maxBody() + 1);
        }
        return body.length > intake.maxBody() ? intake.tooLarge(headers, body.length) : intake.handle(headers, body);
    }

    private static void answer(Context ctx, WebhookResponse r) {
        ctx.status(r.status()).json(Map.of("status", r.status(), "message", r.message()));
    }
}
