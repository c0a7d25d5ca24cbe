package io.cattlepi.ci.controller.run;

import io.cattlepi.ci.autobuild.AutobuildTrigger;
import io.cattlepi.ci.autobuild.BranchHead;
import io.cattlepi.ci.boottest.BootTestSettings;
import io.cattlepi.ci.boottest.run.BootTest;
import io.cattlepi.ci.boottest.run.BootTestRecovery;
import io.cattlepi.ci.boottest.run.DeviceConfigs;
import io.cattlepi.ci.boottest.run.ImageShelf;
import io.cattlepi.ci.boottest.run.S3Images;
import io.cattlepi.ci.boottest.run.ServedImages;
import io.cattlepi.ci.build.run.RecipeWork;
import io.cattlepi.ci.concurrent.DaemonThreads;
import io.cattlepi.ci.config.BuildControlConfig;
import io.cattlepi.ci.config.ServerSettings;
import io.cattlepi.ci.controller.http.BootImageRoute;
import io.cattlepi.ci.controller.http.ControllerHttp;
import io.cattlepi.ci.controller.http.WebhookRoute;
import io.cattlepi.ci.engine.Engine;
import io.cattlepi.ci.engine.EnginePorts;
import io.cattlepi.ci.fleet.PowerControl;
import io.cattlepi.ci.engine.StatusText;
import io.cattlepi.ci.fleet.Probe;
import io.cattlepi.ci.intake.DeliveryFilter;
import io.cattlepi.ci.intake.LoggedAudit;
import io.cattlepi.ci.intake.StoreAudit;
import io.cattlepi.ci.intake.VisibilityHeartbeat;
import io.cattlepi.ci.intake.WebhookIntake;
import io.cattlepi.ci.metrics.MetricsReport;
import io.cattlepi.ci.power.CommandPowerSwitch;
import io.cattlepi.ci.rack.RackAccess;
import io.cattlepi.ci.retry.Sleeper;
import io.cattlepi.ci.sandbox.Sandbox;
import io.cattlepi.ci.sandbox.SandboxKind;
import io.cattlepi.ci.secret.Redactor;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.wiring.Closer;
import io.cattlepi.ci.wiring.ExternalPorts;
import java.nio.file.Files;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone controller assembled from a build-control config: the store, the adapters
 * (SQS, S3, GitHub, SSH, CattlePi API), the engine with the recipe runner (and its boot-test
 * battery) as its build work, and the HTTP server (which also serves the images a battery boots). Production ({@code run}) and the demo build it the same way; only the config's
 * endpoints differ.
 */
