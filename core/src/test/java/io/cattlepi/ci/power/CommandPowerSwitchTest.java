package io.cattlepi.ci.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.fleet.PowerControl;
import io.cattlepi.ci.worker.RackMember;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Power commands run as real processes: no shell, placeholders inside one argument, failures named, arguments never shown. */
class CommandPowerSwitchTest {
    private static final RackMember PI = RackMember.of("pi-1", "10.0.0.11", 22, "b8:27:eb:00:00:01", List.of());

    @TempDir
    Path dir;
    private final List<Duration> slept = new ArrayList<>();

    private CommandPowerSwitch power(PowerCommands commands, Duration timeout) {
        return new CommandPowerSwitch(new PowerSettings(Map.of(PI.id(), commands.forPi(PI)), Duration.ofMinutes(5), 3,
                Duration.ofSeconds(5), timeout), slept::add);
    }

    @Test
    void aCycleRunsOffThenOnWithThePlaceholdersFilledInsideOneArgumentEach() throws Exception {
        Path record = dir.resolve("switched");
        // printf gets "{name} at {host}; rm -rf /" as ONE argument: nothing of it is ever parsed by a shell.
        List<String> off = List.of("sh", "-c", "printf '%s\\n' \"$1\" >> \"$2\"", "sh", "off {name} at {host}; rm -rf /",
                record.toString());
        List<String> on = List.of("sh", "-c", "printf '%s\\n' \"$1\" >> \"$2\"; echo switched", "sh", "on {mac}",
                record.toString());
        String said = power(new PowerCommands(off, on), Duration.ofSeconds(10)).cycle("pi-1");
        assertEquals("off pi-1 at 10.0.0.11; rm -rf /\non b8:27:eb:00:00:01\n", Files.readString(record));
        assertEquals("off (sh exit 0), 5 s, on (sh exit 0: switched)", said);
        assertEquals(List.of(Duration.ofSeconds(5)), slept, "off for power_off_s between the two");
    }

    @Test
    void aFailingCommandIsNamedByItsProgramOnlyWithItsLastWords() {
        PowerControl.Failed e = assertThrows(PowerControl.Failed.class, () -> power(new PowerCommands(
                List.of("sh", "-c", "echo 'port 2: no such port' >&2; exit 3", "community=s3cret"), List.of("true")),
                Duration.ofSeconds(10)).cycle("pi-1"));
        assertEquals("power off command (sh) exited with 3: port 2: no such port", e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"));
        assertTrue(slept.isEmpty(), "never switched on after a failed off");
    }

    @Test
    void aHangingCommandIsKilledAtItsLimitAndAMissingOneSaysSo() {
        PowerControl.Failed slow = assertThrows(PowerControl.Failed.class, () -> power(new PowerCommands(
                List.of("sleep", "60"), List.of("true")), Duration.ofSeconds(1)).cycle("pi-1"));
        assertEquals("power off command (sleep) did not end within 1 s", slow.getMessage());
        PowerControl.Failed missing = assertThrows(PowerControl.Failed.class, () -> power(new PowerCommands(
                List.of("true"), List.of("/nonexistent/uhubctl", "-a", "on")), Duration.ofSeconds(5)).cycle("pi-1"));
        assertTrue(missing.getMessage().startsWith("power on command (uhubctl) could not run"), missing.getMessage());
    }

    @Test
    void onlyConfiguredPisAreControlledAndPlaceholdersAreChecked() {
        CommandPowerSwitch power = power(new PowerCommands(List.of("true"), List.of("true")), Duration.ofSeconds(5));
        assertTrue(power.controls("pi-1"));
        assertFalse(power.controls("pi-2"));
        assertThrows(PowerControl.Failed.class, () -> power.cycle("pi-2"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new PowerCommands(List.of("relay", "{port}"), List.of("true")));
        assertEquals("off: unknown placeholder {port} (known: {name}, {host}, {mac})", unknown.getMessage());
        IllegalArgumentException noMac = assertThrows(IllegalArgumentException.class,
                () -> new PowerCommands(List.of("relay", "{mac}"), List.of("true"))
                        .forPi(RackMember.of("pi-9", "10.0.0.19", 22, null, List.of())));
        assertEquals("Pi pi-9 has no mac, and its power commands use {mac}", noMac.getMessage());
    }
}
