package io.cattlepi.ci.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Thin clients of a running controller's HTTP API, for an operator's shell. */
final class OperatorCommands {
    private OperatorCommands() {
    }

    /** Where the controller is and the operator token; from options or the environment. */
    static class Target {
        @Option(names = "--url", defaultValue = "${env:CATTLEPI_CI_URL:-http://127.0.0.1:8080}",
                description = "Controller URL (default: $CATTLEPI_CI_URL or ${DEFAULT-VALUE}).")
        URI url;

        @Option(names = "--token", defaultValue = "${env:CATTLEPI_CI_TOKEN}",
                description = "Operator token for drain/undrain/retry (default: $CATTLEPI_CI_TOKEN).")
        String token;

        ApiClient client() {
            return new ApiClient(url, token);
        }
    }

    abstract static class Base implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Target target = new Target();

        /** The exit code when run returns normally; status sets it when the controller is unhealthy. */
        int exit;

        @Override
        public Integer call() {
            try {
                run(target.client(), spec.commandLine().getOut());
                spec.commandLine().getOut().flush();
                return exit;
            } catch (ApiClient.ApiException e) {
                spec.commandLine().getErr().println(spec.name() + ": " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 1;
            }
        }

        abstract void run(ApiClient api, PrintWriter out) throws ApiClient.ApiException;
    }

    @Command(name = "workers", mixinStandardHelpOptions = true, description = "List the Pis and their states.")
    static final class Workers extends Base {
        @Override
        void run(ApiClient api, PrintWriter out) throws ApiClient.ApiException {
            JsonNode workers = api.get("api/workers");
            out.printf("%-12s %-12s %-24s %-22s %s%n", "PI", "STATE", "SINCE", "BUILD", "REASON");
            for (JsonNode w : workers) {
                boolean draining = !w.path("draining").isNull() && !w.path("draining").isMissingNode();
                out.printf("%-12s %-12s %-24s %-22s %s%n", w.path("id").asText(), w.path("state").asText()
                        + (draining ? "+draining" : ""), w.path("since").asText(), w.path("build").asText(""),
                        draining ? "draining: " + w.path("draining").asText() : w.path("reason").asText());
            }
        }
    }

