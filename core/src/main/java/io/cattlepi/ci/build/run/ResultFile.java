package io.cattlepi.ci.build.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.build.WorkOutcome;
import io.cattlepi.ci.report.BuildPublisher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;

/**
 * A build's {@code result.json}: the verdict, each step's exit, and the lines the result rules
 * matched (the index page and the build page mark them). Written when the work ends, and amended
 * when the engine's verdict differs (the Pi died: error, not failure), so what S3 keeps says what
 * GitHub says.
 */
public final class ResultFile {
    public static final String NAME = BuildPublisher.RESULT_NAME;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One matched line, with the step that printed it. */
    public record Marked(String step, ResultRules.Match match) {
    }

    /** One step's command, exit and how long it ran, as the file keeps it. */
    public record StepTime(String command, int exitCode, boolean timedOut, double seconds) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }
    }

    private ResultFile() {
    }

    static void write(Path folder, WorkOutcome outcome, List<StepResult> steps, List<Marked> marked) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("result", outcome.result().wireName());
        root.put("description", outcome.description());
        ArrayNode stepNodes = root.putArray("steps");
        for (StepResult r : steps) {
            ObjectNode s = stepNodes.addObject();
            ArrayNode argv = s.putArray("argv");
            r.argv().forEach(argv::add);
            s.put("exitCode", r.exitCode());
            s.put("timedOut", r.timedOut());
            s.put("seconds", r.took().toMillis() / 1000.0);
        }
        ArrayNode matches = root.putArray("matches");
        for (Marked m : marked) {
            matches.addObject().put("step", m.step()).put("rule", m.match().rule()).put("line", m.match().line());
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(folder.resolve(NAME).toFile(), root);
    }

    /**
     * The engine's final verdict, where it differs from the work's: the result file and the log
     * say the same as the status. Missing files (a build that never ran) are left alone.
     */
    public static void amend(Path folder, WorkOutcome verdict, Clock clock) throws IOException {
        Path file = folder.resolve(NAME);
        if (!Files.exists(file)) {
            return;
        }
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        if (verdict.result().wireName().equals(root.path("result").asText())
                && verdict.description().equals(root.path("description").asText())) {
            return;
        }
        root.put("result", verdict.result().wireName());
        root.put("description", verdict.description());
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        Files.writeString(folder.resolve(BuildPublisher.LOG_NAME), clock.instant() + " ci | final verdict: "
                + verdict.result().wireName() + " (" + LogText.escape(verdict.description()) + ")\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * The steps a build ran with their times, for the pages' charts (the store keeps only the
     * build's start and end). Empty when the build has no file or it cannot be read.
     */
    public static List<StepTime> steps(Path folder) {
        try {
            Path file = folder.resolve(NAME);
            if (!Files.exists(file)) {
                return List.of();
            }
            List<StepTime> out = new java.util.ArrayList<>();
            JSON.readTree(file.toFile()).path("steps").forEach(s -> {
                List<String> argv = new java.util.ArrayList<>();
                s.path("argv").forEach(a -> argv.add(a.asText()));
                out.add(new StepTime(String.join(" ", argv), s.path("exitCode").asInt(), s.path("timedOut").asBoolean(),
                        s.path("seconds").asDouble()));
            });
            return out;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The matched lines recorded for a build, for pages that mark them. */
    public static List<Marked> marked(Path folder) {
        try {
            Path file = folder.resolve(NAME);
            if (!Files.exists(file)) {
                return List.of();
            }
            List<Marked> out = new java.util.ArrayList<>();
            JSON.readTree(file.toFile()).path("matches").forEach(m -> out.add(new Marked(m.path("step").asText(),
                    new ResultRules.Match(m.path("rule").asText(), m.path("line").asText(), false))));
            return out;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
