package io.cattlepi.ci.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The controller's HTTP API for the operator commands; every call bounded by a timeout. */
final class ApiClient {
    /** An answer the operator must see as is (wrong token, unknown Pi, controller down). */
    static final class ApiException extends Exception {
        ApiException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(URI base, String token) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        this.token = token;
    }

    JsonNode get(String path) throws ApiException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    JsonNode post(String path) throws ApiException {
        if (token == null || token.isBlank()) {
            throw new ApiException("this action needs the operator token: --token or CATTLEPI_CI_TOKEN");
        }
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** What went wrong in words: the JDK's connection errors often have no message at all. */
    static String reason(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused (is it running? systemctl status cattlepi-ci)";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within the timeout";
        }
        if (e instanceof java.net.UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(HttpRequest.Builder request) throws ApiException {
        HttpResponse<String> r;
        try {
            r = http.send(request.timeout(Duration.ofSeconds(30)).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ApiException("controller not reachable at " + base + ": " + reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted");
        }
        JsonNode body;
        try {
            body = r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            body = JSON.getNodeFactory().textNode(r.body());
        }
        if (r.statusCode() >= 300) {
            String message = body.path("title").asText(body.path("message").asText(body.isTextual() ? body.asText() : ""));
            throw new ApiException("HTTP " + r.statusCode() + (message.isBlank() ? "" : ": " + message));
        }
        return body;
    }
}
