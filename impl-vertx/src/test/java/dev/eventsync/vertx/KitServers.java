package dev.eventsync.vertx;

import dev.eventsync.core.SyncEngine;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.tck.SyncBackendCompatibilityKit.Server;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The server the protocol kit certifies in this module: {@link VertxSyncServer} on an ephemeral port of
 * 127.0.0.1 (on the shared test Vert.x) serving an engine, and {@link VertxSyncBackend} clients to it. Stopping
 * it stops the Vert.x server, then closes the engine and its store.
 */
final class KitServers {

    private KitServers() {
    }

    /** Serves {@code engine} over {@code store} to WebSocket clients with default settings. */
    static Server webSocket(EventStore store, SyncEngine engine) throws Exception {
        return serve(store, engine, "ws", UnaryOperator.identity());
    }

    /**
     * Serves {@code engine} over {@code store}; clients connect to {@code scheme}://127.0.0.1:port/ with the
     * settings {@code client} makes of the defaults.
     */
    static Server serve(EventStore store, SyncEngine engine, String scheme, UnaryOperator<VertxClientSettings> client)
            throws Exception {
        VertxSyncServer server = VertxSyncServer.builder(engine).settings(VertxSettings.defaults().withPort(0))
                .vertx(TestServer.sharedVertx()).build();
        int port = server.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        URI uri = URI.create(scheme + "://127.0.0.1:" + port + "/");
        return Server.of(storeId -> VertxSyncBackend.create(TestServer.sharedVertx(),
                client.apply(VertxClientSettings.of(uri, storeId))), () -> {
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
