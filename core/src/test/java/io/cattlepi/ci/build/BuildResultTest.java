package io.cattlepi.ci.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BuildResultTest {
    @Test
    void jenkinsResultsMapToCommitStatusStates() {
        assertEquals(BuildResult.SUCCESS, BuildResult.ofRunResult("SUCCESS"));
        assertEquals(BuildResult.FAILURE, BuildResult.ofRunResult("UNSTABLE"));
        assertEquals(BuildResult.FAILURE, BuildResult.ofRunResult("FAILURE"));
        assertEquals(BuildResult.ERROR, BuildResult.ofRunResult("ABORTED"));
        assertEquals(BuildResult.ERROR, BuildResult.ofRunResult("NOT_BUILT"));
        assertEquals(BuildResult.ERROR, BuildResult.ofRunResult(null), "a run that never finished");
    }
}
