package io.cattlepi.ci.controller.http;

import static io.cattlepi.ci.controller.http.Html.esc;

import io.cattlepi.ci.boottest.BatteryReport;
import io.cattlepi.ci.boottest.BootTestRecord;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.build.run.ResultFile;
import io.cattlepi.ci.fleet.DrainMarks;
import io.cattlepi.ci.store.Event;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import io.javalin.config.RoutesConfig;
import io.javalin.http.NotFoundResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Server-rendered pages: the rack, the build list and one build with its live log and its boot test. */
final class Pages {
    private final Store store;
    private final Operations ops;

    Pages(Store store, Operations ops) {
        this.store = store;
        this.ops = ops;
    }

    void register(RoutesConfig routes) {
        routes.get("/", ctx -> ctx.html(rack()));
        routes.get("/builds", ctx -> ctx.html(builds(ctx.queryParam("q"))));
        routes.get("/builds/{id}", ctx -> ctx.html(build(ctx.pathParam("id"))));
    }

    private String rack() {
        List<Worker> workers = store.read(tx -> tx.workers());
        java.util.Map<String, String> draining = store.read(DrainMarks::all);
        StringBuilder rows = new StringBuilder();
        for (Worker w : workers) {
            List<Event> history = store.read(tx -> tx.events(Event.WORKER, w.id(), 5));
            StringBuilder hist = new StringBuilder();
            for (Event e : history) {
                hist.append("<div class=muted>").append(esc(e.at())).append(" ").append(esc(e.detail())).append("</div>");
            }
            String action = w.state() == WorkerState.MAINTENANCE || w.state() == WorkerState.RETIRED
                    || draining.containsKey(w.id()) ? "undrain" : "drain";
            String build = w.buildId() == null ? "" : "<a href=\"/builds/" + esc(w.buildId()) + "\">" + esc(w.buildId()) + "</a>";
            rows.append("<tr data-worker=\"").append(esc(w.id())).append("\"><td><b>").append(esc(w.id())).append("</b><div class=muted>")
                    .append(esc(w.host())).append(':').append(w.port()).append("</div>")
                    .append(ops.labelsOf(w.id()).isEmpty() ? "" : "<div class=muted>" + esc(String.join(" ",
                            new java.util.TreeSet<>(ops.labelsOf(w.id())))) + "</div>").append("</td>")
                    .append("<td><span class=\"state ").append(esc(w.state().wireName())).append("\" data-state=\"")
                    .append(esc(w.state().wireName())).append("\">").append(esc(w.state().wireName())).append("</span>")
                    .append(draining.containsKey(w.id()) ? " <span class=\"state maintenance\" data-draining>draining</span>"
                            + "<div class=muted>to maintenance when its build ends: " + esc(draining.get(w.id())) + "</div>" : "")
                    .append("<div class=muted>since ").append(esc(w.stateSince())).append("</div><div class=muted>")
                    .append(esc(w.reason())).append("</div></td>")
                    .append("<td>").append(build).append("</td>")
                    .append("<td class=wide>resets ").append(w.health().resets()).append(", failed ").append(w.health().failedResets())
                    .append(", streak ").append(w.health().consecutiveFailures()).append("</td>")
                    .append("<td class=wide>").append(hist).append("</td>")
                    // One button, the action that applies: narrower rows on a phone.
                    .append("<td><button onclick=\"act('").append(esc(w.id())).append("','").append(action).append("')\">")
                    .append(action).append("</button>")
                    .append(ops.powerControlled(w.id()) && !w.state().isLeased() ? "<button class=power onclick=\"act('"
                            + esc(w.id()) + "','power-cycle')\">power-cycle</button>" : "")
                    .append("</td></tr>");
        }
        String body = securityEvents() + """
                <h2>Rack</h2>
                <table id=rack><tr><th>Pi</th><th>State</th><th>Build</th><th class=wide>Health</th><th class=wide>Last transitions</th><th></th></tr>
                %s</table>
                <p class=muted>Refreshes every 2 s. Operator actions ask for the operator token once per browser session.</p>
                <script>
                async function act(id, what){
                  let t=sessionStorage.getItem('opToken')||prompt('Operator token');
                  if(!t)return; sessionStorage.setItem('opToken',t);
                  let reason='';
                  if(what==='drain'){reason=prompt('Reason')||'drained from the UI';}
                  if(what==='power-cycle'){reason=prompt('Switch '+id+' off and on? Reason');if(reason===null)return;
                    reason=reason||'power-cycled from the UI';}
                  const r=await fetch('/api/workers/'+encodeURIComponent(id)+'/'+what+'?reason='+encodeURIComponent(reason),
                    {method:'POST',headers:{'Authorization':'Bearer '+t}});
                  if(r.status===401){sessionStorage.removeItem('opToken');}
                  if(!r.ok){alert(await r.text());}
                  location.reload();
                }
                setTimeout(()=>location.reload(),2000);
                </script>
                """.formatted(rows);
        return page("Rack", body);
    }

