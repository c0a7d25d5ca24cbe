package io.cattlepi.ci.report;

/** Port: posts commit statuses (GitHub in production). */
public interface StatusPublisher {
    void post(String repository, String sha, CommitStatus status) throws ReportException;
}
