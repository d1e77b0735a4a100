package dev.eventsync.jdbc;

import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.tck.EventStoreCompatibilityKit;
import org.junit.jupiter.api.AfterAll;

/** Certifies {@link JdbcEventStore} on PostgreSQL, one fresh schema per test class, with the storage kit. */
class PostgresEventStoreCompatibilityTest extends EventStoreCompatibilityKit {

    private static TestDatabase database;

    @Override
    protected EventStore newStore() {
        synchronized (PostgresEventStoreCompatibilityTest.class) {
            if (database == null) {
                database = TestDatabase.of("postgresql");
            }
        }
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
