package dev.eventsync.core;

import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.tck.SyncBackendCompatibilityKit;

/** Certifies {@link SyncEngine} over {@link InMemoryEventStore}, driven through {@link LocalSyncBackend}. */
class LocalSyncBackendCompatibilityTest extends SyncBackendCompatibilityKit {

    @Override
    protected Server newServer() {
        InMemoryEventStore store = new InMemoryEventStore();
        SyncEngine engine = SyncEngine.builder(store).build();
        return Server.of(storeId -> new LocalSyncBackend(engine, storeId), () -> {
            engine.close();
            store.close();
        });
    }
}
