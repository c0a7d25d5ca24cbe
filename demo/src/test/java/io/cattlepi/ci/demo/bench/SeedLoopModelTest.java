package io.cattlepi.ci.demo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The seed's loop in virtual time: the rules that make it slow show in its figures. */
class SeedLoopModelTest {
    private static final SeedLoopModel.Costs COSTS = SeedLoopModel.Costs.seed(0.5, 0.2);

    @Test
    void aFinishedPiWaitsTwoBuilderTimeoutsBeforeItIsReadyAgain() {
        // 60 s until the monitor looks at it and resets it, 60 s more until it is seen on stock.
        SeedLoopModel.Outcome o = new SeedLoopModel(COSTS, 1, 10, 5).closedLoop(3);
        assertEquals(2, o.turnaroundOverhead().size(), o.toString());
        for (double overhead : o.turnaroundOverhead()) {
            assertTrue(overhead > 2 * 60 - 5 && overhead < 2 * 60 + 10, "overhead " + overhead);
        }
    }

    @Test
    void dispatchIsAtLeastOneCliCallAndTheBuilderStart() {
        SeedLoopModel.Outcome o = new SeedLoopModel(COSTS, 3, 10, 5).closedLoop(20);
        assertEquals(20, o.dispatch().size());
        assertTrue(o.dispatch().stream().allMatch(d -> d >= 0.5 + 0.2), o.dispatch().toString());
    }

    @Test
    void makespanOfAllQueuedJobsFarExceedsTheIdeal() {
        double length = 30;
        double reset = 5;
        SeedLoopModel.Outcome o = new SeedLoopModel(COSTS, 3, length, reset).allAtOnce(12);
        double ideal = 12 * (length + reset) / 3;
        assertTrue(o.makespan() > 2 * ideal, "makespan " + o.makespan() + " ideal " + ideal);
    }
}
