package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.Event;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.json.ProtocolJson;
import dev.eventsync.spi.transport.Verdict;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing over the real wire: at least {@value #DEFAULT_FRAMES} malformed messages per transport (WebSocket
 * text messages and broken frames; HTTP bodies, queries and request lines), then checks that the server is alive,
 * the stores' heads and events are unchanged, a well-formed client still syncs on both transports, nothing was
 * answered 500, and no client mistake logged a warning or a stack trace.
 *
 * <p>The seed is printed (HTTP runs four connections with seeds {@code seed..seed+3}); replay with {@code -Deventsync.fuzz.seed=<seed>} ({@code -Deventsync.fuzz.frames=N} sets the
 * count). Every message targets store {@value Malformed#STORE}, whose pushes a {@code PushInterceptor} rejects: a
 * mutation that happens to produce a well-formed push must not change a head either.
 */
class FuzzTest {

    static final int DEFAULT_FRAMES = 10_000;
    private static final Set<Integer> CLIENT_ERRORS = Set.of(400, 404, 405, 413, 414, 426, 431, 501);

    private final long seed = Long.getLong("eventsync.fuzz.seed", System.nanoTime());
    private final int frames = Integer.getInteger("eventsync.fuzz.frames", DEFAULT_FRAMES);
    private TestServer server;
    private LogCapture log;
    private List<StoredEvent> before;

    @BeforeEach
    void start() throws Exception {
        System.out.println("FuzzTest seed " + seed + " (replay: -Deventsync.fuzz.seed=" + seed + ")");
        server = TestServer.start(VertxSettings.defaults().withMaxRequestsInFlight(8), b -> b.pushInterceptor(
                (ctx, event) -> ctx.storeId().value().equals(Malformed.STORE)
                        ? Verdict.reject("the fuzz store takes no events") : Verdict.accept()));
        // three events the fuzzing must leave alone
        List<Event> seeded = List.of(Event.of("v1.Seed", "{\"i\":1}", 1, 0, "c", "s"),
                Event.of("v1.Seed", "{\"i\":2}", 2, 1, "c", "s"), Event.of("v1.Seed", "{\"i\":3}", 3, 2, "c", "s"));
        server.store.append(StoreId.of(Malformed.STORE), 0, seeded, java.time.Instant.now());
        before = server.store.read(StoreId.of(Malformed.STORE), 0, 100);
        log = new LogCapture();
    }

    @AfterEach
    void stop() throws Exception {
        log.close();
        server.close();
    }

    private String replay() {
        return "seed " + seed + " (replay: -Deventsync.fuzz.seed=" + seed + ")";
    }

    @Test
    void malformedWebSocketMessagesAndFramesChangeNothing() throws Exception {
        Random random = new Random(seed);
        Malformed malformed = new Malformed(random);
        int sent = 0;
        int brokenFrames = 0;
        RawWs ws = RawWs.connect(server, Malformed.STORE);
        try {
            while (sent < frames) {
                if (random.nextInt(100) == 0) {
                    brokenFrame(random);
                    brokenFrames++;
                } else {
                    ws.socket.writeTextMessage(malformed.webSocketMessage());
                }
                sent++;
                if (sent % 500 == 0) {
                    // the connection keeps up and stays open: a Ping is answered after everything sent before it
                    ws.frames.clear();
                    ws.send("{\"_tag\":\"Ping\"}");
                    awaitPong(ws);
                    ws.frames.clear();
                }
            }
            ws.send("{\"_tag\":\"Ping\"}");
            awaitPong(ws);
            assertThat(ws.closed).as(replay()).isNotDone();
        } finally {
            ws.close();
        }
        System.out.println("FuzzTest WebSocket: " + sent + " malformed messages, " + brokenFrames + " broken frames");
        assertNothingChangedAndClientsStillSync();
    }

    private void awaitPong(RawWs ws) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String frame = ws.frames.poll(1, TimeUnit.SECONDS);
            if ("{\"_tag\":\"Pong\"}".equals(frame)) {
                return;
            }
        }
        throw new AssertionError("no Pong within 20 s; " + replay());
    }

    /** A frame that breaks RFC 6455 on a connection of its own: it must be closed with 1002, 1007 or 1009. */
    private void brokenFrame(Random random) throws IOException {
        try (RawFrames raw = RawFrames.connect(server.port, "/?storeId=" + Malformed.STORE + "&transport=ws")) {
            byte[] payload = new byte[random.nextInt(140)];
            random.nextBytes(payload);
            switch (random.nextInt(7)) {
                case 0 -> raw.frame(true, 0, RawFrames.TEXT, false, payload); // unmasked
                case 1 -> raw.frame(true, 0, 3 + random.nextInt(5), true, payload); // reserved data opcode
                case 2 -> raw.frame(true, 0, 0xB + random.nextInt(5), true, new byte[0]); // reserved control opcode
                case 3 -> raw.frame(true, 1 + random.nextInt(7), RawFrames.TEXT, true, payload); // RSV bits
                case 4 -> raw.frame(true, 0, RawFrames.CONTINUATION, true, payload); // continuation without a start
                case 5 -> raw.frame(random.nextBoolean(), 0, RawFrames.PING, true, new byte[126 + random.nextInt(10)]);
                default -> raw.frame(true, 0, RawFrames.CLOSE, true,
                        RawFrames.closePayload(random.nextBoolean() ? 999 : 1000, new byte[] {(byte) 0xC0, (byte) 0xAF}));
            }
            Optional<RawFrames.Frame> close = raw.awaitClose();
            assertThat(close).as("a close frame; " + replay()).isPresent();
            assertThat(close.get().closeCode()).as(replay()).isIn(1002, 1007, 1009);
        }
    }

    @Test
    void malformedHttpRequestsChangeNothing() throws Exception {
        // four connections at once (each with its own seeded stream), so that round trips overlap
        int workers = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(workers);
        try {
            List<java.util.concurrent.Future<Integer>> sent = new java.util.ArrayList<>();
            for (int w = 0; w < workers; w++) {
                long workerSeed = seed + w;
                int count = frames / workers + (w < frames % workers ? 1 : 0);
                sent.add(pool.submit(() -> fuzzHttp(new Random(workerSeed), count)));
            }
            int total = 0;
            for (java.util.concurrent.Future<Integer> f : sent) {
                total += f.get(120, TimeUnit.SECONDS);
            }
            assertThat(total).isGreaterThanOrEqualTo(frames);
            System.out.println("FuzzTest HTTP: " + total + " malformed requests");
        } finally {
            pool.shutdownNow();
        }
        assertNothingChangedAndClientsStillSync();
    }

    /** Sends {@code count} malformed requests; every answer is a 200 JSON array or a 4xx, never a 500. */
    private int fuzzHttp(Random random, int count) throws Exception {
        Malformed malformed = new Malformed(random);
        RawHttp http = new RawHttp(server.port);
        int sent = 0;
        try {
            while (sent < count) {
                RawHttp.Response response;
                try {
                    if (random.nextInt(100) < 3) {
                        response = http.send(brokenRequestHead(random), "");
                    } else {
                        response = http.post(malformed.httpTarget(), malformed.httpBody());
                    }
                } catch (IOException e) {
                    // the server closes a connection after a request it cannot parse: open another one
                    http.close();
                    http = new RawHttp(server.port);
                    sent++;
                    continue;
                }
                sent++;
                assertThat(response.status()).as("status; " + replay()).isIn(union(200, CLIENT_ERRORS));
                if (response.status() == 200 && response.head().contains("application/json")) {
                    JsonNode answer = ProtocolJson.readTree(response.body());
                    assertThat(answer.isArray()).as(response.body() + "; " + replay()).isTrue();
                }
                if (response.head().contains("connection: close")) {
                    http.close();
                    http = new RawHttp(server.port);
                }
            }
        } finally {
            http.close();
        }
        return sent;
    }

    private static Set<Integer> union(int status, Set<Integer> others) {
        java.util.HashSet<Integer> all = new java.util.HashSet<>(others);
        all.add(status);
        return all;
    }

    /** A request line or header that HTTP/1.1 does not allow, or that exceeds the server's limits. */
    private static String brokenRequestHead(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> "POST /?storeId=fuzz&transport=http HTTP/1.1\r\nBad Header: x";
            case 1 -> "POST /?storeId=fuzz&transport=http HTTP/1.1\r\nX-Long: " + "a".repeat(70_000);
            case 2 -> "GET /?storeId=" + "s".repeat(70_000) + "&transport=http HTTP/1.1";
            case 3 -> "BREW /?storeId=fuzz&transport=http HTTP/1.1";
            default -> "POST /?storeId=fuzz&transport=http HTTP/1.1\r\nX-Bin: \u0001\u0002";
        };
    }

    private void assertNothingChangedAndClientsStillSync() throws Exception {
        assertThat(server.store.read(StoreId.of(Malformed.STORE), 0, 100)).as("fuzz store events; " + replay())
                .isEqualTo(before);
        assertThat(server.store.head(StoreId.of(Malformed.STORE))).isEqualTo(3);
        try (RawHttp http = new RawHttp(server.port)) {
            assertThat(http.get("/health").status()).as("alive; " + replay()).isEqualTo(200);
        }
        for (VertxClientSettings.Transport transport : VertxClientSettings.Transport.values()) {
            StoreId store = StoreId.of("after-fuzz-" + transport.name().toLowerCase(java.util.Locale.ROOT));
            try (VertxSyncBackend client = VertxSyncBackend.create(VertxClientSettings.of(server.wsUri(), store)
                    .withTransport(transport))) {
                client.push(List.of(Event.of("v1.Ok", "{\"fine\":true}", 1, 0, "good", "s"))).toCompletableFuture()
                        .get(20, TimeUnit.SECONDS);
                PageCollector pages = new PageCollector();
                client.pull(Optional.empty(), false).subscribe(pages);
                pages.done.get(20, TimeUnit.SECONDS);
                List<PullPage> received = List.copyOf(pages.pages);
                assertThat(received).flatMap(PullPage::batch).extracting(e -> e.event().seqNum())
                        .as(transport + "; " + replay()).containsExactly(1L);
            }
        }
        assertThat(log.stackTracesAndWarnings()).as("warnings and stack traces; " + replay()).isEmpty();
    }
}
