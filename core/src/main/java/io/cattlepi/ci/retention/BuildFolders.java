package io.cattlepi.ci.retention;

import java.io.IOException;

/** Where finished builds' published folders (log, artifacts, index page) live, for retention to delete them. */
public interface BuildFolders {
    /**
     * Deletes every object of the build's folder.
     *
     * @return how many objects went; 0 when the folder is already gone (a build that never published)
     * @throws IOException when the store could not be reached or refused; nothing is recorded, the next run tries again
     */
    long delete(String buildId) throws IOException;
}
