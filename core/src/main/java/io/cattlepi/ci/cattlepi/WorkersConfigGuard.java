package io.cattlepi.ci.cattlepi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cattlepi.ci.fleet.WorkerReset;
import io.cattlepi.ci.worker.Worker;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the workers' shared CattlePi config as the controller left it. A recipe has root on its
 * Pi, and a CattlePi Pi carries the workers' API key: hostile code could rewrite the config whose
 * {@code usercode} runs as root on every Pi at every boot. So before every lease, after every build
 * and before every reset, the fields that decide what a Pi runs at boot are compared with those
 * the controller last approved (kept in its store): any drift is put back and reported, and the
 * caller sends the Pis that may have booted it through a reset.
 */
public final class WorkersConfigGuard implements WorkerReset.BootConfig {
    private static final Logger log = LoggerFactory.getLogger(WorkersConfigGuard.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the approved boot fields are kept between runs. */
    public interface Approved {
        Optional<String> load();

        void save(String fields);
    }

    private final WorkerConfigSetup setup;
    private final Approved approved;
    private final Consumer<String> onDrift;

    /** @param onDrift told which fields drifted (after they were put back) */
    public WorkersConfigGuard(WorkerConfigSetup setup, Approved approved, Consumer<String> onDrift) {
        this.setup = setup;
        this.approved = approved;
        this.onDrift = onDrift;
    }

    @Override
    public void ensure(Worker worker) throws CattlePiApiException {
        check();
    }

    /** Re-asserts the workers' config; returns the fields that had drifted, if any. */
    public synchronized Optional<String> check() throws CattlePiApiException {
        DeviceConfig current = setup.read();
        Optional<String> drift = Optional.empty();
        Optional<ObjectNode> expected = approved.load().flatMap(WorkersConfigGuard::parse);
        if (expected.isPresent()) {
            List<String> changed = DeviceConfig.changedBootFields(expected.get(), current.bootFields());
            if (!changed.isEmpty()) {
                DeviceConfig restored = current.copy();
                restored.restoreBootFields(expected.get());
                setup.write(restored);
                current = restored;
                drift = Optional.of(String.join(", ", changed));
                log.error("SECURITY: the workers' CattlePi config changed behind the controller's back ({}); put back",
                        drift.get());
            }
        }
        DeviceConfig ensured = setup.ensure(current);
        ObjectNode fields = ensured.bootFields();
        if (expected.isEmpty() || !expected.get().equals(fields)) {
            approved.save(fields.toString());
        }
        drift.ifPresent(onDrift);
        return drift;
    }

    /** The config as it is now becomes the approved one (an operator changed it on purpose). */
    public synchronized void approveCurrent() throws CattlePiApiException {
        approved.save(setup.ensure(setup.read()).bootFields().toString());
    }

    private static Optional<ObjectNode> parse(String text) {
        try {
            return Optional.of((ObjectNode) JSON.readTree(text));
        } catch (JsonProcessingException | ClassCastException e) {
            log.warn("the approved workers' config in the store is unreadable; taking the current one");
            return Optional.empty();
        }
    }
}
