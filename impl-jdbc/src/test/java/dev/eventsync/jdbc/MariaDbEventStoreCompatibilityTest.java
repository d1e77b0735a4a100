package dev.eventsync.jdbc;

import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.tck.EventStoreCompatibilityKit;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Certifies {@link JdbcEventStore} on MariaDB, one fresh database per test class, with the storage kit. */
class MariaDbEventStoreCompatibilityTest extends EventStoreCompatibilityKit {

    @RegisterExtension
    static final ClassDatabase DATABASE = new ClassDatabase("mariadb");

    @Override
    protected EventStore newStore() {
        return DATABASE.openStore();
    }

    @Override
    protected boolean durable() {
        return true;
    }

    @Override
    protected EventStore reopen(EventStore closed) {
        return DATABASE.openStore();
    }
}
