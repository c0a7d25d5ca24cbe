package io.cattlepi.ci.build.run;

import io.cattlepi.ci.fleet.hostkey.HostKeyMode;
import io.cattlepi.ci.secret.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How builds run.
 *
 * @param steps          argument lists run in order (the seed: make test_noop, make raspbian_cattlepi)
 * @param jobTimeout     for all steps together (the seed's 2700 s)
 * @param checkoutWindow how long a commit may take to become fetchable (600 s)
 * @param checkoutEvery  pause between checkout attempts (10 s)
 * @param gitTimeout     bound on one git command
 * @param killGrace      between TERM and KILL of a timed-out tree
 * @param piKey          the Pis' private key, the only secret a build gets
 * @param sshUser        user on the Pis
 * @param workRoot       where per-build checkouts and homes live (deleted after each build)
 * @param masked         secrets that must never appear in a log (masked if they do)
 * @param autobuildSteps the weekly release build's commands (the Pi back on stock between them)
 * @param autobuildTimeout for all autobuild steps together (the seed's 10800 s)
 * @param checks         how a step's success is judged and how the build's SSH checks host keys
 */
public record RecipeSettings(List<List<String>> steps, Duration jobTimeout, Duration checkoutWindow,
                             Duration checkoutEvery, Duration gitTimeout, Duration killGrace, Secret piKey,
                             String sshUser, Path workRoot, List<Secret> masked, List<List<String>> autobuildSteps,
                             Duration autobuildTimeout, Checks checks) {
    /**
     * @param rules          result rules by repository ({@code owner/name}, or {@code *} for the others)
     * @param hostKeys       the rack's host-key policy, applied to the build's own SSH too
     * @param hostKeyWatch   how often the build's Pi is looked at for a new boot (and key)
     * @param maxLineBytes   longer output lines are cut in the log
     * @param passthrough    variables passed from the controller's environment to builds (proxies, mirrors)
     */
    public record Checks(Map<String, ResultRules> rules, HostKeyMode hostKeys, Duration hostKeyWatch, int maxLineBytes,
                         List<String> passthrough) {
        public static final Duration DEFAULT_HOST_KEY_WATCH = Duration.ofSeconds(2);
        public static final String ANY_REPOSITORY = "*";

        public Checks {
            rules = Map.copyOf(rules);
            passthrough = List.copyOf(passthrough);
        }

        public static Checks defaults(HostKeyMode hostKeys) {
            return new Checks(Map.of(), hostKeys, DEFAULT_HOST_KEY_WATCH, StepRunner.DEFAULT_MAX_LINE_BYTES, List.of());
        }

        /** The rules for a repository's builds: its own, else the operator's for all, else the defaults. */
        public ResultRules rulesFor(String repository) {
            ResultRules own = repository == null ? null : rules.get(repository.toLowerCase(java.util.Locale.ROOT));
            return own != null ? own : rules.getOrDefault(ANY_REPOSITORY, ResultRules.defaults());
        }
    }

    /** The seed's recipe. */
    public static final List<List<String>> DEFAULT_STEPS = List.of(List.of("make", "test_noop"),
            List.of("make", "raspbian_cattlepi"));
    /** The seed's release build: the publish script for both recipes, the Pi back on stock between them. */
    public static final List<List<String>> DEFAULT_AUTOBUILD_STEPS = List.of(
            List.of("tools/autobuild/build_and_publish.sh", "raspbian_cattlepi"),
            List.of("tools/autobuild/build_and_publish.sh", "raspbian_stock"));
    public static final Duration DEFAULT_JOB_TIMEOUT = Duration.ofSeconds(2700);
    public static final Duration DEFAULT_AUTOBUILD_TIMEOUT = Duration.ofSeconds(10800);
    public static final Duration DEFAULT_CHECKOUT_WINDOW = Duration.ofSeconds(600);
    public static final Duration DEFAULT_CHECKOUT_EVERY = Duration.ofSeconds(10);
    public static final Duration GIT_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration KILL_GRACE = Duration.ofSeconds(10);
    public RecipeSettings {
        if (steps == null || steps.isEmpty() || steps.stream().anyMatch(s -> s == null || s.isEmpty())) {
            throw new IllegalArgumentException("build steps must be non-empty argument lists");
        }
        steps = steps.stream().map(List::copyOf).toList();
        Objects.requireNonNull(piKey, "piKey");
        Objects.requireNonNull(workRoot, "workRoot");
        masked = masked == null ? List.of() : List.copyOf(masked);
        sshUser = sshUser == null ? "pi" : sshUser;
        autobuildSteps = autobuildSteps == null || autobuildSteps.isEmpty() ? steps
                : autobuildSteps.stream().map(List::copyOf).toList();
        autobuildTimeout = autobuildTimeout == null ? jobTimeout : autobuildTimeout;
        checks = checks == null ? Checks.defaults(HostKeyMode.PER_BOOT) : checks;
    }
}
