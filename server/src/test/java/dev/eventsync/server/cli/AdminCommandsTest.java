package dev.eventsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.server.Eventsync;
import dev.eventsync.server.EventsyncServer;
import dev.eventsync.server.HttpOptions;
import dev.eventsync.server.ServerConfig;
import dev.eventsync.server.StorageSpec;
import dev.eventsync.vertx.VertxClientSettings;
import dev.eventsync.vertx.VertxSyncBackend;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code stores}, {@code inspect} and {@code delete-store} against a running server's admin API. */
class AdminCommandsTest {

    private static final String TOKEN = "cli-admin-token-0123456789";
    private EventsyncServer server;
    private String http;

    @BeforeEach
    void start() {
        server = Eventsync.builder().config(ServerConfig.defaults().withPort(0).withStorage(StorageSpec.parse("memory"))
                .withHttp(HttpOptions.defaults().withAdminToken(TOKEN))).build().start();
        http = "http://127.0.0.1:" + server.port();
        List<Event> events = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            events.add(Event.of("todoCreated-v1", "{\"id\":\"t" + i + "\"}", i, i - 1, "cli-client", "s1"));
        }
        try (VertxSyncBackend client = VertxSyncBackend.create(VertxClientSettings.of(
                URI.create("ws://127.0.0.1:" + server.port()), StoreId.of("cli-store")))) {
            client.push(events).toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void storesWithAUrlListsTheServersStores() {
        CliRun stores = CliRun.run(Map.of(), "stores", "--url", http, "--admin-token", TOKEN);
        assertThat(stores.exit()).as(stores.err()).isZero();
        assertThat(stores.out()).contains("SUBSCRIBERS").containsPattern("cli-store\\s+3\\s+3\\s+0\\s+20\\d\\d-")
                .contains("1 store(s) at " + http);
        // the token may come from the environment, like every option
        CliRun fromEnv = CliRun.run(Map.of("EVENTSYNC_ADMIN_TOKEN", TOKEN), "stores", "--url", "ws://127.0.0.1:" + server.port());
        assertThat(fromEnv.exit()).as(fromEnv.err()).isZero();
        assertThat(fromEnv.out()).contains("cli-store");
    }

    @Test
    void inspectWithAnAdminTokenShowsTheStoreItsClientsAndItsLastEvents() {
        CliRun inspect = CliRun.run(Map.of(), "inspect", "cli-store", "--url", http, "--admin-token", TOKEN, "--last", "2");
        assertThat(inspect.exit()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("store cli-store: head 3, 3 event(s), backendId ")
                .contains("0 live client(s)").contains("events after seqNum 1:")
                .contains("#2 (parent 1) todoCreated-v1  client=cli-client").contains("args={\"id\":\"t3\"}")
                .doesNotContain("#1 (parent 0)");
        CliRun missing = CliRun.run(Map.of(), "inspect", "nowhere", "--url", http, "--admin-token", TOKEN);
        assertThat(missing.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(missing.err()).contains("HTTP 404: no store 'nowhere'");
        // looking did not create it
        assertThat(CliRun.run(Map.of(), "stores", "--url", http, "--admin-token", TOKEN).out()).doesNotContain("nowhere");
    }

    @Test
    void deleteStoreDeletesAndAStoreThatDoesNotExistIsAnErrorThatChangesNothing() {
        CliRun deleted = CliRun.run(Map.of(), "delete-store", "cli-store", "--url", http, "--admin-token", TOKEN);
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(deleted.out().strip()).isEqualTo("deleted store cli-store at " + http);
        CliRun again = CliRun.run(Map.of(), "delete-store", "cli-store", "--url", http, "--admin-token", TOKEN);
        assertThat(again.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(again.out()).isEmpty();
        assertThat(again.err().strip()).isEqualTo("eventsync: no store 'cli-store' at " + http
                + "; nothing was deleted (check the store id: eventsync stores --url ...)");
        assertThat(CliRun.run(Map.of(), "stores", "--url", http, "--admin-token", TOKEN).out()).contains("0 store(s)");
        // a store id the protocol refuses is one line before anything is sent
        CliRun invalid = CliRun.run(Map.of(), "delete-store", "a/b", "--url", http, "--admin-token", TOKEN);
        assertThat(invalid.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(invalid.err()).contains("invalid storeId 'a/b'");
    }

    /** Every id the protocol accepts, however a path, a shell or an option parser would read it. */
    @ParameterizedTest
    @MethodSource("dev.eventsync.server.admin.AdminApiTest#awkwardStoreIds")
    void everyValidStoreIdWorksWithStoresInspectAndDeleteStore(String storeId) {
        List<Event> events = List.of(Event.of("todoCreated-v1", "{\"n\":1}", 1, 0, "awk", "s1"),
                Event.of("todoCreated-v1", "{\"n\":2}", 2, 1, "awk", "s1"));
        try (VertxSyncBackend client = VertxSyncBackend.create(VertxClientSettings.of(
                URI.create("ws://127.0.0.1:" + server.port()), StoreId.of(storeId)))) {
            client.push(events).toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
        }
        CliRun stores = CliRun.run(Map.of(), "stores", "--url", http, "--admin-token", TOKEN);
        assertThat(stores.out().lines()).anyMatch(l -> l.startsWith(storeId + " ") && l.matches(".*\\s2\\s+2\\s.*"));
        // '--' ends the options, so that ids starting with '-' are store ids
        CliRun inspect = CliRun.run(Map.of(), "inspect", "--url", http, "--admin-token", TOKEN, "--", storeId);
        assertThat(inspect.exit()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("store " + storeId + ": head 2, 2 event(s)").contains("args={\"n\":2}");
        CliRun pulled = CliRun.run(Map.of(), "inspect", "--url", "ws://127.0.0.1:" + server.port(), "--", storeId);
        assertThat(pulled.exit()).as(pulled.err()).isZero();
        assertThat(pulled.out()).contains("2 event(s)").contains("args={\"n\":2}");
        CliRun deleted = CliRun.run(Map.of(), "delete-store", "--url", http, "--admin-token", TOKEN, "--", storeId);
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(deleted.out().strip()).isEqualTo("deleted store " + storeId + " at " + http);
        assertThat(CliRun.run(Map.of(), "stores", "--url", http, "--admin-token", TOKEN).out().lines())
                .noneMatch(l -> l.startsWith(storeId + " ")).anyMatch(l -> l.startsWith("cli-store "));
        CliRun again = CliRun.run(Map.of(), "delete-store", "--url", http, "--admin-token", TOKEN, "--", storeId);
        assertThat(again.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(again.err()).contains("no store '" + storeId + "'");
    }

    @Test
    void aWrongOrMissingTokenIsOneClearLine() {
        CliRun wrong = CliRun.run(Map.of(), "delete-store", "cli-store", "--url", http, "--admin-token", "not-the-token-at-all");
        assertThat(wrong.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(wrong.err().strip()).startsWith("eventsync: DELETE /admin/api/store: HTTP 401")
                .endsWith("(check --admin-token)").doesNotContain("\n");
        CliRun none = CliRun.run(Map.of(), "delete-store", "cli-store", "--url", http);
        assertThat(none.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(none.err()).contains("give --admin-token");
        assertThat(CliRun.run(Map.of(), "stores", "--url", http, "--admin-token", TOKEN).out()).contains("cli-store");
    }
}
