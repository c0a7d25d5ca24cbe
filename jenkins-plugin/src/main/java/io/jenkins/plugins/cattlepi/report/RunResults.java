package io.jenkins.plugins.cattlepi.report;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Result;
import io.cattlepi.ci.build.BuildResult;

/** A Jenkins run's result as the build result core reports on GitHub (core knows no Jenkins results). */
public final class RunResults {
    private RunResults() {
    }

    /**
     * SUCCESS passes; UNSTABLE and FAILURE ran to the end, so they are the code's fault; ABORTED,
     * NOT_BUILT or no result at all (a run that never finished) mean the build did not finish,
     * which GitHub calls error. "Ran to the end" is Jenkins' own {@link Result#isCompleteBuild()}.
     */
    public static BuildResult of(@CheckForNull Result result) {
        if (result == null) {
            return BuildResult.ERROR;
        }
        if (result == Result.SUCCESS) {
            return BuildResult.SUCCESS;
        }
        return result.isCompleteBuild() ? BuildResult.FAILURE : BuildResult.ERROR;
    }
}
