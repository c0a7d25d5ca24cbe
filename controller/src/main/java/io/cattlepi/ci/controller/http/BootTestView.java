package io.cattlepi.ci.controller.http;

import static io.cattlepi.ci.controller.http.Html.esc;

import io.cattlepi.ci.boottest.BatteryReport;
import io.cattlepi.ci.boottest.BootTestRecord;
import io.cattlepi.ci.boottest.TestResult;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A build's boot test as the UI and the API show it: its status beside the build's, and its
 * battery as a table of tests with their verdicts and times (from the report in the build's folder).
 */
final class BootTestView {
    private BootTestView() {
    }

    /** What the second status says now: its result, or {@code running} while it has none. */
    static String state(BootTestRecord r) {
        return r.result() != null ? r.result().wireName() : "running";
    }

    /** The small badge of the builds list. */
    static String badge(BootTestRecord r) {
        return "<div class=muted data-boot-test=\"" + esc(state(r)) + "\">boot test <span class=\"state " + esc(state(r))
                + "\">" + esc(state(r)) + "</span></div>";
    }

    /**
     * The build page's section: status, what it says, the table. While the build or its battery
     * runs, the page asks for it every few seconds: it appears when the battery starts, and fills in
     * as tests end. Empty for a finished build without a battery.
     */
    static String section(String buildId, Optional<BootTestRecord> r, Optional<BatteryReport> report, boolean buildOpen) {
        if (r.isEmpty() && !buildOpen) {
            return "";
        }
        boolean watch = buildOpen || !r.get().ended();
        String script = !watch ? "" : """
                <script>
                let bootTestLast=false;
                async function bootTest(){
                  const r=await fetch('/api/builds/%s/boot-test');
                  if(r.ok){
                    const t=await r.json();
                    document.getElementById('boot-test').hidden=false;
                    document.querySelector('.beside').classList.add('two');
                    document.getElementById('boot-test-body').innerHTML=t.html;
                    if(t.state!=='running')return;
                  }else if(bootTestLast){return;}
                  setTimeout(bootTest,3000);
                }
                // The build's log ended: one last look, in case the battery ended in between.
                function bootTestEnd(){bootTestLast=true;bootTest();}
                setTimeout(bootTest,3000);
                </script>
                """.formatted(esc(buildId));
        return "<section id=boot-test" + (r.isEmpty() ? " hidden" : "") + "><h3>Boot test</h3><div id=boot-test-body>"
                + r.map(t -> body(t, report)).orElse("") + "</div>" + script + "</section>";
    }

    /** The section's inside, also served to the page's refresh. */
    static String body(BootTestRecord r, Optional<BatteryReport> report) {
        StringBuilder b = new StringBuilder();
        b.append("<p><span class=\"state ").append(esc(state(r))).append("\" id=boot-test-status>").append(esc(state(r)))
                .append("</span> <span class=muted>").append(esc(r.context())).append("</span></p><p>")
                .append(esc(r.description().isEmpty() ? "running on " + r.workerId() : r.description())).append("</p>");
        report.ifPresent(rep -> {
            if (rep.bootSeconds() >= 0) {
                b.append("<p class=muted>booted the built image in ")
                        .append(esc(String.format(Locale.ROOT, "%.1f s", rep.bootSeconds()))).append("</p>");
            }
            for (BatteryReport.Image i : rep.images()) {
                b.append("<div class=muted>").append(esc(i.name())).append(" md5 <code>").append(esc(i.md5sum()))
                        .append("</code></div>");
            }
            if (!rep.tests().isEmpty()) {
                b.append("<table id=boot-tests><tr><th>Test</th><th>Result</th><th>Time</th></tr>");
                for (TestResult t : rep.tests()) {
                    b.append("<tr data-test=\"").append(esc(t.name())).append("\"><td><code>").append(esc(t.name()))
                            .append("</code>").append(t.message().isEmpty() ? "" : "<div class=muted>" + esc(t.message())
                                    + "</div>")
                            .append("</td><td><span class=\"state ").append(esc(t.verdict().wireName())).append("\">")
                            .append(esc(t.verdict().wireName())).append("</span></td><td>")
                            .append(esc(String.format(Locale.ROOT, "%.2f s", t.seconds()))).append("</td></tr>");
                }
                b.append("</table>");
            }
        });
        return b.toString();
    }

    /** The API's view. */
    static Map<String, Object> json(BootTestRecord r, Optional<BatteryReport> report) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", state(r));
        m.put("context", r.context());
        m.put("description", r.description());
        m.put("worker", r.workerId());
        m.put("phase", r.phase().wireName());
        m.put("passed", r.passed());
        m.put("failed", r.failed());
        m.put("configRestored", r.restored());
        m.put("startedAt", r.startedAt().toString());
        m.put("finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
        report.ifPresent(rep -> m.put("tests", rep.tests().stream().map(t -> {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("name", t.name());
            tm.put("verdict", t.verdict().wireName());
            tm.put("seconds", t.seconds());
            tm.put("message", t.message());
            return tm;
        }).toList()));
        return m;
    }
}