    @Command(name = "builds", mixinStandardHelpOptions = true, description = "List recent builds.")
    static final class Builds extends Base {
        @Option(names = "--limit", defaultValue = "20", description = "How many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        void run(ApiClient api, PrintWriter out) throws ApiClient.ApiException {
            JsonNode builds = api.get("api/builds?limit=" + Math.max(1, Math.min(500, limit)));
            out.printf("%-24s %-10s %-8s %-12s %-10s %s%n", "BUILD", "STATE", "RESULT", "SHA", "PI", "DESCRIPTION");
            for (JsonNode b : builds) {
                String sha = b.path("sha").asText("");
                out.printf("%-24s %-10s %-8s %-12s %-10s %s%n", b.path("id").asText(), b.path("state").asText(),
                        b.path("result").asText(""), sha.substring(0, Math.min(10, sha.length())),
                        b.path("worker").asText(""), b.path("description").asText());
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Health, Pis by state and active builds; exit 1 when the controller is unhealthy or not reachable.")
    static final class Status extends Base {
        @Override
        void run(ApiClient api, PrintWriter out) throws ApiClient.ApiException {
            java.util.Map<String, Integer> states = new java.util.TreeMap<>();
            for (JsonNode w : api.get("api/workers")) {
                states.merge(w.path("state").asText(), 1, Integer::sum);
            }
            int active = 0;
            for (JsonNode b : api.get("api/builds?limit=500")) {
                String s = b.path("state").asText();
                if (!s.equals("done") && !s.equals("rejected")) {
                    active++;
                }
            }
            String health;
            try {
                health = api.get("healthz").path("checks").toString();
            } catch (ApiClient.ApiException e) {
                health = "unhealthy (" + e.getMessage() + ")";
                exit = 1; // for scripts and monitoring: unhealthy is a failure
            }
            out.println("health:  " + health);
            out.println("pis:     " + states);
            out.println("active builds: " + active);
        }
    }

    /** An action on one Pi: POST /api/workers/{pi}/{action}, with the reason where it takes one. */
    abstract static class WorkerAction extends Base {
        @Parameters(index = "0", paramLabel = "PI")
        String pi;

        abstract String action();

        /** The --reason option's value, or null for actions without one. */
        String reason() {
            return null;
        }

        @Override
        void run(ApiClient api, PrintWriter out) throws ApiClient.ApiException {
            String query = reason() == null ? "" : "?reason=" + ApiClient.segment(reason());
            JsonNode w = api.post("api/workers/" + ApiClient.segment(pi) + "/" + action() + query);
            if (w.hasNonNull("draining")) {
                out.println(w.path("id").asText() + ": draining; it goes to maintenance when build "
                        + w.path("build").asText() + " ends (" + w.path("draining").asText() + ")");
                return;
            }
            out.println(w.path("id").asText() + ": " + w.path("state").asText() + " (" + w.path("reason").asText() + ")");
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true, description = "Take a Pi out of service.")
    static final class Drain extends WorkerAction {
        @Option(names = "--reason", defaultValue = "drained from the command line", description = "Kept in the Pi's history.")
        String reason;

        String action() {
            return "drain";
        }

        @Override
        String reason() {
            return reason;
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true, description = "Take a Pi out of the rack for good (undrain brings it back).")
    static final class Retire extends WorkerAction {
        @Option(names = "--reason", defaultValue = "retired from the command line", description = "Kept in the Pi's history.")
        String reason;

        String action() {
            return "retire";
        }

        @Override
        String reason() {
            return reason;
        }
    }

    @Command(name = "power-cycle", mixinStandardHelpOptions = true,
            description = "Switch a Pi off and on with its power commands (not while it runs a build).")
    static final class PowerCycle extends WorkerAction {
        @Option(names = "--reason", defaultValue = "power-cycled from the command line", description = "Kept in the Pi's history.")
        String reason;

        String action() {
            return "power-cycle";
        }

        @Override
        String reason() {
            return reason;
        }
    }

    @Command(name = "undrain", mixinStandardHelpOptions = true, description = "Put a drained or retired Pi back into service.")
    static final class Undrain extends WorkerAction {
        String action() {
            return "undrain";
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true, description = "Queue a finished build's commit again.")
    static final class Retry extends Base {
        @Parameters(index = "0", paramLabel = "BUILD")
        String build;

        @Override
        void run(ApiClient api, PrintWriter out) throws ApiClient.ApiException {
            JsonNode b = api.post("api/builds/" + ApiClient.segment(build) + "/retry");
            out.println("queued " + b.path("id").asText() + " (" + b.path("sha").asText() + ")");
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancel a build: a queued one ends at once, a running one is stopped and its Pi reset.")
    static final class Cancel extends Base {
        @Parameters(index = "0", paramLabel = "BUILD")
        String build;

        @Option(names = "--reason", defaultValue = "", description = "Shown in the build's status on GitHub.")
        String reason;

        @Option(names = "--by", defaultValue = "${env:USER}", description = "Who cancels (default: $USER).")
        String by;

        @Override
        void run(ApiClient api, PrintWriter out) throws ApiClient.ApiException {
            JsonNode b = api.post("api/builds/" + ApiClient.segment(build) + "/cancel?by=" + ApiClient.segment(nz(by))
                    + "&reason=" + ApiClient.segment(reason));
            out.println(switch (b.path("cancel").asText()) {
                case "ended" -> b.path("id").asText() + ": ended before it ran (" + b.path("description").asText() + ")";
                default -> b.path("id").asText() + ": stopping; its Pi is reset next";
            });
        }

        private static String nz(String s) {
            return s == null ? "" : s;
        }
    }

    @Command(name = "workers-config", mixinStandardHelpOptions = true,
            description = "Approve the workers' CattlePi config as it is now (after changing it on purpose).",
            subcommands = {ApproveWorkersConfig.class})
    static final class WorkersConfig implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "The workers' config as it is now becomes the one the controller keeps.")
    static final class ApproveWorkersConfig extends Base {
        @Override
        void run(ApiClient api, PrintWriter out) throws ApiClient.ApiException {
            JsonNode r = api.post("api/workers-config/approve");
            out.println(r.path("approved").asBoolean() ? "approved: the workers' config as it is now is kept"
                    : "the controller does not manage the workers' config (no raspbian_location)");
        }
    }
}
