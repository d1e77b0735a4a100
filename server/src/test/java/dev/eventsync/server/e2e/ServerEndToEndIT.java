package dev.eventsync.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.server.testing.RecordingPull;
import dev.eventsync.vertx.VertxClientSettings;
import dev.eventsync.vertx.VertxSyncBackend;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executable jar as a user runs it: serve, certify, push, SIGTERM, restart. */
class ServerEndToEndIT {

    @TempDir
    Path dir;

    @Test
    void serveOnSqliteThenCertifyItOverTheWire() throws Exception {
        try (ServerProcess server = ServerProcess.start(dir, "serve", "--port", "0")) {
            int port = server.awaitPort();
            assertThat(server.out()).anySatisfy(line -> assertThat(line).contains("storage: sqlite")
                    .contains("eventsync-data/eventsync.db"));
            try (ServerProcess certify = ServerProcess.start(dir.resolve("certify"), "certify",
                    "--url", "ws://127.0.0.1:" + port + "/", "--tries", "3")) {
                int exit = certify.awaitExit(Duration.ofMinutes(5));
                assertThat(exit).as("certify exit code; output:%n%s", String.join("\n", certify.out())).isZero();
                assertThat(certify.out()).anySatisfy(line -> assertThat(line).matches("\\d+ passed, 0 failed, \\d+ optional failed, \\d+ skipped"));
                assertThat(certify.out()).anySatisfy(line -> assertThat(line).contains("PASS"));
            }
            server.process.destroy(); // SIGTERM
            assertThat(server.awaitExit(Duration.ofSeconds(10))).isZero();
        }
    }

    @Test
    void sigtermStopsGracefullyAndARestartKeepsDataAndBackendId() throws Exception {
        StoreId store = StoreId.of("e2e-restart");
        String backendId;
        try (ServerProcess server = ServerProcess.start(dir, "serve", "--port", "0")) {
            int port = server.awaitPort();
            try (VertxSyncBackend client = client(port, store)) {
                long head = 0;
                for (int i = 0; i < 5; i++) {
                    List<Event> batch = new ArrayList<>();
                    for (int j = 0; j < 20; j++) {
                        batch.add(Event.of("todoCreated-v1", "{\"n\":" + (head + 1) + "}", head + 1, head, "c", "s"));
                        head++;
                    }
                    client.push(batch).toCompletableFuture().get(20, TimeUnit.SECONDS);
                }
                List<PullPage> pages = pullAll(client);
                backendId = pages.get(0).backendId();
                assertThat(pages.stream().mapToLong(p -> p.batch().size()).sum()).isEqualTo(100);
            }
            long stopAt = System.nanoTime();
            server.process.destroy(); // SIGTERM
            assertThat(server.awaitExit(Duration.ofSeconds(10))).as("exit code after SIGTERM").isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - stopAt)).isLessThan(Duration.ofSeconds(10));
            assertThat(server.out()).contains("stopped");
        }
        try (ServerProcess again = ServerProcess.start(dir, "serve", "--port", "0")) {
            int port = again.awaitPort();
            try (VertxSyncBackend client = client(port, store)) {
                List<PullPage> pages = pullAll(client);
                assertThat(pages.get(0).backendId()).as("backendId after restart").isEqualTo(backendId);
                List<Long> seqNums = new ArrayList<>();
                pages.forEach(p -> p.batch().stream().map(StoredEvent::seqNum).forEach(seqNums::add));
                assertThat(seqNums).hasSize(100).isSorted().startsWith(1L).endsWith(100L);
            }
            try (ServerProcess stores = ServerProcess.start(dir, "stores")) {
                assertThat(stores.awaitExit(Duration.ofSeconds(60))).isZero();
                assertThat(stores.out()).anySatisfy(line -> assertThat(line).startsWith("e2e-restart").contains(" 100 "));
            }
            again.process.destroy();
            assertThat(again.awaitExit(Duration.ofSeconds(10))).isZero();
        }
    }

    @Test
    void anUnknownStorageIsOneClearLineAndExitCodeTwo() throws Exception {
        try (ServerProcess server = ServerProcess.start(dir, "serve", "--storage", "cassandra://x")) {
            assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(server.err()).anySatisfy(line -> assertThat(line).startsWith("eventsync: unknown storage 'cassandra'"));
        }
    }

    /** Issue 10 item 5: each mistake is exactly one line on stderr (no stack trace) and exit code 2. */
    @Test
    void configurationMistakesAreOneLineWithoutStackTraceAndExitCodeTwo() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("typo.properties"), "max-push-event=5\nport=0\n");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<List<String>> mistakes = List.of(
                    List.of("serve", "--storage", "memory", "--port", Integer.toString(taken.getLocalPort())),
                    List.of("serve", "--storage", "memory", "--port", "0", "--host", "no-such-host.invalid"),
                    List.of("serve", "--storage", "sqlite:", "--port", "0"),
                    List.of("serve", "--storage", "sqlite::memory:", "--port", "0"),
                    List.of("serve", "--storage", "memory", "--port", "0", "--auth-token", ""),
                    List.of("serve", "--storage", "memory", "--config", dir.resolve("typo.properties").toString()),
                    List.of("stores", "--storage", "sqlite:" + dir.resolve("mistyped.db")));
            for (List<String> args : mistakes) {
                try (ServerProcess server = ServerProcess.start(dir, args.toArray(String[]::new))) {
                    assertThat(server.awaitExit(Duration.ofSeconds(60))).as("exit code of %s", args).isEqualTo(2);
                    assertThat(server.err()).as("stderr of %s", args).hasSize(1)
                            .allSatisfy(line -> assertThat(line).startsWith("eventsync: "));
                }
            }
        }
        assertThat(dir.resolve("mistyped.db")).doesNotExist();
    }

    private static VertxSyncBackend client(int port, StoreId store) {
        return VertxSyncBackend.create(VertxClientSettings.of(URI.create("ws://127.0.0.1:" + port), store));
    }

    private static List<PullPage> pullAll(VertxSyncBackend client) throws Exception {
        RecordingPull pull = new RecordingPull();
        client.pull(Optional.empty(), false).subscribe(pull);
        return pull.awaitAll();
    }
}
