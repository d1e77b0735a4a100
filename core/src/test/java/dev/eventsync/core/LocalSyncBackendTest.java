package dev.eventsync.core;

import static dev.eventsync.core.SyncEnginePushTest.join;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.eventsync.api.Capabilities;
import dev.eventsync.api.ConnectionState;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncBackend;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.memory.MemoryStorageModule;
import dev.eventsync.spi.transport.SyncService;
import dev.eventsync.spi.transport.Verdict;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class LocalSyncBackendTest {

    @Test
    void connectsPushesPullsLiveAndCloses() throws Exception {
        try (SyncEngine engine = SyncEngine.builder(new dev.eventsync.memory.InMemoryEventStore()).build();
             SyncBackend client = new LocalSyncBackend(engine, StoreId.of("todos"))) {
            List<ConnectionState> states = new CopyOnWriteArrayList<>();
            AutoCloseable watch = client.onConnectionState(states::add);
            assertThat(client.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
            join(client.connect());
            assertThat(client.connectionState()).isEqualTo(ConnectionState.CONNECTED);
            assertThat(client.supports()).isEqualTo(new Capabilities(true, true));
            join(client.ping());

            PullProbe live = PullProbe.unbounded();
            client.pull(Optional.empty(), true).subscribe(live);
            live.awaitPages(1);
            assertThat(join(client.push(Events.chain(0, 2, "me")))).isEqualTo(new PushResult.Appended(2, 2));
            live.awaitEvents(2);

            client.close();
            assertThat(SyncErrorException.errorOf(live.awaitTermination().error()))
                    .hasValueSatisfying(e -> assertThat(e).isInstanceOf(SyncError.Unavailable.class));
            assertThat(SyncEnginePushTest.errorOf(client.push(Events.chain(2, 1, "me"))))
                    .isInstanceOf(SyncError.Unavailable.class);
            assertThat(states).containsExactly(ConnectionState.DISCONNECTED, ConnectionState.CONNECTED,
                    ConnectionState.CLOSED);
            watch.close();
        }
    }

    @Test
    void guiceAssemblesTheEngineFromACoreAndAStorageModuleWithHooksFromEventsyncBinder() {
        Injector injector = Guice.createInjector(new CoreModule(), new MemoryStorageModule(), new AbstractModule() {
            @Override
            protected void configure() {
                EventsyncBinder.of(binder()).limits().toInstance(SyncLimits.defaults().withMaxPushEvents(3));
                EventsyncBinder.of(binder()).addPushInterceptor().toInstance((ctx, event) ->
                        event.name().startsWith("admin") ? Verdict.reject("admin events are not synced") : Verdict.accept());
            }
        });
        SyncEngine engine = injector.getInstance(SyncEngine.class);
        try {
            assertThat(injector.getInstance(SyncService.class)).isSameAs(engine);
            assertThat(engine.limits().maxPushEvents()).isEqualTo(3);
            SyncBackend client = new LocalSyncBackend(engine, StoreId.of("wired"));
            assertThat(SyncEnginePushTest.errorOf(client.push(Events.chain(0, 4, "c"))))
                    .isEqualTo(new SyncError.LimitExceeded("maxPushEvents", 3, 4));
            assertThat(SyncEnginePushTest.errorOf(client.push(List.of(
                    dev.eventsync.api.Event.of("adminWiped-v1", null, 1, 0, "c", "s")))))
                    .isInstanceOf(SyncError.Rejected.class);
            assertThat(join(client.push(Events.chain(0, 3, "c")))).isEqualTo(new PushResult.Appended(3, 3));
        } finally {
            engine.close();
        }
    }
}
