package io.cattlepi.ci.store;

import java.time.Instant;

/**
 * One line of the append-only audit trail: something that happened to a worker, a build or a
 * delivery, and why.
 *
 * @param subjectKind {@code worker}, {@code build}, {@code delivery} or {@code rack}
 * @param kind        a short machine name such as {@code transition} or {@code rejected}
 */
public record Event(long seq, Instant at, String subjectKind, String subjectId, String kind, String detail) {
    public static final String WORKER = "worker";
    public static final String BUILD = "build";
    public static final String DELIVERY = "delivery";
    /** The rack as a whole: the workers' shared config. */
    public static final String RACK = "rack";
}
