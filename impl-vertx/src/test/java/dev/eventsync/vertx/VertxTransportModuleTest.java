package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.eventsync.api.Event;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.core.CoreModule;
import dev.eventsync.core.SyncEngine;
import dev.eventsync.memory.MemoryStorageModule;
import dev.eventsync.spi.transport.TransportServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Guice wiring: core + memory storage + this transport make a working server. */
class VertxTransportModuleTest {

    @Test
    void injectorServesSyncOverTheBoundTransport() throws Exception {
        Injector injector = Guice.createInjector(new CoreModule(), new MemoryStorageModule(),
                new VertxTransportModule(VertxSettings.defaults().withPort(0)));
        Set<TransportServer> transports = injector.getInstance(Key.get(new TypeLiteral<Set<TransportServer>>() { }));
        assertThat(transports).hasSize(1).first().isSameAs(injector.getInstance(VertxSyncServer.class));
        TransportServer transport = transports.iterator().next();
        assertThat(transport.name()).isEqualTo("vertx");
        int port = transport.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (VertxSyncBackend client = VertxSyncBackend.create(TestServer.sharedVertx(),
                VertxClientSettings.of(URI.create("ws://127.0.0.1:" + port + "/sync"), StoreId.of("guice")))) {
            PushResult result = client.push(List.of(Event.of("e", "{}", 1, 0, "c", "s")))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(result).isEqualTo(new PushResult.Appended(1, 1));
        } finally {
            transport.stop(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            injector.getInstance(SyncEngine.class).close();
        }
    }
}
