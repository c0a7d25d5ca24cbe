package io.cattlepi.ci.controller.cli;

import io.cattlepi.ci.config.BuildControlConfig;
import io.cattlepi.ci.config.StateFolder;
import io.cattlepi.ci.store.StoreBackup;
import io.cattlepi.ci.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code backup} and {@code restore} of the state database, on this host (docs/operations.md). */
final class StoreCommands {
    static final String DEFAULT_CONFIG = "/etc/cattlepi-ci/buildcontrol.json";

    private StoreCommands() {
    }

    /** Which store: {@code --store}, or the config's {@code store_path} (its default when unset). */
    abstract static class OnStore implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--config", defaultValue = DEFAULT_CONFIG, paramLabel = "FILE",
                description = "The build-control config whose store_path is meant (default ${DEFAULT-VALUE}).")
        Path config;

        @Option(names = "--store", paramLabel = "FILE", description = "The state database itself, instead of the config's.")
        Path store;

        Optional<Path> store(PrintWriter err) {
            if (store != null) {
                return Optional.of(store);
            }
            return ConfigFile.load(config, err).map(BuildControlConfig::storePath);
        }

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Optional<Path> target = store(err);
            if (target.isEmpty()) {
                return 2;
            }
            try {
                run(target.get(), spec.commandLine().getOut());
                spec.commandLine().getOut().flush();
                return 0;
            } catch (StoreException e) {
                err.println(spec.name() + ": " + e.getMessage());
                err.flush();
                return 1;
            }
        }

        abstract void run(Path store, PrintWriter out);
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Copy the state database to a new file with SQLite's online backup; safe while the controller runs.")
    static final class Backup extends OnStore {
        @Option(names = "--to", required = true, paramLabel = "FILE", description = "The backup to write (a new file).")
        Path to;

        @Override
        void run(Path store, PrintWriter out) {
            Path from = store;
            Path older = StateFolder.userData(System.getenv(), System.getProperty("user.home")).resolve(StateFolder.STORE_NAME);
            if (!Files.exists(store) && Files.isRegularFile(older)) {
                // Not started since the upgrade: the store is still where the older release kept it.
                out.println("no store at " + store + " yet; backing up the older release's " + older);
                from = older;
            }
            StoreBackup.backup(from, to);
            out.println("backed up " + from + " to " + to);
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Replace the state database with a backup; the controller must be stopped. The replaced one is kept beside it.")
    static final class Restore extends OnStore {
        @Option(names = "--from", required = true, paramLabel = "FILE", description = "A backup made by `backup`.")
        Path from;

        @Override
        void run(Path store, PrintWriter out) {
            Path kept = StoreBackup.restore(from, store, Instant.now());
            out.println("restored " + store + " from " + from + (kept == null ? "" : "; the replaced store is kept as " + kept));
        }
    }
}
