package io.cattlepi.ci.build;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Build ids: sortable by time for people and S3 listings, random enough to never collide. */
public final class BuildIds {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private BuildIds() {
    }

    public static String next(Instant now) {
        byte[] r = new byte[3];
        ThreadLocalRandom.current().nextBytes(r);
        return STAMP.format(now) + "-" + HexFormat.of().formatHex(r);
    }
}
