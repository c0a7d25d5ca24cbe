package io.cattlepi.ci.boottest.run;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Images served by the controller's own HTTP server ({@code GET /boot-images/{token}/{name}}), read
 * only, each build under a random 128-bit token that exists only while its battery runs. The HTTP
 * layer asks {@link #find}; nothing here lists what is served.
 */
public final class ServedImages implements ImageShelf {
    /** The route's path prefix. */
    public static final String PATH = "/boot-images/";
    private static final Pattern TOKEN = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final URI base;
    private final Map<String, Map<String, Path>> byToken = new ConcurrentHashMap<>();

    /** @param base the controller's URL as the rack reaches it */
    public ServedImages(URI base) {
        String b = base.toString().replaceAll("/+$", "");
        this.base = URI.create(b);
    }

    @Override
    public Published publish(String buildId, Map<String, Path> staged) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Map<String, URI> urls = new LinkedHashMap<>();
        staged.forEach((name, file) -> urls.put(name, URI.create(base + PATH + token + "/" + name)));
        byToken.put(token, Map.copyOf(staged));
        return new Published(urls, token);
    }

    /** The file served at {@code /boot-images/{token}/{name}}, while its battery runs. */
    public Optional<Path> find(String token, String name) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        Path file = byToken.getOrDefault(token, Map.of()).get(name);
        return file != null && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Optional.of(file) : Optional.empty();
    }

    @Override
    public void withdraw(String buildId, String ref) {
        if (ref != null) {
            byToken.remove(ref);
        }
    }

    @Override
    public String describe() {
        return "served by the controller at " + base + PATH + "…";
    }

    /** For tests: how many batteries' images are served now. */
    int served() {
        return byToken.size();
    }
}
