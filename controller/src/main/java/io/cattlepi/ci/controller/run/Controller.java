package io.cattlepi.ci.controller.run;

import io.cattlepi.ci.autobuild.AutobuildTrigger;
import io.cattlepi.ci.autobuild.BranchHead;
import io.cattlepi.ci.autobuild.CronSchedule;
import io.cattlepi.ci.build.run.RecipeSettings;
import io.cattlepi.ci.build.run.RecipeWork;
import io.cattlepi.ci.concurrent.DaemonThreads;
import io.cattlepi.ci.config.BuildControlConfig;
import io.cattlepi.ci.config.Secret;
import io.cattlepi.ci.controller.http.ControllerHttp;
import io.cattlepi.ci.controller.http.WebhookRoute;
import io.cattlepi.ci.engine.BuildWork;
import io.cattlepi.ci.engine.Engine;
import io.cattlepi.ci.engine.EnginePorts;
import io.cattlepi.ci.engine.EngineSettings;
import io.cattlepi.ci.fleet.FleetSettings;
import io.cattlepi.ci.fleet.Observation;
import io.cattlepi.ci.fleet.Probe;
import io.cattlepi.ci.intake.Admission;
import io.cattlepi.ci.intake.DeliveryFilter;
import io.cattlepi.ci.intake.SqsSettings;
import io.cattlepi.ci.intake.SqsWorkQueue;
import io.cattlepi.ci.intake.StoreAudit;
import io.cattlepi.ci.intake.VisibilityHeartbeat;
import io.cattlepi.ci.intake.WebhookIntake;
import io.cattlepi.ci.metrics.MetricsReport;
import io.cattlepi.ci.rack.RackAccess;
import io.cattlepi.ci.rack.RackSettings;
import io.cattlepi.ci.report.BuildPublisher;
import io.cattlepi.ci.report.GitHubStatusPublisher;
import io.cattlepi.ci.report.S3ArtifactStore;
import io.cattlepi.ci.report.S3Settings;
import io.cattlepi.ci.retry.Sleeper;
import io.cattlepi.ci.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone controller assembled from a build-control config: the store, the adapters
 * (SQS, S3, GitHub, SSH, CattlePi API), the engine and the HTTP server. Production ({@code run})
 * and the demo build it the same way; only the config's endpoints differ. The build work is
 * given by the caller, so the recipe runner stays a separate piece.
 */
