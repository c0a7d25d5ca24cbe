package io.cattlepi.ci.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.fleet.FleetSettings;
import io.cattlepi.ci.fleet.PiLeases;
import io.cattlepi.ci.fleet.hostkey.HostKeyMode;
import io.cattlepi.ci.fleet.ssh.SshKeys;
import io.cattlepi.ci.rack.Rack;
import io.cattlepi.ci.rack.RackSettings;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.pi.RackFixture;
import io.cattlepi.ci.store.Store;
import io.cattlepi.ci.worker.RackMember;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rack as a front end (the Jenkins cloud) uses it: Pis leased to named holders, never more
 * than are ready, reset to stock over real SSH before they are leased again, and orphaned leases
 * reaped. The rack is set up through the CattlePi API like the standalone controller's.
 */
class PiLeasesOnSimulatedRackTest {

    @TempDir
    Path dir;

    private RackFixture fixture;
    private Store store;
    private Rack rack;
    private PiLeases leases;

    @BeforeEach
    void start() throws Exception {
        fixture = RackFixture.start(3, PiTimings.fast());
        store = Store.open(dir.resolve("rack.db"), Clock.systemUTC());
        List<RackMember> members = fixture.rack().pis().stream()
                .map(p -> new RackMember(p.name(), p.host(), p.port(), p.mac())).toList();
        RackSettings settings = new RackSettings(members, "pi",
                SshKeys.parse(fixture.privateKeyText().getBytes(StandardCharsets.US_ASCII), "test key"),
                fixture.publicKeyLine(), HostKeyMode.PER_BOOT, URI.create(fixture.api().url()), new Secret(RackFixture.API_KEY),
                URI.create(fixture.api().url() + RackFixture.RASPBIAN_PATH), "default", Duration.ofSeconds(5),
                new FleetSettings(Duration.ofMillis(300), Duration.ofMillis(100), Duration.ofSeconds(5), 3,
                        Duration.ofSeconds(5), 4));
        rack = Rack.start(store, settings, (before, after) -> { });
        leases = rack.leases();
        assertTrue(await(() -> leases.ready(w -> true) == 3), "the rack comes up ready");
    }

    @AfterEach
    void stop() {
        rack.close();
        store.close();
        fixture.close();
    }

    private static boolean await(BooleanSupplier condition) {
        return SimulatedFleet.await(condition);
    }

    private Worker worker(String id) {
        return store.read(tx -> tx.worker(id)).orElseThrow();
    }

    @Test
    void neverMoreLeasesThanReadyPisAndAReturnedPiIsResetBeforeItsNextLease() throws Exception {
        Set<String> pis = new HashSet<>();
        for (String holder : List.of("jenkins:a", "jenkins:b", "jenkins:c")) {
            Worker w = leases.lease(holder, x -> true).orElseThrow();
            assertEquals(WorkerState.BUILDING, w.state());
            assertEquals(holder, w.buildId());
            pis.add(w.id());
        }
        assertEquals(3, pis.size(), "one holder per Pi");
        assertEquals(Optional.empty(), leases.lease("jenkins:d", x -> true), "no fourth Pi");
        assertEquals(0, leases.ready(x -> true));

        String piOfA = leases.heldBy("jenkins:a").orElseThrow().id();
        int boots = fixture.rack().pi(piOfA).bootCount();
        Worker back = leases.release("jenkins:a", false, "build finished").orElseThrow();
        assertEquals(WorkerState.REBUILD, back.state(), "straight into reset, not ready");
        assertEquals(Optional.empty(), leases.lease("jenkins:d", x -> true), "not leasable while it resets");
        assertTrue(await(() -> worker(piOfA).state() == WorkerState.READY), "ready again after the reset");
        assertTrue(fixture.rack().pi(piOfA).bootCount() >= boots + 2, "rebooted into CattlePi and back to stock");
        assertEquals(piOfA, leases.lease("jenkins:d", x -> true).orElseThrow().id());
    }

    @Test
    void aHolderOnlyGetsAnEligiblePiAndALateReleaseCannotFreeTheNextHoldersPi() throws Exception {
        Worker first = leases.lease("jenkins:old", w -> w.id().equals("pi-2")).orElseThrow();
        assertEquals("pi-2", first.id());
        leases.release("jenkins:old", false, "done");
        assertTrue(await(() -> worker("pi-2").state() == WorkerState.READY));
        assertEquals("pi-2", leases.lease("jenkins:new", w -> w.id().equals("pi-2")).orElseThrow().id());

        assertEquals(Optional.empty(), leases.release("jenkins:old", false, "a repeated release"));
        assertEquals("jenkins:new", worker("pi-2").buildId());
        assertEquals(WorkerState.BUILDING, worker("pi-2").state());
    }

    @Test
    void orphanedLeasesOfThisFrontEndAreReapedOthersAreLeftAlone() throws Exception {
        String alive = leases.lease("jenkins:alive", x -> true).orElseThrow().id();
        String orphan = leases.lease("jenkins:gone", x -> true).orElseThrow().id();
        String foreign = leases.lease("other:x", x -> true).orElseThrow().id();

        assertEquals(List.of(), leases.reap("jenkins:", Set.of("jenkins:alive"), Duration.ofHours(1), "too young"),
                "a lease its front end may not show yet is kept");
        List<Worker> reaped = leases.reap("jenkins:", Set.of("jenkins:alive"), Duration.ZERO, "no such node after a restart");
        assertEquals(List.of(orphan), reaped.stream().map(Worker::id).toList());
        assertEquals(WorkerState.BUILDING, worker(alive).state());
        assertEquals(WorkerState.BUILDING, worker(foreign).state());
        assertNotEquals(WorkerState.BUILDING, worker(orphan).state());
        assertTrue(await(() -> worker(orphan).state() == WorkerState.READY), "the orphan is reset and ready again");
    }
}
