package dev.eventsync.jdbc;

import dev.eventsync.api.SyncLimits;
import dev.eventsync.core.LocalSyncBackend;
import dev.eventsync.core.SyncEngine;
import dev.eventsync.tck.SyncBackendCompatibilityKit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One fresh {@link TestDatabase} of a kind for a whole test class, registered as a static
 * {@code @RegisterExtension} field: created before any of the class's own (and its kit's) set-up, so an
 * unreachable database skips (or under CI fails) the class, and dropped after the class.
 */
final class ClassDatabase implements BeforeAllCallback, AfterAllCallback {

    private final String kind;
    private TestDatabase database;

    ClassDatabase(String kind) {
        this.kind = kind;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database = TestDatabase.of(kind);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (database != null) {
            database.close();
            database = null;
        }
    }

    /** The settings of this class's database; only while the class runs. */
    JdbcSettings settings() {
        if (database == null) {
            throw new IllegalStateException("the " + kind + " test database is open only while its class runs");
        }
        return database.settings();
    }

    /** A fresh store over this class's database. */
    JdbcEventStore openStore() {
        return JdbcEventStore.open(settings());
    }

    /**
     * A sync node for the protocol kit: its own store (pool and change feed) and {@link SyncEngine} with
     * {@code limits} over this class's database, closed with the server.
     */
    SyncBackendCompatibilityKit.Server engineNode(SyncLimits limits) {
        JdbcEventStore store = openStore();
        SyncEngine engine = SyncEngine.builder(store).limits(limits).build();
        return SyncBackendCompatibilityKit.Server.of(storeId -> new LocalSyncBackend(engine, storeId), () -> {
            engine.close();
            store.close();
        });
    }
}