public final class Controller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);
    /** Presigned image URLs outlive the battery's limit by this much (the Pi may start a download late). */
    private static final java.time.Duration BOOT_IMAGE_GRACE = java.time.Duration.ofMinutes(5);

    private final Closer closer;
    private final Engine engine;
    private final ControllerHttp http;
    private final Store store;

    private Controller(Closer closer, Engine engine, ControllerHttp http, Store store) {
        this.closer = closer;
        this.engine = engine;
        this.http = http;
        this.store = store;
    }

    /** Opens everything and starts the engine (which first repairs what a crash left) and the HTTP server. */
    public static Controller start(BuildControlConfig c) throws Exception {
        Closer closer = new Closer();
        try {
            return assemble(c, closer);
        } catch (Exception | Error e) {
            closer.close();
            throw e;
        }
    }

    private static Controller assemble(BuildControlConfig c, Closer closer) throws Exception {
        // First, before anything is opened: builds must never run unconfined by accident.
        Sandbox sandbox = Sandbox.start(c.sandbox());
        List<String> warnings = warnings(c);
        Files.createDirectories(c.storePath().toAbsolutePath().getParent());
        Files.createDirectories(c.engine().workspaces());
        Store store = closer.add(Store.open(c.storePath(), Clock.systemUTC()));
        DeliveryFilter filter = c.intake().filter();
        ExternalPorts outside = ExternalPorts.open(c.queue(), c.deadLetters(), c.s3(), c.github(), filter, store, closer);
        RackAccess access = closer.add(RackAccess.open(c.rack(), store));
        Probe probe = access.probe();
        PowerControl power = CommandPowerSwitch.control(c.power(), Sleeper.SYSTEM);
        BootTestSettings bootTest = c.bootTest();
        ServedImages served = bootTest.via() == BootTestSettings.ImagesVia.CONTROLLER
                ? new ServedImages(bootTest.imageBase()) : null;
        ImageShelf shelf = served != null ? served
                : closer.add(S3Images.open(c.s3(), bootTest.timeout().plus(BOOT_IMAGE_GRACE)));
        BootTest battery = new BootTest(bootTest, new BootTest.Ports(store, new DeviceConfigs(access.cattlepi()),
                access.restores(), shelf, outside.statuses(), new StatusText(c.engine(), outside.publisher())::targetUrl,
                access.watch()), Redactor.of(c.recipe().masked()), Clock.systemUTC(), Sleeper.SYSTEM,
                c.recipe().killGrace(), c.recipe().checks().maxLineBytes());
        EnginePorts ports = new EnginePorts(outside.queue(), outside.admission(),
                new VisibilityHeartbeat(store, outside.queue(), c.engine().visibilityTimeout()), outside.statuses(),
                outside.publisher(), new RecipeWork(c.recipe(), sandbox, Clock.systemUTC(), Sleeper.SYSTEM, access.watch(),
                battery),
                probe, access.reset(),
                access::checkWorkersConfig, power);
        Engine engine = closer.add(new Engine(store, ports, c.engine(), c.rack().fleet(), c.rack().members(),
                c.placement(), Sleeper.SYSTEM));
        access.onDrift(engine::workersConfigDrifted);
        engine.start();

        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("autobuild"));
        closer.onClose(timer::shutdownNow);
        new BootTestRecovery(store, access.restores(), shelf, bootTest.stagingDir()).start(timer);
        AutobuildTrigger autobuild = new AutobuildTrigger(store, Clock.systemUTC(), ZoneId.systemDefault(), c.autobuild(),
                new BranchHead(c.rack().callTimeout()), engine::wake);
        autobuild.start(timer);

        MetricsReport metrics = new MetricsReport(store, engine.metrics(), engine::queueReachable);
        Secret webhookSecret = c.intake().webhookSecret();
        WebhookIntake intake = webhookSecret == null ? null : new WebhookIntake(webhookSecret, filter, outside.queue(),
                new LoggedAudit(new StoreAudit(store), Clock.systemUTC()), WebhookIntake.DEFAULT_MAX_BODY);
        ServerSettings server = c.server();
        ControllerHttp http = closer.add(ControllerHttp.start(server.host(), server.port(), store,
                new EngineOperations(engine, autobuild, outside.publisher(), c.engine().workspaces(), warnings, access,
                        c.placement(), power),
                server.operatorToken() == null ? null : server.operatorToken().reveal(),
                () -> health(store, engine), metrics::render,
                routes -> {
                    if (intake != null) {
                        WebhookRoute.register(routes, intake);
                    }
                    if (served != null) {
                        BootImageRoute.register(routes, served);
                    }
                }));
        log.info("controller up: {} Pis, queue {}, UI on port {}", c.rack().members().size(), c.queue().queueUrl(),
                http.port());
        return new Controller(closer, engine, http, store);
    }

    /** What every page shows in red while a protection is switched off. */
    private static List<String> warnings(BuildControlConfig c) {
        List<String> out = new ArrayList<>();
        if (c.sandbox().kind() == SandboxKind.OFF) {
            out.add("build_sandbox is off: pull requests' code runs as the controller's user and can read its"
                    + " config, keys and store. Install bubblewrap and remove \"build_sandbox\": \"off\".");
            log.warn("*** {} ***", out.get(0));
        }
        String hostKeys = c.rack().hostKeyWarning();
        if (hostKeys != null) {
            out.add(hostKeys);
        }
        return out;
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
        closer.close();
    }
}
