package io.cattlepi.ci.store;

import java.time.Instant;

/**
 * One line of the append-only audit trail: something that happened to a worker, a build or a
 * delivery, and why.
 *
 * @param subjectKind {@code worker}, {@code build} or {@code delivery}
 * @param kind        a short machine name such as {@code transition} or {@code rejected}
 */
public record Event(long seq, Instant at, String subjectKind, String subjectId, String kind, String detail) {
    public static final String WORKER = "worker";
    public static final String BUILD = "build";
    public static final String DELIVERY = "delivery";
}
