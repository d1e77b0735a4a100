package dev.eventsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.core.LocalSyncBackend;
import dev.eventsync.server.Eventsync;
import dev.eventsync.server.EventsyncServer;
import dev.eventsync.server.ServerConfig;
import dev.eventsync.server.StorageSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InspectAndCertifyCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = EventsyncCommand.run(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void inspectPrintsTheLastEventsOfAStoreAsAClientSeesThem() throws Exception {
        ServerConfig config = ServerConfig.defaults().withPort(0).withStorage(StorageSpec.parse("memory"));
        try (EventsyncServer server = Eventsync.builder().config(config).build().start()) {
            List<Event> batch = new ArrayList<>();
            for (long seq = 1; seq <= 5; seq++) {
                batch.add(Event.of("todoCreated-v1", "{\"n\":" + seq + "}", seq, seq - 1, "cli", "s1"));
            }
            try (LocalSyncBackend local = new LocalSyncBackend(server.engine(), StoreId.of("todos"))) {
                local.push(batch).toCompletableFuture().get(20, TimeUnit.SECONDS);
            }
            Run inspect = run("inspect", "todos", "--url", "ws://127.0.0.1:" + server.port(), "--last", "2");
            assertThat(inspect.exit()).as(inspect.err()).isZero();
            assertThat(inspect.out()).contains("5 event(s); showing the last 2")
                    .contains("#4 (parent 3) todoCreated-v1  client=cli session=s1")
                    .contains("args={\"n\":5}")
                    .doesNotContain("#3 (parent 2)");
        }
    }

    @Test
    void certifyAndInspectSayClearlyWhenNoServerAnswers() {
        Run certify = run("certify", "--url", "ws://127.0.0.1:1/");
        assertThat(certify.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(certify.err()).startsWith("eventsync: cannot reach a sync server at ws://127.0.0.1:1/");
        Run inspect = run("inspect", "todos", "--url", "ftp://example");
        assertThat(inspect.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(inspect.err()).contains("ws://");
    }
}
