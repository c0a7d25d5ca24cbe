package io.cattlepi.ci.report;

import java.nio.file.Path;

/** Port: publishes a build's folder (log, result, artifacts, index page) under the build's id. */
public interface FolderPublisher {
    void publish(String buildId, Path folder) throws ReportException;

    /** The link put on the commit status: the build's index page. */
    String indexUrl(String buildId);
}
