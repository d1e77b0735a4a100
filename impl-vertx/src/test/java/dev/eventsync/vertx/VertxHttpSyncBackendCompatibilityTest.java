package dev.eventsync.vertx;

import dev.eventsync.core.SyncEngine;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.tck.SyncBackendCompatibilityKit;
import java.time.Duration;

/**
 * Certifies the HTTP transport end to end: the protocol kit drives {@link VertxSyncBackend} HTTP clients (live
 * pulls by polling every 50 ms) over real sockets against {@link VertxSyncServer} serving a {@link SyncEngine} over
 * {@link InMemoryEventStore}.
 */
class VertxHttpSyncBackendCompatibilityTest extends SyncBackendCompatibilityKit {

    @Override
    protected Server newServer() throws Exception {
        InMemoryEventStore store = new InMemoryEventStore();
        SyncEngine engine = SyncEngine.builder(store).build();
        return KitServers.serve(store, engine, "http", client -> client
                .withTransport(VertxClientSettings.Transport.HTTP).withPollInterval(Duration.ofMillis(50)));
    }
}
