package io.cattlepi.ci.report;

import java.nio.file.Path;

/** Port: where build logs and artifacts are published (S3 in production). */
public interface ArtifactStore {
    /** Uploads one file under {@code key} with its content type. */
    void put(String key, Path file, String contentType) throws ReportException;

    /** Uploads bytes under {@code key}. */
    void put(String key, byte[] content, String contentType) throws ReportException;

    /** The public URL a browser uses for {@code key} (from the configured public prefix). */
    String publicUrl(String key);
}
