package io.cattlepi.ci.worker;

/**
 * Where a Pi is in its lifecycle. The first four are the seed's names; {@code autobuild} is the
 * weekly release build; {@code maintenance} and {@code retired} are operator states that the
 * monitor never leaves by itself.
 */
public enum WorkerState {
    UNKNOWN, REBUILD, READY, BUILDING, AUTOBUILD, MAINTENANCE, RETIRED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static WorkerState fromWire(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    /** A leased Pi belongs to its build; the monitor keeps its hands off it. */
    public boolean isLeased() {
        return this == BUILDING || this == AUTOBUILD;
    }
}
