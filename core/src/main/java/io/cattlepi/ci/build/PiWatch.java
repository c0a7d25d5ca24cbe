package io.cattlepi.ci.build;

import io.cattlepi.ci.worker.Worker;
import java.util.Optional;

/**
 * Port: what a running build asks of its leased Pi from outside the build, over the controller's
 * own SSH: whether it answers, whether it runs stock Raspbian, and which boot (and host key) it is on.
 */
public interface PiWatch {
    /**
     * The Pi's current boot as seen now.
     *
     * @param bootId     {@code /proc/sys/kernel/random/boot_id}: new at every boot
     * @param keyEntry   the presented host key as OpenSSH writes it ({@code ssh-ed25519 AAAA...})
     * @param trusted    whether the host-key policy accepts this key for a new boot (track: reported by the Pi)
     */
    record PiBoot(String bootId, String fingerprint, String keyEntry, boolean trusted, String why) {
    }

    boolean alive(Worker pi);

    boolean onStock(Worker pi);

    /** Empty when the Pi does not answer (rebooting, powered off). */
    Optional<PiBoot> boot(Worker pi);
}
