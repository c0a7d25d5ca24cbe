package io.cattlepi.ci.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cattlepi.ci.worker.RackMember;
import org.junit.jupiter.api.Test;

class RackMemberTest {
    @Test
    void eachBadFieldIsNamed() {
        assertEquals("host", assertThrows(RackMember.InvalidMember.class,
                () -> RackMember.of("pi-1", "no spaces allowed", 22, null)).field());
        assertEquals("name", assertThrows(RackMember.InvalidMember.class,
                () -> RackMember.of("pi 1", "10.0.0.1", 22, null)).field());
        assertEquals("port", assertThrows(RackMember.InvalidMember.class,
                () -> RackMember.of("pi-1", "10.0.0.1", 70000, null)).field());
        assertEquals("mac", assertThrows(RackMember.InvalidMember.class,
                () -> RackMember.of("pi-1", "10.0.0.1", 22, "B8:27:EB:00:00:01")).field());
        assertEquals(new RackMember("pi-1", "10.0.0.1", 2222, "b8:27:eb:00:00:01"),
                RackMember.of("pi-1", "10.0.0.1", 2222, "b8:27:eb:00:00:01"));
    }
}
