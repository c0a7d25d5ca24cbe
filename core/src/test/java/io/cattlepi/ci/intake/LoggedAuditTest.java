package io.cattlepi.ci.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every delivery still reaches the audit trail when the log only counts a flood of rejections. */
class LoggedAuditTest {
    @Test
    void aFloodOfRejectionsIsCountedNotLoggedLineByLineAndTheTrailKeepsEveryOne() {
        List<String> trail = new ArrayList<>();
        LoggedAudit audit = new LoggedAudit((d, o, x) -> trail.add(d + " " + o),
                Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC));
        for (int i = 0; i < 500; i++) {
            audit.record("d-" + i, "unauthorized", "signature does not match");
        }
        audit.record("d-ok", "accepted", "pull_request opened");
        assertEquals(501, trail.size());
    }
}
