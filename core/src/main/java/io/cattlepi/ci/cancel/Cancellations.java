package io.cattlepi.ci.cancel;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Tx;

/**
 * Ending builds nobody wants any more (an operator's cancel, a newer push, a closed pull request),
 * inside the caller's transaction. A build that does not hold a Pi ends at once, {@code error}
 * with the reason, and the finisher reports it like any other; a build that holds one gets a
 * stored request the engine acts on (kill the process tree, reset the Pi), which survives a
 * restart of the controller in between.
 */
public final class Cancellations {
    /** What a cancel did. */
    public enum Outcome {
        /** The build had not started: it is finished now. */
        ENDED,
        /** The build holds a Pi: its cancellation is asked for and the engine stops it. */
        ASKED,
        /** The build had already ended; nothing changed. */
        ALREADY_OVER
    }

    private static final int REASON_MAX = 120;

    private Cancellations() {
    }

    /** Cancels {@code b}; {@code description} is the build's final description ("cancelled ..."). */
    public static Outcome cancel(Tx tx, Build b, String description) {
        switch (b.state()) {
            case WAITING, QUEUED -> {
                tx.buildChanged(b, b.finished(BuildResult.ERROR, description, tx.now()));
                return Outcome.ENDED;
            }
            case SCHEDULED, RUNNING -> {
                tx.requestCancel(b.id(), description);
                tx.append(Event.BUILD, b.id(), "cancel-requested", description);
                return Outcome.ASKED;
            }
            default -> {
                return Outcome.ALREADY_OVER;
            }
        }
    }

    /** "cancelled by WHO: WHY"; both are the operator's words, cut short and stripped of control characters. */
    public static String byOperator(String who, String why) {
        String by = plain(who);
        String reason = plain(why);
        return "cancelled by " + (by.isEmpty() ? "an operator" : by) + (reason.isEmpty() ? "" : ": " + reason);
    }

    /** A newer head of the same pull request (or pushed branch) made this build pointless. */
    public static String superseded(String newerSha) {
        return "cancelled: superseded by " + newerSha.substring(0, Math.min(12, newerSha.length()));
    }

    public static String pullRequestClosed(int number) {
        return "cancelled: pull request #" + number + " closed";
    }

    private static String plain(String s) {
        if (s == null) {
            return "";
        }
        String flat = s.replaceAll("\\p{Cntrl}+", " ").strip();
        return flat.length() <= REASON_MAX ? flat : flat.substring(0, REASON_MAX) + "…";
    }
}
