package io.cattlepi.ci.config;

import io.cattlepi.ci.secret.Secret;
import java.net.URI;

/**
 * The controller's HTTP server: UI, API, webhook, metrics.
 *
 * @param publicUrl     the UI's URL as browsers reach it, or null
 * @param operatorToken bearer token for operator actions, or null when they are off
 */
public record ServerSettings(String host, int port, URI publicUrl, Secret operatorToken) {
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
}
