package io.cattlepi.ci.worker;

/**
 * A Pi's health counters: how often it was reset, how often that failed, the current streak of
 * failures and how long the last reset took to reach {@code ready}.
 */
public record Health(int resets, int failedResets, int consecutiveFailures, long lastTimeToReadyMillis) {
    public static final Health NEW = new Health(0, 0, 0, -1);

    public Health resetStarted() {
        return new Health(resets + 1, failedResets, consecutiveFailures, lastTimeToReadyMillis);
    }

    public Health resetFailed() {
        return new Health(resets, failedResets + 1, consecutiveFailures + 1, lastTimeToReadyMillis);
    }

    public Health reachedReady(long timeToReadyMillis) {
        return new Health(resets, failedResets, 0, timeToReadyMillis);
    }
}
