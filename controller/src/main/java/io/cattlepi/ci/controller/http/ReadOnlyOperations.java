package io.cattlepi.ci.controller.http;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.worker.Worker;
import java.nio.file.Path;
import java.util.Optional;

/** A server that only shows and receives (benchmarks, tests): every operator action is refused. */
public final class ReadOnlyOperations implements Operations {
    private static UnsupportedOperationException refused(String what) {
        return new UnsupportedOperationException(what + " is not available on this server");
    }

    @Override
    public Worker drain(String workerId, String reason) {
        throw refused("drain");
    }

    @Override
    public Worker undrain(String workerId) {
        throw refused("undrain");
    }

    @Override
    public Worker retire(String workerId, String reason) {
        throw refused("retire");
    }

    @Override
    public Build retry(String buildId) {
        throw refused("retry");
    }

    @Override
    public String cancel(String buildId, String by, String reason) {
        throw refused("cancel");
    }

    @Override
    public Build autobuildNow() {
        throw refused("autobuild");
    }

    @Override
    public boolean approveWorkersConfig() {
        throw refused("approving the workers' config");
    }

    @Override
    public Optional<Path> logOf(String buildId) {
        return Optional.empty();
    }

    @Override
    public Optional<String> publishedIndex(String buildId) {
        return Optional.empty();
    }
}
