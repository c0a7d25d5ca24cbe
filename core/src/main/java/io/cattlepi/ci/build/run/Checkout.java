package io.cattlepi.ci.build.run;

import io.cattlepi.ci.retry.Backoff;
import io.cattlepi.ci.retry.Retry;
import io.cattlepi.ci.retry.Sleeper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Puts a commit into a fresh directory, as the seed did but without a shell: {@code git init},
 * fetch branches and pull-request heads and merges, {@code checkout --detach <sha>}. A just
 * pushed commit can take a while to become fetchable, so attempts repeat every
 * {@code every} within {@code window}. Every value reaches git as one argument; the sha is
 * validated upstream and the URL comes from config.
 */
public final class Checkout {
    private static final List<String> REFSPECS = List.of(
            "+refs/heads/*:refs/remotes/origin/*",
            "+refs/pull/*/head:refs/remotes/pull/*/head",
            "+refs/pull/*/merge:refs/remotes/pull/*/merge");

    private final StepRunner runner;
    private final Duration window;
    private final Duration every;
    private final Duration gitTimeout;
    private final Clock clock;
    private final Sleeper sleeper;

    public Checkout(StepRunner runner, Duration window, Duration every, Duration gitTimeout, Clock clock, Sleeper sleeper) {
        this.runner = runner;
        this.window = window;
        this.every = every;
        this.gitTimeout = gitTimeout;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * @param inCell turns a git command line into one that runs where the build's steps run
     *               (its sandbox), in {@code dir}
     */
    public void run(String cloneUrl, String sha, Path dir, Map<String, String> env, BuildLog log,
                    BooleanSupplier cancelled, UnaryOperator<List<String>> inCell)
            throws CheckoutException, InterruptedException {
        Retry retry = Retry.of(Backoff.fixed(every), Integer.MAX_VALUE, clock, sleeper).within(window)
                .retryingOn(e -> e instanceof CheckoutException && !cancelled.getAsBoolean())
                .onFailure((attempt, e, next) -> log.note("checkout attempt " + attempt + " failed (" + e.getMessage()
                        + "); next in " + next.toSeconds() + " s"));
        try {
            retry.run(() -> {
                attempt(cloneUrl, sha, dir, env, log, cancelled, inCell);
                return null;
            });
        } catch (CheckoutException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new CheckoutException("checkout failed: " + e.getMessage(), e);
        }
    }

    private void attempt(String cloneUrl, String sha, Path dir, Map<String, String> env, BuildLog log,
                         BooleanSupplier cancelled, UnaryOperator<List<String>> inCell)
            throws CheckoutException, IOException, InterruptedException {
        if (!Files.isDirectory(dir.resolve(".git"))) {
            Files.createDirectories(dir);
            git(dir, env, log, cancelled, inCell, "init", "--quiet");
        }
        List<String> fetch = new ArrayList<>(List.of("fetch", "--no-tags", "--quiet", "--", cloneUrl));
        fetch.addAll(REFSPECS);
        git(dir, env, log, cancelled, inCell, fetch.toArray(String[]::new));
        git(dir, env, log, cancelled, inCell, "checkout", "--quiet", "--force", "--detach", sha);
        log.note("checked out " + sha);
    }

    private void git(Path dir, Map<String, String> env, BuildLog log, BooleanSupplier cancelled,
                     UnaryOperator<List<String>> inCell, String... args)
            throws CheckoutException, IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add("git");
        argv.addAll(List.of(args));
        FirstWords said = new FirstWords();
        StepResult r = runner.run(inCell.apply(argv), dir, env, gitTimeout, log.and(said), "git", cancelled);
        if (!r.ok()) {
            throw new CheckoutException("git " + args[0] + (r.timedOut() ? " timed out"
                    : r.cancelled() ? " cancelled" : " exited with " + r.exitCode() + said.suffix()), null);
        }
    }

    /** The first line git wrote about the failure ("fatal: ..."), for the status and the log, not only the build log. */
    private static final class FirstWords implements StepOutput {
        private static final int MAX = 200;
        private volatile String first;

        @Override
        public void line(String source, String text) {
            String t = text.strip();
            if (first == null && !t.isEmpty()) {
                first = t;
            } else if (t.startsWith("fatal:") && (first == null || !first.startsWith("fatal:"))) {
                first = t;
            }
        }

        String suffix() {
            String f = first;
            if (f == null) {
                return "";
            }
            f = f.replaceAll("\\p{Cntrl}", "?");
            return ": " + (f.length() > MAX ? f.substring(0, MAX) + "..." : f);
        }
    }
}
