package dev.eventsync.vertx;

import dev.eventsync.api.SyncLimits;
import dev.eventsync.core.SyncEngine;
import dev.eventsync.core.SyncEngineBuilder;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.spi.transport.Authenticator;
import dev.eventsync.spi.transport.PushInterceptor;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A real server for tests: SyncEngine over InMemoryEventStore, served by VertxSyncServer on a free port. */
final class TestServer implements AutoCloseable {

    interface EngineCustomizer {
        void customize(SyncEngineBuilder builder);
    }

    final InMemoryEventStore store;
    final SyncEngine engine;
    final VertxSyncServer server;
    final int port;

    private TestServer(InMemoryEventStore store, SyncEngine engine, VertxSyncServer server) throws Exception {
        this.store = store;
        this.engine = engine;
        this.server = server;
        this.port = server.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static TestServer start() throws Exception {
        return start(VertxSettings.defaults(), b -> { });
    }

    static TestServer start(VertxSettings settings) throws Exception {
        return start(settings, b -> { });
    }

    static TestServer withAuthenticator(Authenticator authenticator) throws Exception {
        return start(VertxSettings.defaults(), b -> b.authenticator(authenticator));
    }

    static TestServer withInterceptor(PushInterceptor interceptor) throws Exception {
        return start(VertxSettings.defaults(), b -> b.pushInterceptor(interceptor));
    }

    static TestServer start(VertxSettings settings, EngineCustomizer customizer) throws Exception {
        InMemoryEventStore store = new InMemoryEventStore();
        SyncEngineBuilder builder = SyncEngine.builder(store).limits(SyncLimits.defaults());
        customizer.customize(builder);
        SyncEngine engine = builder.build();
        return new TestServer(store, engine, VertxSyncServer.builder(engine).settings(settings.withPort(0)).build());
    }

    URI wsUri() {
        return URI.create("ws://127.0.0.1:" + port + "/");
    }

    URI httpUri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** Stops the transport (as a server shutdown would), then the engine. */
    @Override
    public void close() throws ExecutionException, TimeoutException {
        try {
            server.stop(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the server", e);
        } finally {
            engine.close();
        }
    }

    /** One Vert.x for the tests' raw clients. */
    static Vertx sharedVertx() {
        return Shared.VERTX;
    }

    private static final class Shared {
        static final Vertx VERTX = Vertx.vertx();
    }
}
