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
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

    private record Run(int exit, String out, String err) {
    }

    private static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = EventsyncCommand.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void storesWithAUrlListsTheServersStores() {
        Run stores = run(Map.of(), "stores", "--url", http, "--admin-token", TOKEN);
        assertThat(stores.exit()).as(stores.err()).isZero();
        assertThat(stores.out()).contains("SUBSCRIBERS").containsPattern("cli-store\\s+3\\s+3\\s+0\\s+20\\d\\d-")
                .contains("1 store(s) at " + http);
        // the token may come from the environment, like every option
        Run fromEnv = run(Map.of("EVENTSYNC_ADMIN_TOKEN", TOKEN), "stores", "--url", "ws://127.0.0.1:" + server.port());
        assertThat(fromEnv.exit()).as(fromEnv.err()).isZero();
        assertThat(fromEnv.out()).contains("cli-store");
    }

    @Test
    void inspectWithAnAdminTokenShowsTheStoreItsClientsAndItsLastEvents() {
        Run inspect = run(Map.of(), "inspect", "cli-store", "--url", http, "--admin-token", TOKEN, "--last", "2");
        assertThat(inspect.exit()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("store cli-store: head 3, 3 event(s), backendId ")
                .contains("0 live client(s)").contains("events after seqNum 1:")
                .contains("#2 (parent 1) todoCreated-v1  client=cli-client").contains("args={\"id\":\"t3\"}")
                .doesNotContain("#1 (parent 0)");
        Run missing = run(Map.of(), "inspect", "nowhere", "--url", http, "--admin-token", TOKEN);
        assertThat(missing.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(missing.err()).contains("HTTP 404: no store 'nowhere'");
        // looking did not create it
        assertThat(run(Map.of(), "stores", "--url", http, "--admin-token", TOKEN).out()).doesNotContain("nowhere");
    }

    @Test
    void deleteStoreDeletesAndSaysSoWhenThereWasNothingToDelete() {
        Run deleted = run(Map.of(), "delete-store", "cli-store", "--url", http, "--admin-token", TOKEN);
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(deleted.out().strip()).isEqualTo("deleted store cli-store at " + http);
        Run again = run(Map.of(), "delete-store", "cli-store", "--url", http, "--admin-token", TOKEN);
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("did not exist");
        assertThat(run(Map.of(), "stores", "--url", http, "--admin-token", TOKEN).out()).contains("0 store(s)");
    }

    @Test
    void aWrongOrMissingTokenIsOneClearLine() {
        Run wrong = run(Map.of(), "delete-store", "cli-store", "--url", http, "--admin-token", "not-the-token-at-all");
        assertThat(wrong.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(wrong.err().strip()).startsWith("eventsync: DELETE /admin/api/stores/cli-store: HTTP 401")
                .endsWith("(check --admin-token)").doesNotContain("\n");
        Run none = run(Map.of(), "delete-store", "cli-store", "--url", http);
        assertThat(none.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(none.err()).contains("give --admin-token");
        assertThat(run(Map.of(), "stores", "--url", http, "--admin-token", TOKEN).out()).contains("cli-store");
    }
}
