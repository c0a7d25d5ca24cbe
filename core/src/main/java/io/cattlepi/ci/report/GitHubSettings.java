package io.cattlepi.ci.report;

import io.cattlepi.ci.secret.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where commit statuses go.
 *
 * @param apiUrl  the API root, null for {@link GitHubStatusPublisher#DEFAULT_API}
 * @param user    the token's user (the seed's {@code gh_user})
 * @param token   a token with {@code repo:status} (the seed's {@code gh_token})
 * @param timeout bound on each HTTP call
 */
public record GitHubSettings(URI apiUrl, String user, Secret token, Duration timeout) {
    public GitHubSettings {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(token, "token");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("GitHub timeout must be positive: " + timeout);
        }
    }
}
