package io.cattlepi.ci.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.controller.run.Controller;
import io.cattlepi.ci.controller.run.StartupException;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.pi.SimulatedPi;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: the embedded default, in one process. Local SQS (ElasticMQ), S3 (S3Proxy), a
 * GitHub API stand-in, the CattlePi API, a simulated rack and a sample repository, and the real
 * controller started from a config file pointing at them. Once the Pis are ready it feeds a few
 * signed pull-request deliveries to {@code POST /webhook} so builds run straight away.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the demo rack: local SQS, S3, GitHub and CattlePi API, simulated Pis, the controller and its web UI.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--workers", defaultValue = "3", description = "Number of simulated Pis (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--port", defaultValue = "8080", description = "UI port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--timings", defaultValue = "demo", description = "fast (sub-second boots) or demo (seconds).")
    String timings;

    @Option(names = "--no-feed", description = "Do not send sample pull requests; wait for your own deliveries.")
    boolean noFeed;

    @Option(names = "--until-ready", description = "Exit 0 once every Pi is ready (a smoke test), 1 if not within --timeout.")
    boolean untilReady;

    @Option(names = "--until-built", description = "Exit 0 once the sample builds are reported, 1 if not within --timeout.")
    boolean untilBuilt;

    @Option(names = "--feed", defaultValue = "3", description = "How many sample pull requests to send (default ${DEFAULT-VALUE}; every third fails).")
    int feedCount;

    @Option(names = "--external-controller", description = "Start only the world and its config; wait for a controller started"
            + " separately with `run --config` (e.g. to measure its memory with CATTLEPI_CI_JAVA_OPTS=-Xmx64m).")
    boolean externalController;

    @Option(names = "--timeout", defaultValue = "180", description = "Seconds --until-ready/--until-built wait (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--verbose", description = "Also show the libraries' log (ElasticMQ, S3Proxy, Jetty, SSH) and the"
            + " simulated rack's.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (workers < 1 || workers > 50) {
            err.println("--workers: must be between 1 and 50, got " + workers);
            return 2;
        }
        if (port < 0 || port > 65535) {
            err.println("--port: must be between 0 and 65535, got " + port);
            return 2;
        }
        PiTimings t = "fast".equals(timings) ? PiTimings.fast() : "demo".equals(timings) ? PiTimings.demo() : null;
        if (t == null) {
            err.println("--timings: must be fast or demo, got " + timings);
            return 2;
        }
        // Before anything starts: the UI's port is the one a user is likely to find taken.
        if (port != 0 && taken(port)) {
            err.println("cattlepi-ci demo: port " + port + " on 127.0.0.1 is in use; try --port 0 (any free port)");
            return 2;
        }
        if (verbose) {
            verboseLog();
        }
        long started = System.nanoTime();
        DemoExit exit = DemoExit.start("cattlepi-ci-demo", err);
        try {
            return run(exit, t, started, out);
        } catch (DemoExit.Stopped e) {
            return 130;
        } catch (StartupException e) {
            if (exit.stopping()) {
                return 130;
            }
            err.println("cattlepi-ci demo: " + e.getMessage() + (port != 0 ? "; try --port 0 (any free port)" : ""));
            return 2;
        } catch (Exception | Error e) {
            if (exit.stopping()) {
                return 130; // a signal closed what the demo was using
            }
            throw e;
        } finally {
            exit.close(); // on a signal, its hook does it
        }
    }

    private int run(DemoExit exit, PiTimings t, long started, PrintWriter out) throws Exception {
        DemoWorld world = exit.add(DemoWorld.start(exit.dir(), DemoWorld.Options.demo(workers, t, port)));
        exit.alsoRemove(world.rack().rack().dir());
        exit.alsoRemove(world.rack().privateKeyFile());
        if (!externalController) {
            exit.add(Controller.start(world.config()));
        }
        StoreView view = exit.add(new StoreView(world.config().storePath()));
        int httpPort = world.config().server().port();
        String ui = "http://127.0.0.1:" + httpPort + "/";
        if (externalController) {
            out.printf("cattlepi-ci demo: world up in %d ms; start the controller with:%n  ./cattlepi-ci run --config %s%n",
                    millisSince(started), world.configFile());
        } else {
            out.printf("cattlepi-ci demo: UI at %s (started in %d ms); %d simulated Pis; config %s%n", ui,
                    millisSince(started), workers, world.configFile());
        }
        out.println("cattlepi-ci demo: simulated Pis: " + world.rack().rack().addressing());
        out.println("DEMO " + new ObjectMapper().writeValueAsString(facts(world, ui)));
        out.println("cattlepi-ci demo: Ctrl-C stops it and removes " + exit.dir());
        BuildLines lines = exit.add(new BuildLines(view, out, started));

        boolean ok = true;
        Duration limit = Duration.ofSeconds(timeoutSeconds);
        if (untilReady || untilBuilt || !noFeed) {
            ok = Poll.until(limit, view::allReady);
            out.printf("cattlepi-ci demo: %s after %d ms%n", ok ? "all Pis ready" : "not all Pis ready",
                    millisSince(started));
        }
        lines.start();
        if (ok && !noFeed && !untilReady) {
            lines.fed(feed(world, httpPort, feedCount, out));
        }
        if (untilReady) {
            return ok ? 0 : 1;
        }
        if (untilBuilt) {
            ok = ok && Poll.until(limit, lines::fedDone);
            if (!ok) {
                out.printf("cattlepi-ci demo: not all sample builds done after %d ms%n", millisSince(started));
            }
            return ok ? 0 : 1;
        }
        // Until Ctrl-C or SIGTERM: the exit's hook stops everything.
        new CountDownLatch(1).await();
        return 0;
    }

    /** Whether something already listens on the port the UI would take (Jetty too reuses the address). */
    private static boolean taken(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * slf4j-simple reads a logger's level when the logger is made, from system properties first,
     * most specific name first; its default level is read once, before a command runs, so the
     * libraries are named by their top-level packages instead. Loggers made earlier keep theirs.
     */
    private static void verboseLog() {
        for (String top : List.of("org", "com", "io", "net", "software", "scala")) {
            System.setProperty("org.slf4j.simpleLogger.log." + top, "info");
        }
        System.setProperty("org.slf4j.simpleLogger.log.io.cattlepi.ci.simulator", "info");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.sshd", "info");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.sshd.common.io.nio2.Nio2Acceptor", "info");
    }

    /** Sample pull requests, every third one failing, delivered as GitHub would. */
    private static List<String> feed(DemoWorld world, int httpPort, int count, PrintWriter out) throws Exception {
        List<String> shas = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            Map<String, String> change = n % 3 == 2 ? Map.of(SampleRepository.FAIL, "This change breaks the image build.\n")
                    : Map.of("docs/change-" + n + ".md", "Change " + n + ".\n");
            SampleRepository.PullRequest pr = world.repo().openPullRequest(n, "Sample change " + n, change);
            int status = world.deliver(httpPort, "pull_request", world.pullRequestPayload("opened", pr));
            out.printf("delivered pull request #%d (%s): HTTP %d%n", pr.number(), pr.headSha(), status);
            shas.add(pr.headSha());
        }
        return shas;
    }

    private static Map<String, Object> facts(DemoWorld world, String ui) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ui", ui);
        line.put("webhook", ui + "webhook");
        line.put("webhookSecret", DemoWorld.WEBHOOK_SECRET.reveal());
        line.put("operatorToken", DemoWorld.OPERATOR_TOKEN.reveal());
        line.put("config", world.configFile().toString());
        line.put("sqsEndpoint", world.sqs().endpoint().toString());
        line.put("queueUrl", world.queueUrl());
        line.put("s3Endpoint", world.s3().endpoint().toString());
        line.put("bucket", DemoWorld.BUCKET);
        line.put("awsAccessKey", world.s3().accessKey());
        line.put("awsSecretKey", world.s3().secretKey());
        line.put("region", world.sqs().region());
        line.put("github", world.github().url().toString());
        line.put("repository", DemoWorld.REPOSITORY);
        line.put("repositoryUrl", world.repo().url());
        line.put("cattlepiApi", world.rack().api().url());
        line.put("cattlepiApiKey", io.cattlepi.ci.simulator.pi.RackFixture.API_KEY);
        line.put("privateKey", world.rack().privateKeyFile().toString());
        List<Map<String, Object>> pis = new ArrayList<>();
        for (SimulatedPi p : world.rack().rack().pis()) {
            pis.add(Map.of("name", p.name(), "host", p.host(), "port", p.port()));
        }
        line.put("workers", pis);
        line.put("addressing", world.rack().rack().addressing());
        return line;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
