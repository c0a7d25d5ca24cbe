package io.cattlepi.ci.report;

import io.cattlepi.ci.secret.Secret;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.kohsuke.github.GHCommitState;
import org.kohsuke.github.GHIOException;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.kohsuke.github.HttpException;
import org.kohsuke.github.connector.GitHubConnectorResponse;

/**
 * Posts commit statuses to GitHub (or GitHub Enterprise, or a stand-in) through {@code org.kohsuke:github-api}.
 * Every call ends within the configured timeout; failures become {@link ReportException}s that say whether
 * trying again can help. The library's own rate-limit waiting is switched off: retries and back-off belong
 * to the caller's bounded {@code Retry}, so a rate-limited GitHub never blocks the rack.
 */
public final class GitHubStatusPublisher implements StatusPublisher {
    /** The public GitHub API. */
    public static final URI DEFAULT_API = URI.create("https://api.github.com");

    // owner/name as GitHub allows them; "." and ".." alone are not names and would change the URL path.
    private static final Pattern REPOSITORY =
            Pattern.compile("(?!\\.{1,2}/)[A-Za-z0-9_.-]{1,100}/(?!\\.{1,2}$)[A-Za-z0-9_.-]{1,100}");
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    private final GitHub github;
    private final Secret token;
    private final Map<String, GHRepository> repositories = new ConcurrentHashMap<>();

    /**
     * @param apiUrl  API root, e.g. {@link #DEFAULT_API}; null means the default
     * @param login   the token's user, given so the library does not ask {@code GET /user}
     * @param token   personal access token with {@code repo:status}
     * @param timeout bound on each HTTP call (connect, request and body)
     */
    public GitHubStatusPublisher(GitHubSettings settings) {
        this(settings.apiUrl(), settings.user(), settings.token(), settings.timeout());
    }

    public GitHubStatusPublisher(URI apiUrl, String login, Secret token, Duration timeout) {
        Objects.requireNonNull(login, "login");
        this.token = Objects.requireNonNull(token, "token");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("GitHub timeout must be positive: " + timeout);
        }
        String endpoint = (apiUrl == null ? DEFAULT_API : apiUrl).toString().replaceAll("/+$", "");
        try {
            this.github = new GitHubBuilder()
                    .withEndpoint(endpoint)
                    .withOAuthToken(token.reveal(), login)
                    .withConnector(new DeadlineConnector(timeout))
                    .withRateLimitHandler(new FailWhenRateLimited())
                    .withAbuseLimitHandler(new FailWhenAbuseLimited())
                    .build();
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot set up the GitHub client for " + endpoint + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void post(String repository, String sha, CommitStatus status) throws ReportException {
        Objects.requireNonNull(status, "status");
        if (repository == null || !REPOSITORY.matcher(repository).matches()) {
            throw new ReportException("Invalid repository '" + repository + "': expected owner/name", false, null);
        }
        if (sha == null || !SHA.matcher(sha).matches()) {
            throw new ReportException("Invalid commit sha '" + sha + "' for " + repository, false, null);
        }
        GHCommitState state = GHCommitState.valueOf(status.state().name());
        String what = "status " + status.state().wireName() + " on " + repository + "@" + sha;
        try {
            repository(repository).createCommitStatus(sha, state, status.targetUrl(), status.description(), status.context());
        } catch (IOException e) {
            throw classify(what, e);
        }
    }

    private GHRepository repository(String fullName) throws IOException {
        GHRepository cached = repositories.get(fullName);
        if (cached != null) {
            return cached;
        }
        // Not computeIfAbsent: the lookup is network I/O and may throw; only successes are cached.
        GHRepository fetched = github.getRepository(fullName);
        repositories.putIfAbsent(fullName, fetched);
        return fetched;
    }

    /** 5xx, 429, rate limits and transport failures may pass; 401, 403 (no limit), 404, 422 will not. */
    private ReportException classify(String what, IOException e) {
        if (e instanceof RateLimited) {
            return new ReportException("GitHub rate limit reached posting " + what + " (HTTP " + ((RateLimited) e).status
                    + "); try again later", true, null);
        }
        if (e instanceof FileNotFoundException) {
            return new ReportException("GitHub answered 404 posting " + what
                    + ": the repository does not exist or the token cannot see it", false, null);
        }
        if (e instanceof HttpException http && http.getResponseCode() > 0) {
            int code = http.getResponseCode();
            boolean retryable = code >= 500 || code == 429 || code == 408;
            String hint = switch (code) {
                case 401 -> ": bad credentials (check gh_token)";
                case 403 -> ": the token may not write statuses to this repository";
                case 422 -> ": GitHub rejected the status (unknown sha or invalid field)";
                default -> "";
            };
            return new ReportException("GitHub answered HTTP " + code + " posting " + what + hint, retryable, null);
        }
        // No HTTP answer at all: refused, reset or timed out. The cause is kept for developers, token-free.
        return new ReportException("Could not reach GitHub posting " + what + ": " + redact(e.toString()), true, e);
    }

    private String redact(String text) {
        String secret = token.reveal();
        return secret.isEmpty() ? text : text.replace(secret, "****");
    }

    /** Thrown in place of the library's sleep-until-reset when GitHub says the rate limit is exhausted. */
    private static final class RateLimited extends GHIOException {
        private static final long serialVersionUID = 1L;
        final int status;

        RateLimited(GitHubConnectorResponse response) {
            super("rate limited");
            this.status = response.statusCode();
        }
    }

    private static final class FailWhenRateLimited extends GitHubRateLimitHandler {
        @Override
        public void onError(GitHubConnectorResponse response) throws IOException {
            throw new RateLimited(response);
        }
    }

    private static final class FailWhenAbuseLimited extends GitHubAbuseLimitHandler {
        @Override
        public void onError(GitHubConnectorResponse response) throws IOException {
            throw new RateLimited(response);
        }
    }
}
