package io.cattlepi.ci.build.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Whether a step that exited 0 really passed. An exit code is a claim: CattlePi's runner pipes
 * Ansible through {@code tee} without {@code pipefail} and ends with {@code deactivate}, so
 * {@code make} exits 0 after a failed play. The step's output is checked against failure rules
 * (Ansible's recap, its fatal lines when no recap came, CattlePi's own failure line, and the
 * operator's patterns) and, when configured, must show one success pattern. Rules come from the
 * controller's config only, never from the repository, which the pull request controls. A rule
 * never turns a non-zero exit into success.
 */
public final class ResultRules {
    /** One rule; {@code unreachable} ones are checked against the Pi before they blame the commit. */
    public record Rule(String name, Pattern pattern, boolean unreachable, boolean onlyWithoutRecap) {
    }

    /** A line that decided a step's result. */
    public record Match(String rule, String line, boolean unreachable) {
        /** The line as a status description can quote it: spaces collapsed. */
        public String quoted() {
            return line.strip().replaceAll("\\s+", " ");
        }
    }

    private static final Pattern RECAP = Pattern.compile("^\\S+\\s*:\\s*ok=\\d+\\s+changed=\\d+\\s+unreachable=\\d+\\s+failed=\\d+");
    private static final int KEPT_MATCHES = 20;
    public static final List<Rule> DEFAULTS = List.of(
            new Rule("Ansible recap: unreachable host", Pattern.compile(
                    "^\\S+\\s*:\\s*ok=\\d+\\s+changed=\\d+\\s+unreachable=[1-9]\\d*"), true, false),
            new Rule("Ansible recap: failed tasks", Pattern.compile(
                    "^\\S+\\s*:\\s*ok=\\d+\\s+changed=\\d+\\s+unreachable=\\d+\\s+failed=[1-9]\\d*"), false, false),
            // Before a recap (a play cut short), a fatal line is the only word; after one, the recap has it.
            new Rule("Ansible: unreachable host", Pattern.compile("^fatal: \\[[^\\]]+\\]: UNREACHABLE!"), true, true),
            new Rule("Ansible: failed task", Pattern.compile("^fatal: \\[[^\\]]+\\]: FAILED!"), false, true),
            new Rule("CattlePi: failed processing recipe", Pattern.compile("failed processing recipe"), false, false));

    private final List<Rule> failures;
    private final List<Rule> successes;

    public ResultRules(List<Rule> failures, List<Rule> successes) {
        this.failures = List.copyOf(failures);
        this.successes = List.copyOf(successes);
    }

    public static ResultRules defaults() {
        return new ResultRules(DEFAULTS, List.of());
    }

    /**
     * The rules a repository's builds are judged by.
     *
     * @param failurePatterns regular expressions that fail a step when a line of its output matches
     * @param keepDefaults    whether the built-in rules apply too
     * @param successPatterns when not empty, a step passes only if a line matches one of them
     * @throws PatternSyntaxException for a pattern that is not a regular expression
     */
    public static ResultRules of(List<String> failurePatterns, boolean keepDefaults, List<String> successPatterns) {
        List<Rule> failures = new ArrayList<>(keepDefaults ? DEFAULTS : List.of());
        for (String p : failurePatterns) {
            failures.add(new Rule("failure pattern /" + p + "/", Pattern.compile(p), false, false));
        }
        List<Rule> successes = new ArrayList<>();
        for (String p : successPatterns) {
            successes.add(new Rule("success pattern /" + p + "/", Pattern.compile(p), false, false));
        }
        return new ResultRules(failures, successes);
    }

    public List<Rule> failures() {
        return failures;
    }

    public List<Rule> successes() {
        return successes;
    }

    /** Watches one step's output. */
    public Watch watch() {
        return new Watch();
    }

    /** What one step printed, as far as the rules care. Thread-safe: stdout and stderr arrive on two threads. */
    public final class Watch implements StepOutput {
        private final List<Match> matches = new ArrayList<>();
        private boolean recapSeen;
        private boolean successSeen;

        @Override
        public synchronized void line(String source, String text) {
            if (RECAP.matcher(text).find()) {
                recapSeen = true;
            }
            for (Rule r : failures) {
                if (matches.size() < KEPT_MATCHES && r.pattern().matcher(text).find()) {
                    matches.add(new Match(r.name(), text, r.unreachable()));
                }
            }
            if (!successSeen) {
                for (Rule r : successes) {
                    if (r.pattern().matcher(text).find()) {
                        successSeen = true;
                        break;
                    }
                }
            }
        }

        /** The line that fails the step, if any: recap rules first, fatal lines only when no recap came. */
        public synchronized Optional<Match> failure() {
            return matches.stream().filter(m -> !(rule(m).onlyWithoutRecap() && recapSeen)).findFirst();
        }

        /** Success patterns are configured and none matched. */
        public synchronized boolean successMissing() {
            return !successes.isEmpty() && !successSeen;
        }

        /** The lines that matched a failure rule (at most twenty), to mark in the log and the index page. */
        public synchronized List<Match> matches() {
            return List.copyOf(matches);
        }

        private Rule rule(Match m) {
            return failures.stream().filter(r -> r.name().equals(m.rule())).findFirst().orElseThrow();
        }
    }
}
