package io.cattlepi.ci.retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Runs an action until it succeeds, a non-retryable error is thrown, the attempt limit is reached
 * or the time window closes. Every retry loop in the controller goes through here, so each one is
 * bounded and backs off.
 */
public final class Retry {
    /** An action that may fail with any exception. */
    @FunctionalInterface
    public interface Action<T> {
        T run() throws Exception;
    }

    /** Told about each failed attempt, e.g. to log it. */
    @FunctionalInterface
    public interface Listener {
        void failed(int attempt, Exception error, Duration nextDelay);
    }

    private final Backoff backoff;
    private final int maxAttempts;
    private final Duration window;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Predicate<Exception> retryable;
    private final Listener listener;

    private Retry(Backoff backoff, int maxAttempts, Duration window, Clock clock, Sleeper sleeper,
                  Predicate<Exception> retryable, Listener listener) {
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.window = window;
        this.clock = clock;
        this.sleeper = sleeper;
        this.retryable = retryable;
        this.listener = listener;
    }

    /** At most {@code maxAttempts} attempts (>= 1), with the given back-off between them. */
    public static Retry of(Backoff backoff, int maxAttempts, Clock clock, Sleeper sleeper) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
        }
        return new Retry(backoff, maxAttempts, null, clock, sleeper, e -> true, (a, e, d) -> { });
    }

    /** Retries until {@code window} has passed since the first attempt (the seed's checkout rule). */
    public Retry within(Duration window) {
        return new Retry(backoff, maxAttempts, Objects.requireNonNull(window), clock, sleeper, retryable, listener);
    }

    public Retry retryingOn(Predicate<Exception> retryable) {
        return new Retry(backoff, maxAttempts, window, clock, sleeper, Objects.requireNonNull(retryable), listener);
    }

    public Retry onFailure(Listener listener) {
        return new Retry(backoff, maxAttempts, window, clock, sleeper, retryable, Objects.requireNonNull(listener));
    }

    /**
     * Runs the action. Throws the last error when giving up; an {@link InterruptedException} while
     * waiting is rethrown with the thread's interrupt flag set.
     */
    public <T> T run(Action<T> action) throws Exception {
        Instant deadline = window == null ? null : clock.instant().plus(window);
        for (int attempt = 0; ; attempt++) {
            try {
                return action.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw e;
            } catch (Exception e) {
                Duration delay = backoff.delay(attempt);
                boolean outOfAttempts = attempt + 1 >= maxAttempts;
                boolean outOfTime = deadline != null && !clock.instant().plus(delay).isBefore(deadline);
                if (!retryable.test(e) || outOfAttempts || outOfTime) {
                    throw e;
                }
                listener.failed(attempt + 1, e, delay);
                sleeper.sleep(delay);
            }
        }
    }
}
