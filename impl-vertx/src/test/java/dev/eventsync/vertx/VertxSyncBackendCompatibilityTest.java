package dev.eventsync.vertx;

import dev.eventsync.core.SyncEngine;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.tck.SyncBackendCompatibilityKit;

/**
 * Certifies the Vert.x transport end to end: the protocol kit drives {@link VertxSyncBackend} WebSocket clients
 * over real sockets against {@link VertxSyncServer} serving a {@link SyncEngine} over {@link InMemoryEventStore}.
 */
class VertxSyncBackendCompatibilityTest extends SyncBackendCompatibilityKit {

    @Override
    protected Server newServer() throws Exception {
        InMemoryEventStore store = new InMemoryEventStore();
        SyncEngine engine = SyncEngine.builder(store).build();
        return KitServers.webSocket(store, engine);
    }
}
