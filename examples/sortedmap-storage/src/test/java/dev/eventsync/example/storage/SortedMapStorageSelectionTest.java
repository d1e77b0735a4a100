package dev.eventsync.example.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.server.Eventsync;
import dev.eventsync.server.EventsyncServer;
import dev.eventsync.server.ServerConfig;
import dev.eventsync.server.StorageSpec;
import dev.eventsync.server.cli.EventsyncCommand;
import dev.eventsync.vertx.VertxClientSettings;
import dev.eventsync.vertx.VertxSyncBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A storage that is not one of Eventsync's modules, only a jar on the server's classpath, is selectable with
 * {@code --storage sortedmap}: the server module does not know this module (it is a test dependency here, never
 * the other way round), so nothing in the server had to change for it.
 */
class SortedMapStorageSelectionTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = EventsyncCommand.run(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void theSettingNamesTheStorageOnTheClasspath() {
        assertThat(StorageSpec.parse("sortedmap")).isEqualTo(new StorageSpec("sortedmap", ""));
        assertThat(StorageSpec.parse("sortedmap").describe()).startsWith("sortedmap (");
        Run unknown = run("serve", "--storage", "bogus", "--port", "0");
        assertThat(unknown.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(unknown.err()).contains("unknown storage 'bogus', known: mariadb, memory, postgres, sortedmap, sqlite");
    }

    @Test
    void theStoresCommandOpensIt() {
        Run stores = run("stores", "--storage", "sortedmap");
        assertThat(stores.exit()).as(stores.err()).isZero();
        assertThat(stores.err()).isEmpty();
    }

    @Test
    void aServerStartedWithStorageSortedmapKeepsItsEventsThere() throws Exception {
        ServerConfig config = ServerConfig.defaults().withPort(0).withStorage(StorageSpec.parse("sortedmap"));
        try (EventsyncServer server = Eventsync.builder().config(config).build().start()) {
            assertThat(server.engine().storage()).isInstanceOf(SortedMapEventStore.class);
            StoreId store = StoreId.of("todos");
            List<Event> batch = List.of(Event.of("todoCreated-v1", "{\"id\":\"a\"}", 1, 0, "c", "s"),
                    Event.of("todoCreated-v1", "{\"id\":\"b\"}", 2, 1, "c", "s"));
            try (VertxSyncBackend client = VertxSyncBackend.create(VertxClientSettings.of(
                    URI.create("ws://127.0.0.1:" + server.port() + "/"), store))) {
                PushResult result = client.push(batch).toCompletableFuture().get(20, TimeUnit.SECONDS);
                assertThat(result).isEqualTo(new PushResult.Appended(2, 2));
            }
            assertThat(server.engine().storage().read(store, 0, 10)).extracting(StoredEvent::event).isEqualTo(batch);
        }
    }
}
