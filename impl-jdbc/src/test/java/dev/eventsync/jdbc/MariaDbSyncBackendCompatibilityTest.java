package dev.eventsync.jdbc;

import dev.eventsync.core.LocalSyncBackend;
import dev.eventsync.core.SyncEngine;
import dev.eventsync.tck.SyncBackendCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Certifies the protocol over {@link SyncEngine} with {@link JdbcEventStore} on MariaDB (a fresh database per
 * test class).
 */
class MariaDbSyncBackendCompatibilityTest extends SyncBackendCompatibilityKit {

    private static TestDatabase database;

    /** Once per class, before the kit's own set-up: an unreachable database skips (or under CI fails) the class. */
    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.of("mariadb");
    }

    @Override
    protected Server newServer() {
        JdbcEventStore store = JdbcEventStore.open(database.settings());
        SyncEngine engine = SyncEngine.builder(store).limits(limits()).build();
        return Server.of(storeId -> new LocalSyncBackend(engine, storeId), () -> {
            engine.close();
            store.close();
        });
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
            database = null;
        }
    }
}
