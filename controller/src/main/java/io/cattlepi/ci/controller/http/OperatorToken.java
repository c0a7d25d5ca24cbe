package io.cattlepi.ci.controller.http;

import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Guards operator actions (drain, retry, autobuild): {@code Authorization: Bearer <token>} must
 * match the configured token. With no token configured, operator actions are refused.
 */
final class OperatorToken {
    private final byte[] expected;

    OperatorToken(String token) {
        this.expected = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    void check(Context ctx) {
        if (expected == null) {
            throw new UnauthorizedResponse("operator actions are disabled: no operator_token in the config");
        }
        String header = ctx.header("Authorization");
        String presented = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : "";
        if (!MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))) {
            throw new UnauthorizedResponse("missing or wrong operator token");
        }
    }
}
