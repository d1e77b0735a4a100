package dev.eventsync.jdbc;

import dev.eventsync.core.SyncEngine;
import dev.eventsync.tck.SyncBackendCompatibilityKit;
import java.util.Optional;
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

    /** Another node: its own pool, polling change feed and engine over the same database. */
    @Override
    protected Optional<Server> newPeerNode(Server first) {
        return Optional.of(DATABASE.engineNode(limits()));
    }
}
