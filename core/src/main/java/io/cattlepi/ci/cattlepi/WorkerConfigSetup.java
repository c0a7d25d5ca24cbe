package io.cattlepi.ci.cattlepi;

import io.cattlepi.ci.fleet.WorkerReset;
import io.cattlepi.ci.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's setup step, made idempotent: the workers' shared config ({@code default} under the
 * workers' API key) must point {@code raspbian_location} at the Raspbian the controller wants and
 * list the controller's public key, or a reset leaves a Pi the controller cannot log into. Reads
 * first and writes only when the meaning differs, so running it before every reset costs one GET.
 */
public final class WorkerConfigSetup implements WorkerReset.BootConfig {
    private static final Logger log = LoggerFactory.getLogger(WorkerConfigSetup.class);

    private final CattlePiApi api;
    private final String device;
    private final String raspbianLocation;
    private final String controllerKey;
    private final String usercodeBlock;

    /**
     * @param device        the workers' shared config ({@code default} in CattlePi's setup)
     * @param controllerKey the controller's public key line ({@code ssh-ed25519 AAAA... comment})
     * @param usercodeBlock a script block the workers' usercode must contain (its first line marks
     *                      it; appended to what is there), or null to leave usercode alone
     */
    public WorkerConfigSetup(CattlePiApi api, String device, String raspbianLocation, String controllerKey,
                             String usercodeBlock) {
        this.api = api;
        this.device = device;
        this.raspbianLocation = raspbianLocation;
        this.controllerKey = controllerKey.strip();
        this.usercodeBlock = usercodeBlock;
    }

    @Override
    public void ensure(Worker worker) throws CattlePiApiException {
        ensure();
    }

    /** Returns whether the config had to be written. */
    public boolean ensure() throws CattlePiApiException {
        DeviceConfig current = read();
        return ensure(current) != current;
    }

    public DeviceConfig read() throws CattlePiApiException {
        return api.config(device);
    }

    public void write(DeviceConfig config) throws CattlePiApiException {
        api.putConfig(device, config);
    }

    /** The config as a reset needs it: {@code current} itself when it is right, else the one written. */
    DeviceConfig ensure(DeviceConfig current) throws CattlePiApiException {
        List<String> keys;
        try {
            keys = current.authorizedKeys();
        } catch (InvalidConfigException e) {
            throw new CattlePiApiException(CattlePiApiException.Kind.BAD_BODY, "workers' config: " + e.getMessage(), null);
        }
        boolean keyPresent = keys.stream().anyMatch(k -> sameKey(k, controllerKey));
        boolean locationRight = current.raspbianLocation().map(raspbianLocation::equals).orElse(false);
        String marker = usercodeBlock == null ? null : usercodeBlock.lines().findFirst().orElse("");
        boolean usercodeRight = marker == null || current.usercode().contains(marker);
        if (keyPresent && locationRight && usercodeRight) {
            return current;
        }
        DeviceConfig wanted = current.copy();
        if (!keyPresent) {
            List<String> more = new ArrayList<>(keys);
            more.add(controllerKey);
            wanted.authorizedKeys(more);
        }
        wanted.raspbianLocation(raspbianLocation);
        if (!usercodeRight) {
            String existing = current.usercode();
            wanted.usercode(existing.isEmpty() ? usercodeBlock
                    : existing + (existing.endsWith("\n") ? "" : "\n") + usercodeBlock);
        }
        api.putConfig(device, wanted);
        log.info("workers' config updated: {}{}{}", keyPresent ? "" : "controller key added; ",
                locationRight ? "" : "raspbian_location set to " + raspbianLocation + "; ",
                usercodeRight ? "" : "host-key report added to usercode");
        return wanted;
    }

    /** Keys compare by type and data; the trailing comment is a label, not the key. */
    static boolean sameKey(String a, String b) {
        String[] x = a.strip().split("\\s+");
        String[] y = b.strip().split("\\s+");
        return x.length >= 2 && y.length >= 2 && x[0].equals(y[0]) && x[1].equals(y[1]);
    }
}
