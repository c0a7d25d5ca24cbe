package io.jenkins.plugins.cattlepi.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.model.Result;
import io.cattlepi.ci.build.BuildResult;
import org.junit.jupiter.api.Test;

/** A plain unit test: Jenkins' results are constants, no Jenkins needs to run. */
class RunResultsTest {
    @Test
    void jenkinsResultsMapToCommitStatusStates() {
        assertEquals(BuildResult.SUCCESS, RunResults.of(Result.SUCCESS));
        assertEquals(BuildResult.FAILURE, RunResults.of(Result.UNSTABLE));
        assertEquals(BuildResult.FAILURE, RunResults.of(Result.FAILURE));
        assertEquals(BuildResult.ERROR, RunResults.of(Result.ABORTED));
        assertEquals(BuildResult.ERROR, RunResults.of(Result.NOT_BUILT));
        assertEquals(BuildResult.ERROR, RunResults.of(null), "a run that never finished");
    }
}
