package io.cattlepi.ci.cattlepi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.cattlepi.CattlePiApiException.Kind;
import io.cattlepi.ci.secret.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The CattlePi API over HTTP: {@code GET/POST/DELETE {endpoint}/boot/{device}/config} with {@code X-Api-Key}. */
public final class HttpCattlePiApi implements CattlePiApi {
    /** The API refuses larger bodies; checking first gives a clear error instead of a 413. */
    public static final int MAX_CONFIG_BYTES = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DEVICE = Pattern.compile("default|[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    private final URI endpoint;
    private final Secret apiKey;
    private final Duration timeout;
    private final HttpClient http;

    public HttpCattlePiApi(URI endpoint, Secret apiKey, Duration timeout) {
        String base = endpoint.toString();
        this.endpoint = URI.create(base.endsWith("/") ? base : base + "/");
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public DeviceConfig config(String device) throws CattlePiApiException {
        HttpResponse<byte[]> r = send(request(device).GET().build(), "reading the config of " + device);
        try {
            return DeviceConfig.parse(r.body());
        } catch (InvalidConfigException e) {
            throw new CattlePiApiException(Kind.BAD_BODY, "config of " + device + " from " + endpoint + ": "
                    + e.getMessage(), null);
        }
    }

    @Override
    public void putConfig(String device, DeviceConfig config) throws CattlePiApiException {
        byte[] body = config.toBytes();
        if (body.length > MAX_CONFIG_BYTES) {
            throw new CattlePiApiException(Kind.TOO_LARGE, "config of " + device + " is " + body.length
                    + " bytes; the CattlePi API stores at most " + MAX_CONFIG_BYTES, null);
        }
        send(request(device).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), "writing the config of " + device);
    }

    @Override
    public void deleteConfig(String device) throws CattlePiApiException {
        if (device.equals("default")) {
            throw new IllegalArgumentException("the default config is never deleted");
        }
        try {
            send(request(device).DELETE().build(), "deleting the config of " + device);
        } catch (CattlePiApiException e) {
            if (e.kind() != Kind.NOT_FOUND) {
                throw e;
            }
        }
    }

    @Override
    public List<TrackEvent> track(String device) throws CattlePiApiException {
        checkDevice(device);
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(endpoint.resolve("track/" + device)).timeout(timeout)
                .header("Accept", "application/json").header("X-Api-Key", apiKey.reveal()).GET().build(),
                "reading the track log of " + device);
        try {
            JsonNode list = JSON.readTree(r.body());
            List<TrackEvent> out = new ArrayList<>();
            for (JsonNode e : list) {
                out.add(new TrackEvent(Instant.parse(e.path("ts").asText()), e.path("info").asText("")));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new CattlePiApiException(Kind.BAD_BODY, "track log of " + device + " is not a list of {ts, info}", null);
        }
    }

    private static void checkDevice(String device) {
        if (!DEVICE.matcher(device).matches()) {
            throw new IllegalArgumentException("device id is not a lowercase MAC address or 'default'");
        }
    }

    private HttpRequest.Builder request(String device) {
        checkDevice(device);
        return HttpRequest.newBuilder(endpoint.resolve("boot/" + device + "/config"))
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("X-Api-Key", apiKey.reveal());
    }

    private HttpResponse<byte[]> send(HttpRequest request, String what) throws CattlePiApiException {
        HttpResponse<byte[]> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CattlePiApiException(Kind.UNAVAILABLE, what + ": " + endpoint + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CattlePiApiException(Kind.UNAVAILABLE, what + ": interrupted", e);
        }
        int s = r.statusCode();
        if (s >= 200 && s < 300) {
            return r;
        }
        Kind kind = switch (s) {
            case 400, 401 -> Kind.UNAUTHORIZED;
            case 403 -> Kind.FORBIDDEN;
            case 404 -> Kind.NOT_FOUND;
            case 413 -> Kind.TOO_LARGE;
            default -> s >= 500 || s == 408 || s == 429 ? Kind.UNAVAILABLE : Kind.BAD_BODY;
        };
        throw new CattlePiApiException(kind, what + ": " + endpoint + " answered HTTP " + s, null);
    }
}
