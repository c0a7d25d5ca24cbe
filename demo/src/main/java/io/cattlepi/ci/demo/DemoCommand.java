package io.cattlepi.ci.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.controller.run.Controller;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.pi.SimulatedPi;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    @Override
    public Integer call() throws Exception {
        if (workers < 1 || workers > 50) {
            System.err.println("--workers: must be between 1 and 50, got " + workers);
            return 2;
        }
        if (port < 0 || port > 65535) {
            System.err.println("--port: must be between 0 and 65535, got " + port);
            return 2;
        }
        PiTimings t = "fast".equals(timings) ? PiTimings.fast() : "demo".equals(timings) ? PiTimings.demo() : null;
        if (t == null) {
            System.err.println("--timings: must be fast or demo, got " + timings);
            return 2;
        }
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory("cattlepi-ci-demo");
        DemoWorld world = DemoWorld.start(dir, DemoWorld.Options.demo(workers, t, port));
        Controller controller = null;
        try {
            controller = externalController ? null : Controller.start(world.config());
        } catch (Exception | Error e) {
            world.close();
            throw e;
        }
        Controller started0 = controller;
        StoreView view = new StoreView(world.config().storePath());
        Runnable shutdown = () -> {
            view.close();
            if (started0 != null) {
                started0.close();
            }
            world.close();
        };
        int httpPort = world.config().server().port();
        String ui = "http://127.0.0.1:" + httpPort + "/";
        if (externalController) {
            System.out.printf("cattlepi-ci demo: world up in %d ms; start the controller with:%n  ./cattlepi-ci run --config %s%n",
                    millisSince(started), world.configFile());
        } else {
            System.out.printf("cattlepi-ci demo: UI at %s (started in %d ms); %d simulated Pis; config %s%n", ui,
                    millisSince(started), workers, world.configFile());
        }
        System.out.println("cattlepi-ci demo: simulated Pis: " + world.rack().rack().addressing());
        System.out.println("DEMO " + new ObjectMapper().writeValueAsString(facts(world, ui)));

        boolean ok = true;
        Duration limit = Duration.ofSeconds(timeoutSeconds);
        if (untilReady || untilBuilt || !noFeed) {
            ok = Poll.until(limit, view::allReady);
            System.out.printf("cattlepi-ci demo: %s after %d ms%n", ok ? "all Pis ready" : "not all Pis ready",
                    millisSince(started));
        }
        List<String> fed = new ArrayList<>();
        if (ok && !noFeed && !untilReady) {
            fed = feed(world, httpPort, feedCount);
        }
        if (untilReady || untilBuilt) {
            if (untilBuilt && ok) {
                List<String> shas = fed;
                ok = Poll.until(limit, () -> shas.stream().allMatch(sha -> view.buildsOf(sha).stream()
                        .anyMatch(b -> b.state() == BuildState.DONE)));
                System.out.printf("cattlepi-ci demo: %s after %d ms%n", ok ? "all sample builds reported"
                        : "not all sample builds reported", millisSince(started));
                for (Build b : view.recent(20)) {
                    System.out.printf("build %s: %s %s (%s)%n", b.id(), b.state().wireName(),
                            b.result() == null ? "" : b.result().wireName(), b.description());
                    view.bootTest(b.id()).ifPresent(bt -> System.out.printf("  %s: %s (%s)%n", bt.context(),
                            bt.result() == null ? "running" : bt.result().wireName(), bt.description()));
                }
            }
            shutdown.run();
            return ok ? 0 : 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shutdown.run();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    /** Sample pull requests, every third one failing, delivered as GitHub would. */
    private static List<String> feed(DemoWorld world, int httpPort, int count) throws Exception {
        List<String> shas = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            Map<String, String> change = n % 3 == 2 ? Map.of(SampleRepository.FAIL, "This change breaks the image build.\n")
                    : Map.of("docs/change-" + n + ".md", "Change " + n + ".\n");
            SampleRepository.PullRequest pr = world.repo().openPullRequest(n, "Sample change " + n, change);
            int status = world.deliver(httpPort, "pull_request", world.pullRequestPayload("opened", pr));
            System.out.printf("delivered pull request #%d (%s): HTTP %d%n", pr.number(), pr.headSha(), status);
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
