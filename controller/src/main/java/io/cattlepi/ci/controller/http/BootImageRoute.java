package io.cattlepi.ci.controller.http;

import io.cattlepi.ci.boottest.run.ServedImages;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code GET /boot-images/{token}/{name}}: a build's boot images for its Pi while its battery runs.
 * Read only; the token is the only way in, nothing is listed, and an unknown one is a plain 404.
 */
public final class BootImageRoute {
    private BootImageRoute() {
    }

    public static void register(RoutesConfig routes, ServedImages images) {
        routes.get(ServedImages.PATH + "{token}/{name}", ctx -> serve(ctx, images, true));
        routes.head(ServedImages.PATH + "{token}/{name}", ctx -> serve(ctx, images, false));
    }

    private static void serve(Context ctx, ServedImages images, boolean body) throws IOException {
        Optional<Path> file = images.find(ctx.pathParam("token"), ctx.pathParam("name"));
        if (file.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).result("not found");
            return;
        }
        ctx.contentType("application/octet-stream");
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Length", Long.toString(Files.size(file.get())));
        if (body) {
            ctx.result(Files.newInputStream(file.get()));
        }
    }
}
