package dev.eventsync.jdbc;

import dev.eventsync.core.SyncEngine;
import dev.eventsync.tck.SyncBackendCompatibilityKit;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Certifies the protocol over {@link SyncEngine} with {@link JdbcEventStore} on PostgreSQL (a fresh schema per
 * test class), including two nodes over one database (P-NODE-01).
 */
class PostgresSyncBackendCompatibilityTest extends SyncBackendCompatibilityKit {

    @RegisterExtension
    static final ClassDatabase DATABASE = new ClassDatabase("postgresql");

    @Override
    protected Server newServer() {
        return DATABASE.engineNode(limits());
    }

    /** Another node: its own pool, change feed and engine over the same schema. */
    @Override
    protected Optional<Server> newPeerNode(Server first) {
        return Optional.of(DATABASE.engineNode(limits()));
    }
}