    /** The workers' config drifting is a security event: it stays on the rack page for a day. */
    private String securityEvents() {
        StringBuilder out = new StringBuilder();
        java.time.Instant since = java.time.Instant.now().minus(java.time.Duration.ofDays(1));
        for (Event e : store.read(tx -> tx.events(Event.RACK, "workers-config", 5))) {
            if (e.kind().equals("drift") && e.at().isAfter(since)) {
                out.append("<p class=warning id=security>Security: ").append(esc(e.at())).append(" ")
                        .append(esc(e.detail())).append(". See the builds that ran then.</p>");
            }
        }
        return out.toString();
    }

    private String builds(String filter) {
        String q = filter == null ? "" : filter.trim();
        StringBuilder rows = new StringBuilder();
        int waiting = store.read(tx -> tx.buildsIn(BuildState.WAITING)).size();
        Map<String, BootTestRecord> bootTests = new HashMap<>();
        store.read(tx -> tx.recentBootTests(400)).forEach(t -> bootTests.put(t.buildId(), t));
        for (Build b : store.read(tx -> tx.recentBuilds(200))) {
            String what = b.prNumber() != null ? "PR #" + b.prNumber() : b.ref();
            String line = String.join(" ", nz(b.repository()), nz(what), nz(b.sha()), nz(b.workerId()), b.state().wireName(),
                    b.result() == null ? "" : b.result().wireName());
            if (!q.isEmpty() && !line.toLowerCase().contains(q.toLowerCase())) {
                continue;
            }
            String status = b.result() != null ? b.result().wireName() : b.state().wireName();
            rows.append("<tr><td><a href=\"/builds/").append(esc(b.id())).append("\">").append(esc(b.id())).append("</a></td>")
                    .append("<td>").append(esc(b.repository())).append("<div class=muted>").append(esc(what)).append("</div></td>")
                    .append("<td class=wide><code>").append(esc(b.sha() == null ? "" : b.sha().substring(0, Math.min(10, b.sha().length()))))
                    .append("</code></td><td>").append(esc(b.workerId())).append("</td>")
                    .append("<td><span class=\"state ").append(esc(status)).append("\">").append(esc(status)).append("</span>")
                    .append("<div class=muted>").append(esc(b.description())).append("</div>")
                    .append(bootTests.containsKey(b.id()) ? BootTestView.badge(bootTests.get(b.id())) : "").append("</td>")
                    .append("<td class=wide>").append(esc(duration(b))).append("</td></tr>");
        }
        String approvals = waiting == 0 ? "" : "<p class=notice id=waiting>" + waiting + " pull request"
                + (waiting == 1 ? " waits" : "s wait") + " for a maintainer's ok-to-test label (outside authors)</p>";
        String body = approvals + """
                <h2>Builds</h2>
                <form><input name=q value="%s" placeholder="filter: repo, PR, sha, Pi, status"> <button>Filter</button></form>
                <table id=builds><tr><th>Build</th><th>What</th><th class=wide>Sha</th><th>Pi</th><th>Status</th><th class=wide>Duration</th></tr>
                %s</table>
                """.formatted(esc(q), rows);
        return page("Builds", body);
    }

