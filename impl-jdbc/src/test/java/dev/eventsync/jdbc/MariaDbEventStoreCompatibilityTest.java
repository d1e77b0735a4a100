package dev.eventsync.jdbc;

import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.tck.EventStoreCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Certifies {@link JdbcEventStore} on MariaDB, one fresh database per test class, with the storage kit. */
class MariaDbEventStoreCompatibilityTest extends EventStoreCompatibilityKit {

    private static TestDatabase database;

    /** Once per class, before the kit's own set-up: an unreachable database skips (or under CI fails) the class. */
    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.of("mariadb");
    }

    @Override
    protected EventStore newStore() {
        return JdbcEventStore.open(database.settings());
    }

    @Override
    protected boolean durable() {
        return true;
    }

    @Override
    protected EventStore reopen(EventStore closed) {
        return JdbcEventStore.open(database.settings());
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
            database = null;
        }
    }
}
