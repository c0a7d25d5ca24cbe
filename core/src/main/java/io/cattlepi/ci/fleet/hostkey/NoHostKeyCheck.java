package io.cattlepi.ci.fleet.hostkey;

import io.cattlepi.ci.worker.Worker;

/** The seed's behaviour ({@code StrictHostKeyChecking=no}): anything on the rack network can pose as a Pi. */
public final class NoHostKeyCheck implements HostKeyPolicy {
    @Override
    public Verdict verify(Worker worker, String fingerprint) {
        return Verdict.accept("host key checking is off");
    }

    @Override
    public String name() {
        return "off";
    }
}
