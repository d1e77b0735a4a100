package dev.eventsync.vertx;

import dev.eventsync.core.SyncEngine;
import dev.eventsync.jdbc.JdbcEventStore;
import dev.eventsync.jdbc.JdbcSettings;
import dev.eventsync.tck.SyncBackendCompatibilityKit;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
        VertxSyncServer server = VertxSyncServer.builder(engine).settings(VertxSettings.defaults().withPort(0))
                .vertx(TestServer.sharedVertx()).build();
        int port = server.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return Server.of(storeId -> VertxSyncBackend.create(TestServer.sharedVertx(),
                VertxClientSettings.of(URI.create("ws://127.0.0.1:" + port + "/"), storeId)), () -> {
                    try {
                        server.stop(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("stopping the server failed", e);
                    } finally {
                        engine.close();
                        store.close();
                    }
                });
    }
}
