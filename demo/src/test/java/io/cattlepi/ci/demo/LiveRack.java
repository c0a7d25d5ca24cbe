package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.controller.run.Controller;
import io.cattlepi.ci.peers.GitHubStandIn.RecordedStatus;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The whole product started for an end-to-end test: the world outside (SQS, S3, GitHub, the
 * simulated rack, the sample repository) and the controller started from its config, with what
 * the tests ask of them: deliver a pull request, wait for its build, read its log and statuses.
 */
final class LiveRack implements AutoCloseable {
    private final DemoWorld world;
    private final Controller controller;
    private final Duration wait;
    private final AtomicInteger prs = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LiveRack(DemoWorld world, Controller controller, Duration wait) {
        this.world = world;
        this.controller = controller;
        this.wait = wait;
    }

    /** Starts everything and waits until every Pi is ready. */
    static LiveRack start(Path dir, DemoWorld.Options options, Duration wait) throws Exception {
        DemoWorld world = DemoWorld.start(dir, options);
        Controller controller;
        try {
            controller = Controller.start(world.config());
        } catch (Exception | Error e) {
            world.close();
            throw e;
        }
        LiveRack rack = new LiveRack(world, controller, wait);
        rack.await("every Pi ready", rack::allReady);
        return rack;
    }

    DemoWorld world() {
        return world;
    }

    Controller controller() {
        return controller;
    }

    boolean allReady() {
        return controller.store().read(tx -> tx.workers()).stream().allMatch(w -> w.state() == WorkerState.READY);
    }

    Worker worker(String id) {
        return controller.store().read(tx -> tx.worker(id)).orElseThrow();
    }

    /** Polls a condition of the running system (it works on its own threads and processes). */
    void await(String what, BooleanSupplier condition) throws InterruptedException {
        if (!Poll.until(wait, condition)) {
            throw new AssertionError("not within " + wait.toSeconds() + " s: " + what);
        }
    }

    /** Opens a pull request with these files on the sample repository and delivers it, signed, to the webhook. */
    SampleRepository.PullRequest deliver(Map<String, String> files) throws Exception {
        int n = prs.incrementAndGet();
        SampleRepository.PullRequest pr = world.repo().openPullRequest(n, "change " + n, files);
        assertEquals(202, world.deliver(controller.httpPort(), "pull_request", world.pullRequestPayload("opened", pr)));
        return pr;
    }

    Build buildOf(String sha) {
        return controller.store().read(tx -> tx.buildsOf(DemoWorld.REPOSITORY, sha, "pull_request")).stream()
                .findFirst().orElse(null);
    }

    boolean inState(String sha, BuildState state) {
        Build b = buildOf(sha);
        return b != null && b.state() == state;
    }

    /** Waits until the build of the pull request's head is done (every status posted, the message deleted). */
    Build done(SampleRepository.PullRequest pr) throws InterruptedException {
        await("build of " + pr.headSha() + " done", () -> inState(pr.headSha(), BuildState.DONE));
        return buildOf(pr.headSha());
    }

    String log(Build b) {
        try {
            return Files.readString(world.config().engine().workspaces().resolve(b.id()).resolve("build.log"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** The build's own statuses (context {@code cattlepi-ci}; the boot test has its own). */
    List<String> states(String sha) {
        return world.github().statusesFor(sha, "cattlepi-ci").stream().map(RecordedStatus::state).toList();
    }

    RecordedStatus lastStatus(String sha) {
        List<RecordedStatus> all = world.github().statusesFor(sha, "cattlepi-ci");
        return all.get(all.size() - 1);
    }

    /** GET on the controller's HTTP server. */
    HttpResponse<String> get(String path) throws Exception {
        return getUrl("http://127.0.0.1:" + controller.httpPort() + path);
    }

    /** An operator's POST on the controller's API (with the operator token). */
    HttpResponse<String> operatorPost(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller.httpPort() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + DemoWorld.OPERATOR_TOKEN.reveal())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The Pi's history, newest last. */
    List<io.cattlepi.ci.store.Event> history(String pi) {
        return controller.store().read(tx -> tx.events(io.cattlepi.ci.store.Event.WORKER, pi, 200));
    }

    HttpResponse<String> getUrl(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        try {
            controller.close();
        } finally {
            world.close();
        }
    }
}
