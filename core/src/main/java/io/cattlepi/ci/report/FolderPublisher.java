package io.cattlepi.ci.report;

import java.nio.file.Path;

/** Port: publishes a build's folder (log, result, artifacts, index page) under the build's id. */
public interface FolderPublisher {
    /** Publishes nothing and links nowhere: a front end that keeps the log itself (Jenkins without a bucket). */
    FolderPublisher NONE = new FolderPublisher() {
        @Override
        public void publish(String buildId, Path folder) {
        }

        @Override
        public String indexUrl(String buildId) {
            return null;
        }
    };

    void publish(String buildId, Path folder) throws ReportException;

    /** The link put on the commit status: the build's index page. */
    String indexUrl(String buildId);
}
