package io.cattlepi.ci.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a release migrates a store forward it keeps a copy of it as it was, beside it: rolling
 * back to the previous release then never depends on the migration having been one it can run on.
 */
final class PreMigrationBackup {
    private static final Logger log = LoggerFactory.getLogger(PreMigrationBackup.class);

    private PreMigrationBackup() {
    }

    /** Where the copy of {@code store} at {@code schema} goes. */
    static Path name(Path store, int schema) {
        return Path.of(store + ".schema-" + schema + ".bak");
    }

    static void take(Connection c, Path store, int schema) throws SQLException {
        Path to = name(store, schema);
        if (Files.exists(to)) {
            return; // one per schema: the first, taken before anything touched it
        }
        StoreBackup.backup(c, to);
        log.info("state database {} is at schema {}: kept a copy as it was in {} before migrating it", store, schema, to);
    }
}
