package dev.eventsync.jdbc;

import dev.eventsync.core.SyncEngine;
import dev.eventsync.tck.SyncBackendCompatibilityKit;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Certifies the protocol over {@link SyncEngine} with {@link JdbcEventStore} on MariaDB (a fresh database per
 * test class).
 */
class MariaDbSyncBackendCompatibilityTest extends SyncBackendCompatibilityKit {

    @RegisterExtension
    static final ClassDatabase DATABASE = new ClassDatabase("mariadb");

    @Override
    protected Server newServer() {
        return DATABASE.engineNode(limits());
    }
}
