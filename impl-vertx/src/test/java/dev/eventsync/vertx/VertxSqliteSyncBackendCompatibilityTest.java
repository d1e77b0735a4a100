package dev.eventsync.vertx;

import dev.eventsync.core.SyncEngine;
import dev.eventsync.jdbc.JdbcEventStore;
import dev.eventsync.jdbc.JdbcSettings;
import dev.eventsync.tck.SyncBackendCompatibilityKit;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certifies the WebSocket transport over durable storage: {@link VertxSyncBackend} clients over real sockets
 * against {@link VertxSyncServer} serving a {@link SyncEngine} over {@link JdbcEventStore} on an SQLite file.
 */
class VertxSqliteSyncBackendCompatibilityTest extends SyncBackendCompatibilityKit {

    @TempDir
    static Path directory;

    @Override
    protected Server newServer() throws Exception {
        JdbcEventStore store = JdbcEventStore.open(JdbcSettings.sqlite(directory.resolve("eventsync.db")));
        SyncEngine engine = SyncEngine.builder(store).limits(limits()).build();
        return KitServers.webSocket(store, engine);
    }
}