    private String build(String id) {
        Build b = store.read(tx -> tx.build(id)).orElseThrow(() -> new NotFoundResponse("no build " + id));
        StringBuilder hist = new StringBuilder();
        for (Event e : store.read(tx -> tx.events(Event.BUILD, id, 50))) {
            hist.append("<li>").append(esc(e.at())).append(" ").append(esc(e.detail())).append("</li>");
        }
        String status = b.result() != null ? b.result().wireName() : b.state().wireName();
        String s3 = ops.publishedIndex(id).map(u -> "<a href=\"" + esc(u) + "\">logs and artifacts in S3</a>").orElse("");
        StringBuilder marked = new StringBuilder();
        ops.logOf(id).map(log -> ResultFile.marked(log.getParent())).orElse(List.of()).forEach(m -> marked
                .append("<p class=marked>").append(esc(m.match().line())).append("<br><span class=muted>")
                .append(esc(m.match().rule())).append(" · ").append(esc(m.step())).append("</span></p>"));
        String decided = marked.isEmpty() ? "" : "<h3>Lines that decided the result</h3>" + marked;
        boolean open = b.state() != BuildState.DONE && b.state() != BuildState.FINISHING
                && b.state() != BuildState.REJECTED;
        Optional<BootTestRecord> battery = store.read(tx -> tx.bootTest(id));
        String bootTest = BootTestView.section(id, battery, ops.logOf(id).flatMap(log -> BatteryReport.read(log.getParent())),
                open);
        boolean cancellable = b.state() == BuildState.WAITING || b.state() == BuildState.QUEUED
                || b.state() == BuildState.SCHEDULED || b.state() == BuildState.RUNNING;
        String cancel = !cancellable ? "" : """
                <p><button id=cancel onclick="cancelBuild('%s')">Cancel this build</button></p>
                <script>
                async function cancelBuild(id){
                  let t=sessionStorage.getItem('opToken')||prompt('Operator token');
                  if(!t)return; sessionStorage.setItem('opToken',t);
                  const reason=prompt('Reason (shown on GitHub)');
                  if(reason===null)return;
                  const r=await fetch('/api/builds/'+encodeURIComponent(id)+'/cancel?reason='+encodeURIComponent(reason),
                    {method:'POST',headers:{'Authorization':'Bearer '+t}});
                  if(r.status===401){sessionStorage.removeItem('opToken');}
                  if(!r.ok){alert(await r.text());}
                  location.reload();
                }
                </script>
                """.formatted(esc(b.id()));
        String body = """
                <h2>Build %s <span class="state %s" id=status>%s</span></h2>
                <p>%s · %s · <code>%s</code> · Pi %s · %s</p>
                <p class=muted>%s</p>
                %s%s
                <div class="beside%s"><section><h3>Log</h3><pre id=log></pre></section>%s</div>
                <h3>History</h3><ul>%s</ul>
                <script>
                const log=document.getElementById('log');
                let offset=0;
                function connect(){
                  const es=new EventSource('/builds/%s/log/stream?offset='+offset);
                  es.addEventListener('log',e=>{const d=JSON.parse(e.data);log.textContent+=d.text;offset=d.offset;
                    if(window.innerHeight+window.scrollY>=document.body.offsetHeight-80)window.scrollTo(0,document.body.scrollHeight);});
                  es.addEventListener('end',()=>{es.close();if(window.bootTestEnd)bootTestEnd();});
                  es.onerror=()=>{es.close();setTimeout(connect,2000);};
                }
                connect();
                </script>
                """.formatted(esc(b.id()), esc(status), esc(status), esc(b.repository()),
                esc(b.prNumber() != null ? "PR #" + b.prNumber() : b.ref()), esc(b.sha()), esc(b.workerId()), s3,
                esc(b.description()), cancel, decided, battery.isEmpty() ? "" : " two", bootTest, hist, esc(b.id()));
        return page("Build " + b.id(), body);
    }

    /** Every page starts with the configuration warnings, so nobody misses them. */
    private String page(String title, String body) {
        StringBuilder banner = new StringBuilder();
        for (String w : ops.warnings()) {
            banner.append("<p class=warning>").append(esc(w)).append("</p>");
        }
        return Html.page(title, banner + body);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String duration(Build b) {
        if (b.startedAt() == null) {
            return "";
        }
        if (b.finishedAt() == null) {
            return "running";
        }
        Duration d = Duration.between(b.startedAt(), b.finishedAt());
        return d.toMinutes() + "m " + d.toSecondsPart() + "s";
    }
}
