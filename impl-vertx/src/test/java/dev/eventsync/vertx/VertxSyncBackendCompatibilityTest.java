package dev.eventsync.vertx;

import dev.eventsync.core.SyncEngine;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.tck.SyncBackendCompatibilityKit;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Certifies the Vert.x transport end to end: the protocol kit drives {@link VertxSyncBackend} WebSocket clients
 * over real sockets against {@link VertxSyncServer} serving a {@link SyncEngine} over {@link InMemoryEventStore}.
 */
class VertxSyncBackendCompatibilityTest extends SyncBackendCompatibilityKit {

    @Override
    protected Server newServer() throws Exception {
        InMemoryEventStore store = new InMemoryEventStore();
        SyncEngine engine = SyncEngine.builder(store).build();
        VertxSyncServer server = VertxSyncServer.builder(engine).settings(VertxSettings.defaults().withPort(0))
                .vertx(TestServer.sharedVertx()).build();
        int port = server.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return Server.of(storeId -> VertxSyncBackend.create(TestServer.sharedVertx(),
                VertxClientSettings.of(java.net.URI.create("ws://127.0.0.1:" + port + "/"), storeId)), () -> {
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