public final class Controller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    /** Makes the build work; tests and the Jenkins front end give their own. */
    @FunctionalInterface
    public interface WorkFactory {
        BuildWork create(BuildControlConfig config, Probe probe);
    }

    private final List<AutoCloseable> closeables;
    private final Engine engine;
    private final ControllerHttp http;
    private final Store store;

    private Controller(List<AutoCloseable> closeables, Engine engine, ControllerHttp http, Store store) {
        this.closeables = closeables;
        this.engine = engine;
        this.http = http;
        this.store = store;
    }

    /** The production controller: builds run the configured recipe steps. */
    public static Controller start(BuildControlConfig c) throws Exception {
        return start(c, Controller::recipe);
    }

    private static BuildWork recipe(BuildControlConfig c, Probe probe) {
        // Probed without a pinned key: the release recipes reboot the Pi.
        return recipe(c, pi -> {
            Observation seen = probe.probe(pi.withHostKey(null));
            return seen.alive() && seen.onStock();
        });
    }

    /** The configured steps, with the Pis' key as the only secret a build gets; every other secret is masked. */
    public static BuildWork recipe(BuildControlConfig c, RecipeWork.StockCheck stock) {
        List<Secret> masked = new ArrayList<>();
        for (Secret s : new Secret[] {c.awsAccessKey(), c.awsSecretKey(), c.githubToken(), c.buildersApiKey(),
                c.webhookSecret(), c.operatorToken()}) {
            if (s != null) {
                masked.add(s);
            }
        }
        RecipeSettings settings = new RecipeSettings(c.buildSteps(), c.jobTimeout(), c.checkoutWindow(), c.checkoutEvery(),
                Duration.ofMinutes(5), Duration.ofSeconds(10), c.sshPrivateKeyText(), c.sshUser(),
                c.workspaceDir().resolve(".work"), masked, c.autobuildSteps(), c.autobuildTimeout());
        return new RecipeWork(settings, Clock.systemUTC(), Sleeper.SYSTEM, stock);
    }

    /** Opens everything and starts the engine (which first repairs what a crash left) and the HTTP server. */
    public static Controller start(BuildControlConfig c, WorkFactory work) throws Exception {
        List<AutoCloseable> open = new ArrayList<>();
        try {
            return assemble(c, work, open);
        } catch (Exception | Error e) {
            closeAll(open);
            throw e;
        }
    }

    private static Controller assemble(BuildControlConfig c, WorkFactory work,
                                       List<AutoCloseable> open) throws Exception {
        Files.createDirectories(c.storePath().toAbsolutePath().getParent());
        Files.createDirectories(c.workspaceDir());
        Store store = Store.open(c.storePath(), Clock.systemUTC());
        open.add(store);
        SqsWorkQueue queue = SqsWorkQueue.open(new SqsSettings(c.sqsQueue(), c.awsRegion(), c.endpointSqs(),
                c.awsAccessKey(), c.awsSecretKey(), CALL_TIMEOUT));
        open.add(queue);
        SqsWorkQueue deadLetters = null;
        if (c.deadLetterQueue() != null) {
            deadLetters = SqsWorkQueue.open(new SqsSettings(c.deadLetterQueue().toString(), c.awsRegion(), c.endpointSqs(),
                    c.awsAccessKey(), c.awsSecretKey(), CALL_TIMEOUT));
            open.add(deadLetters);
        }
        S3ArtifactStore artifacts = S3ArtifactStore.open(new S3Settings(c.s3Bucket(), c.s3PublicPrefix(), "", c.awsRegion(),
                c.endpointS3(), c.awsAccessKey(), c.awsSecretKey(), CALL_TIMEOUT));
        open.add(artifacts);
        BuildPublisher publisher = new BuildPublisher(artifacts);
        GitHubStatusPublisher statuses = new GitHubStatusPublisher(c.endpointGithub(), c.githubUser(), c.githubToken(),
                CALL_TIMEOUT);
        FleetSettings fleet = new FleetSettings(c.monitorInterval(), Duration.ofMillis(250), Duration.ofMinutes(20),
                c.failedResetStreak(), CALL_TIMEOUT, 8);
        RackSettings rack = new RackSettings(c.buildMachines(), c.sshUser(), c.sshIdentity(), c.sshPublicKeyLine(),
                c.hostKeyPolicy(), c.cattlepiApi(), c.buildersApiKey(), c.raspbianLocation(), CALL_TIMEOUT, fleet);
        RackAccess access = RackAccess.open(rack);
        open.add(access);
        EngineSettings settings = new EngineSettings(c.workspaceDir(), c.statusContext(),
                c.publicUrl() == null ? null : c.publicUrl().toString(), c.visibilityTimeout(), Duration.ofSeconds(5),
                Duration.ofSeconds(20), 2, 40);
        DeliveryFilter filter = new DeliveryFilter(new HashSet<>(c.allowedRepositories()), c.pushBranches(),
                c.buildDrafts(), c.cloneBase().toString());
        Probe probe = access.probe();
        EnginePorts ports = new EnginePorts(queue, new Admission(store, queue, filter, deadLetters),
                new VisibilityHeartbeat(store, queue, c.visibilityTimeout()), statuses, publisher, work.create(c, probe),
                probe, access.reset());
        Engine engine = new Engine(store, ports, settings, fleet, c.buildMachines(), Sleeper.SYSTEM);
        open.add(engine);
        engine.start();

        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("autobuild"));
        open.add(timer::shutdownNow);
        AutobuildTrigger autobuild = new AutobuildTrigger(store, Clock.systemUTC(), ZoneId.systemDefault(),
                CronSchedule.parse(c.autobuildSchedule()), c.repository(), c.cloneBase() + c.repository() + ".git",
                "master", new BranchHead(CALL_TIMEOUT), engine::wake);
        autobuild.start(timer);

        MetricsReport metrics = new MetricsReport(store, engine.metrics());
        WebhookIntake intake = c.webhookSecret() == null ? null : new WebhookIntake(c.webhookSecret(), filter, queue,
                new StoreAudit(store), WebhookIntake.DEFAULT_MAX_BODY);
        ControllerHttp http = ControllerHttp.start(c.httpHost(), c.httpPort(), store,
                new EngineOperations(engine, autobuild, publisher, c.workspaceDir(),
                        rack.hostKeyWarning() == null ? List.of() : List.of(rack.hostKeyWarning())),
                c.operatorToken() == null ? null : c.operatorToken().reveal(),
                () -> health(store, engine), metrics::render,
                routes -> {
                    if (intake != null) {
                        WebhookRoute.register(routes, intake);
                    }
                });
        open.add(http);
        log.info("controller up: {} Pis, queue {}, UI on port {}", c.buildMachines().size(), c.sqsQueue(), http.port());
        return new Controller(open, engine, http, store);
    }

    private static ControllerHttp.Health health(Store store, Engine engine) {
        Map<String, Object> checks = new LinkedHashMap<>();
        boolean storeOk;
        try {
            store.read(tx -> tx.workers().size());
            storeOk = true;
        } catch (RuntimeException e) {
            storeOk = false;
        }
        checks.put("store", storeOk ? "ok" : "failing");
        checks.put("queue", engine.queueReachable() ? "ok" : "unreachable");
        return new ControllerHttp.Health(storeOk && engine.queueReachable(), checks);
    }

    public Engine engine() {
        return engine;
    }

    public int httpPort() {
        return http.port();
    }

    public Store store() {
        return store;
    }

    @Override
    public void close() {
        closeAll(closeables);
    }

    /** Newest first: the HTTP server and engine stop before the clients and store they use. */
    private static void closeAll(List<AutoCloseable> open) {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", open.get(i), e.toString());
            }
        }
    }
}
