package dev.eventsync.core;

import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.tck.SyncBackendCompatibilityKit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Certifies {@link SyncEngine} over {@link InMemoryEventStore}, driven through {@link LocalSyncBackend};
 * for P-NODE-01, a second engine over the same storage, the two told of each other's appends by a
 * change feed ({@link SharedStorage}); P-RESET-01 resets through {@link SyncEngine#resetStore}.
 */
class LocalSyncBackendCompatibilityTest extends SyncBackendCompatibilityKit {

    private final Map<Server, SharedStorage> storages = new ConcurrentHashMap<>();

    @Override
    protected Server newServer() {
        SharedStorage shared = new SharedStorage();
        Server server = node(shared, shared::close);
        storages.put(server, shared);
        return server;
    }

    @Override
    protected Optional<Server> newPeerNode(Server first) {
        SharedStorage shared = storages.get(first);
        return Optional.ofNullable(shared).map(storage -> node(storage, () -> {
        }));
    }

    private Server node(SharedStorage shared, Runnable afterStop) {
        SyncEngine engine = SyncEngine.builder(shared.node()).build();
        return Server.of(storeId -> new LocalSyncBackend(engine, storeId), () -> {
            engine.close();
            afterStop.run();
        }).withReset(storeId -> engine.resetStore(storeId).toCompletableFuture().join());
    }
}
