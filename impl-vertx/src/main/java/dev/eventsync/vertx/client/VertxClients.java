package dev.eventsync.vertx.client;

import dev.eventsync.api.SyncBackend;
import dev.eventsync.vertx.VertxClientSettings;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Creates the client for a transport, with its callback thread and, unless given, its own Vert.x. */
public final class VertxClients {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private VertxClients() {
    }

    public static SyncBackend create(VertxClientSettings settings, Optional<Vertx> givenVertx) {
        Vertx vertx = givenVertx.orElseGet(Vertx::vertx);
        String name = "eventsync-client-" + COUNTER.incrementAndGet() + "-" + settings.storeId();
        ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        Runnable onClose = () -> {
            callbacks.shutdown();
            if (givenVertx.isEmpty()) {
                vertx.close();
            }
        };
        return switch (settings.transport()) {
            case WEBSOCKET -> new WsSyncClient(settings, vertx, callbacks, onClose);
            case HTTP -> new HttpSyncClient(settings, vertx, callbacks, onClose);
        };
    }
}
