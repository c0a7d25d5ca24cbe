package io.cattlepi.ci.controller.cli;

import io.cattlepi.ci.config.BuildControlConfig;
import io.cattlepi.ci.controller.run.Controller;
import io.cattlepi.ci.controller.run.LegacyState;
import io.cattlepi.ci.sandbox.SandboxUnavailable;
import io.cattlepi.ci.store.StoreException;
import io.cattlepi.ci.store.StoreLock;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code run --config FILE}: the production controller. Talks to whatever the config names (AWS,
 * GitHub, the CattlePi API, or local endpoints it overrides) and runs until stopped; systemd
 * restarts it after a crash, and start-up repairs what the crash left.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the controller with a build-control config until stopped (SIGTERM/Ctrl-C).")
public final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The build-control config (see docs/config.md); check it first with `config check`.")
    Path file;

    @Override
    public Integer call() throws Exception {
        Optional<BuildControlConfig> loaded = ConfigFile.load(file, spec.commandLine().getErr());
        if (loaded.isEmpty()) {
            return 2;
        }
        BuildControlConfig config = loaded.get();
        Controller controller;
        StoreLock lock = null;
        try {
            // One controller per store; held until the process ends.
            lock = StoreLock.acquire(config.storePath());
            LegacyState.adopt(config.storePath(), config.engine().workspaces());
            controller = Controller.start(config);
        } catch (SandboxUnavailable | StoreException e) {
            if (lock != null) {
                lock.close();
            }
            spec.commandLine().getErr().println("cattlepi-ci: cannot start: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("cattlepi-ci: running %d Pis, UI on %s:%d%n", config.rack().members().size(), config.server().host(),
                controller.httpPort());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        StoreLock held = lock;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping (signal received): running builds are stopped and run again after the next start");
            controller.close();
            held.close();
            log.info("stopped");
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}
