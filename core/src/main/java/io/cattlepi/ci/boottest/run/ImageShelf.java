package io.cattlepi.ci.boottest.run;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Port: where a build's boot images are put for its Pi to download while its battery runs: the
 * controller's own HTTP server, or S3 behind presigned URLs. Nothing is listed or guessable, and
 * nothing stays once the battery is over.
 */
public interface ImageShelf {
    /** What was published: each image's URL by file name, and a reference to take them down again. */
    record Published(Map<String, URI> urls, String ref) {
        public Published {
            urls = Map.copyOf(urls);
        }
    }

    /** Makes the staged files (by name) downloadable. */
    Published publish(String buildId, Map<String, Path> staged) throws IOException;

    /** Takes them down; harmless when they are gone already. {@code ref} may be null (nothing was published). */
    void withdraw(String buildId, String ref);

    /** How the images reach the Pi, for the build's log. */
    String describe();
}
