package io.cattlepi.ci.controller.http.svg;

import static io.cattlepi.ci.controller.http.svg.Svg.esc;
import static io.cattlepi.ci.controller.http.svg.Svg.num;

import io.cattlepi.ci.build.run.ResultFile.StepTime;
import java.time.Duration;
import java.util.List;

/** One build's steps, each as a bar as long as it ran (the longest fills the row), failed ones red. */
public final class StepBars {
    /** How much of a command a row shows; the whole one is in its tooltip. */
    private static final int COMMAND = 60;

    private StepBars() {
    }

    public static String render(List<StepTime> steps) {
        if (steps.isEmpty()) {
            return "<section id=steps><h3>Steps</h3><p class=muted>No step times yet: they are kept when the build's"
                    + " steps have run.</p></section>";
        }
        double max = 0.001;
        for (StepTime s : steps) {
            max = Math.max(max, s.seconds());
        }
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            StepTime s = steps.get(i);
            double seconds = Math.max(0, s.seconds());
            String took = Durations.length(Duration.ofMillis(Math.round(seconds * 1000)));
            String outcome = s.ok() ? "" : s.timedOut() ? " (timed out)" : " (exit " + s.exitCode() + ")";
            String command = s.command().length() <= COMMAND ? s.command() : s.command().substring(0, COMMAND) + "…";
            rows.append("<div class=step-row data-step=\"").append(i).append("\"><code title=\"").append(esc(s.command()))
                    .append("\">").append(esc(command)).append("</code><svg class=\"step-bar\" viewBox=\"0 0 100 10\""
                            + " preserveAspectRatio=\"none\" role=\"img\" aria-label=\"")
                    .append(esc(s.command() + ": " + took + outcome)).append("\"><rect width=\"")
                    .append(num(Math.max(0.5, 100 * seconds / max))).append("\" height=\"10\" fill=\"")
                    .append(s.ok() ? Svg.stepColour(i) : "#d9534f").append("\"><title>").append(esc(s.command() + ": " + took + outcome))
                    .append("</title></rect></svg><span class=muted>").append(esc(took + outcome)).append("</span></div>");
        }
        return "<section id=steps><h3>Steps</h3>" + rows + "</section>";
    }
}
