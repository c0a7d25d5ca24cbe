package io.cattlepi.ci.fleet.hostkey;

import io.cattlepi.ci.worker.Worker;

/**
 * The default policy: the key seen at the first contact after a boot is pinned (in the worker's
 * record) until the next reboot the controller initiated or observed, which clears the pin. A
 * different key while pinned means something answered in the Pi's place without a reboot.
 */
public final class PerBootPinning implements HostKeyPolicy {
    @Override
    public Verdict verify(Worker worker, String fingerprint) {
        if (worker.hostKey() == null) {
            return Verdict.accept("first contact since the last reboot: pinning " + fingerprint);
        }
        if (worker.hostKey().equals(fingerprint)) {
            return Verdict.accept("matches the key pinned for this boot");
        }
        return Verdict.reject("host key changed without a reboot: pinned " + worker.hostKey() + ", presented " + fingerprint);
    }

    @Override
    public String name() {
        return "per-boot";
    }
}
