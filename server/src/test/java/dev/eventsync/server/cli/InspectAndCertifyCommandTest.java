package dev.eventsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.core.LocalSyncBackend;
import dev.eventsync.server.Eventsync;
import dev.eventsync.server.EventsyncServer;
import dev.eventsync.server.ServerConfig;
import dev.eventsync.server.StorageSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InspectAndCertifyCommandTest {

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
            CliRun inspect = CliRun.run("inspect", "todos", "--url", "ws://127.0.0.1:" + server.port(), "--last", "2");
            assertThat(inspect.exit()).as(inspect.err()).isZero();
            assertThat(inspect.out()).contains("store todos: backendId ").contains("5 event(s); showing the last 2")
                    .contains("#4 (parent 3) todoCreated-v1  client=cli session=s1")
                    .contains("args={\"n\":5}")
                    .doesNotContain("#3 (parent 2)");
            // a store without events is named, and said to have none, never shown with a bare backendId
            for (String missing : List.of("nothing-here", "..")) {
                CliRun none = CliRun.run("inspect", "--url", "ws://127.0.0.1:" + server.port(), "--", missing);
                assertThat(none.exit()).as(none.err()).isZero();
                assertThat(none.out().strip()).isEqualTo("store " + missing + ": no events (it is empty or does not "
                        + "exist; --admin-token tells which)");
            }
        }
    }

    @Test
    void certifyAndInspectSayClearlyWhenNoServerAnswers() {
        CliRun certify = CliRun.run("certify", "--url", "ws://127.0.0.1:1/");
        assertThat(certify.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(certify.err()).startsWith("eventsync: cannot reach a sync server at ws://127.0.0.1:1/");
        CliRun inspect = CliRun.run("inspect", "todos", "--url", "ftp://example");
        assertThat(inspect.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(inspect.err()).contains("ws://");
    }

    @Test
    void aNegativeLastIsAUsageErrorOnBothPathsBeforeAnyConnection() {
        for (String[] extra : new String[][] {{}, {"--admin-token", "some-admin-token-0123456789"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("inspect", "todos", "--url",
                    "ws://127.0.0.1:1/", "--last", "-1"));
            args.addAll(java.util.List.of(extra));
            CliRun inspect = CliRun.run(args.toArray(String[]::new));
            assertThat(inspect.exit()).as(inspect.err()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
            assertThat(inspect.err().strip()).as(args.toString())
                    .isEqualTo("eventsync: --last must be 0 or more (how many of the latest events to print), got -1");
        }
    }

    @Test
    void everyConnectingCommandSilencesVertxAndNettySoTheirLinesNeverJoinItsOutput() {
        for (String[] args : new String[][] {{"stores", "--url", "http://127.0.0.1:1", "--admin-token", "t-0123456789abcdef"},
                {"delete-store", "x", "--url", "http://127.0.0.1:1", "--admin-token", "t-0123456789abcdef"},
                {"inspect", "x", "--url", "ws://127.0.0.1:1"}, {"certify", "--url", "ws://127.0.0.1:1/"}}) {
            for (String name : ClientOptions.CLIENT_LIBRARY_LOGGERS) {
                ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(name)).setLevel(null);
            }
            assertThat(org.slf4j.LoggerFactory.getLogger("io.vertx.core.net.impl.pool.SimpleConnectionPool")
                    .isWarnEnabled()).as("before %s", args[0]).isTrue();
            CliRun r = CliRun.run(args);
            assertThat(r.exit()).as("%s: %s", args[0], r.err()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
            for (String logger : java.util.List.of("io.vertx.core.net.impl.pool.SimpleConnectionPool",
                    "io.vertx.core.http.impl.HttpClientImpl", "io.netty.channel.DefaultChannelPipeline")) {
                assertThat(org.slf4j.LoggerFactory.getLogger(logger).isErrorEnabled()).as("%s: %s", args[0], logger)
                        .isFalse();
            }
        }
    }

    @Test
    void certifyRejectsAnUnknownTransportOrProfileWithOneLine() {
        CliRun transport = CliRun.run("certify", "--url", "ws://127.0.0.1:1/", "--transport", "wss");
        assertThat(transport.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(transport.err().strip()).isEqualTo("eventsync: --transport must be ws, websocket or http (any case), got 'wss'");
        CliRun profile = CliRun.run("certify", "--url", "ws://127.0.0.1:1/", "--profile", "strict");
        assertThat(profile.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(profile.err().strip()).isEqualTo("eventsync: --profile must be livestore or eventsync, got 'strict'");
        CliRun limits = CliRun.run("certify", "--url", "ws://127.0.0.1:1/", "--max-push-events", "100");
        assertThat(limits.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(limits.err()).contains("--max-push-bytes");
    }

    @Test
    void certifyOverHttpPrintsProgressPrefixesItsStoresAndWritesTheReportWhereAsked(@org.junit.jupiter.api.io.TempDir
                                                                                     java.nio.file.Path dir) throws Exception {
        ServerConfig config = ServerConfig.defaults().withPort(0).withStorage(StorageSpec.parse("memory"));
        try (EventsyncServer server = Eventsync.builder().config(config).build().start()) {
            java.nio.file.Path report = dir.resolve("reports/certify.txt");
            CliRun certify = CliRun.run("certify", "--url", "http://127.0.0.1:" + server.port(), "--transport", "HTTP",
                    "--profile", "livestore", "--tries", "5", "--report", report.toString());
            assertThat(certify.exit()).as(certify.out() + certify.err()).isZero();
            List<String> lines = certify.out().lines().toList();
            assertThat(lines).anySatisfy(l -> assertThat(l).matches("\\[ ?\\d+/\\d+] PASS  P-LS-04 +livestore +\\d+\\.\\d s"));
            assertThat(lines).anySatisfy(l -> assertThat(l).matches("\\[ ?\\d+/\\d+] SKIP  P-FIELD-02 +eventsync +\\d+\\.\\d s  .*"));
            assertThat(lines).anySatisfy(l -> assertThat(l).matches("\\[ ?\\d+/\\d+] SKIP  P-PUSH-03 .*profile eventsync.*"));
            assertThat(lines).anySatisfy(l -> assertThat(l).matches("certified .* with profile livestore in \\d+\\.\\d s: CERTIFIED"));
            String prefix = lines.stream().filter(l -> l.startsWith("left ")).findFirst().orElseThrow()
                    .replaceFirst(".*every id starting with (certify-[a-z0-9]{8}-).*", "$1");
            assertThat(prefix).matches("certify-[a-z0-9]{8}-");
            // without --admin-token the end of the run says how to delete what it left
            assertThat(certify.out()).contains("delete them on an Eventsync server: run certify with --admin-token")
                    .contains("for id in $(eventsync stores --url http://127.0.0.1:" + server.port() + " | grep -o '^"
                            + prefix + "[^ ]*'); do eventsync delete-store --url http://127.0.0.1:" + server.port()
                            + " -- \"$id\"; done");
            long created = server.engine().storage().stores().size();
            long printed = Long.parseLong(certify.out().replaceFirst("(?s).*\nleft up to (\\d+) stores on the server.*", "$1"));
            assertThat(printed).isGreaterThanOrEqualTo(created);
            assertThat(server.engine().storage().stores()).isNotEmpty()
                    .allSatisfy(info -> assertThat(info.storeId().value()).startsWith(prefix));
            assertThat(lines).contains("report: " + report.toAbsolutePath());
            assertThat(java.nio.file.Files.readString(report)).contains("P-LS-04", "CERTIFIED")
                    .contains("kit: PROTOCOL, profile livestore, fast tier")
                    .containsPattern("P-LS-04 +required +livestore +PASSED")
                    .containsPattern("P-FIELD-02 +required +eventsync +SKIPPED");
            assertThat(java.nio.file.Files.list(dir.resolve("reports")).map(p -> p.getFileName().toString()))
                    .containsExactly("certify.txt"); // written atomically: no temporary file left beside it
        }
    }

    @Test
    void aWrongAdminTokenOrAServerWithoutAdminApiIsOneUsageLineBeforeTheRun() throws Exception {
        ServerConfig config = ServerConfig.defaults().withPort(0).withStorage(StorageSpec.parse("memory"))
                .withHttp(dev.eventsync.server.HttpOptions.defaults().withAdminToken("the-right-admin-token-0123456789"));
        try (EventsyncServer server = Eventsync.builder().config(config).build().start()) {
            CliRun wrong = CliRun.run("certify", "--url", "ws://127.0.0.1:" + server.port(), "--admin-token", "a-wrong-token-0123");
            assertThat(wrong.exit()).as(wrong.out() + wrong.err()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
            assertThat(wrong.err().strip()).startsWith("eventsync: --admin-token: the admin API did not accept it (")
                    .contains("HTTP 401").doesNotContain("\n", "a-wrong-token-0123", "is it running");
            assertThat(wrong.out()).doesNotContain("certifying");
            assertThat(server.engine().storage().stores()).isEmpty();
        }
        ServerConfig noAdmin = ServerConfig.defaults().withPort(0).withStorage(StorageSpec.parse("memory"));
        try (EventsyncServer server = Eventsync.builder().config(noAdmin).build().start()) {
            CliRun none = CliRun.run("certify", "--url", "ws://127.0.0.1:" + server.port(), "--admin-token", "any-token-0123");
            assertThat(none.exit()).as(none.out() + none.err()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
            assertThat(none.err().strip()).startsWith("eventsync: --admin-token: the admin API did not accept it (")
                    .doesNotContain("\n");
        }
    }
}
