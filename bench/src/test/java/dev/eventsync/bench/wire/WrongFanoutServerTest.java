package dev.eventsync.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fan-out verification with the generator's cheap frame parsing and its connections spread over event loops: a
 * server that loses, repeats or reorders one event for one subscriber is caught with exact counts, and a correct
 * one passes. The server here is a minimal fan-out server (on one event loop, so its order is its own) that
 * misbehaves on purpose for its first subscriber.
 */
class WrongFanoutServerTest {

    /** What the server does wrong with the third push for its first subscriber. */
    private enum Fault { NONE, LOSE, REPEAT, REORDER }

    private Vertx vertx;
    private HttpServer server;

    private record Subscriber(ServerWebSocket socket, String requestId) {
    }

    private void start(Fault fault) throws Exception {
        vertx = Vertx.vertx();
        List<Subscriber> subscribers = new ArrayList<>();
        String[] held = new String[1];
        server = vertx.createHttpServer().webSocketHandler(ws -> ws.textMessageHandler(text -> {
            JsonObject frame = new JsonObject(text);
            if (!"Request".equals(frame.getString("_tag"))) {
                return;
            }
            String id = frame.getString("id");
            if (frame.getString("tag").endsWith(".Pull")) {
                subscribers.add(new Subscriber(ws, id));
                ws.writeTextMessage(chunk(id, new JsonArray()));
                return;
            }
            JsonArray batch = new JsonArray();
            long seq = 0;
            for (Object e : frame.getJsonObject("payload").getJsonArray("batch")) {
                batch.add(new JsonObject().put("eventEncoded", e));
                seq = ((JsonObject) e).getLong("seqNum");
            }
            ws.writeTextMessage("{\"_tag\":\"Exit\",\"requestId\":\"" + id
                    + "\",\"exit\":{\"_tag\":\"Success\",\"value\":{}}}");
            for (int i = 0; i < subscribers.size(); i++) {
                Subscriber s = subscribers.get(i);
                String page = chunk(s.requestId(), batch);
                if (i == 0 && seq == 3 && fault != Fault.NONE) {
                    switch (fault) {
                        case LOSE -> { }
                        case REPEAT -> {
                            s.socket().writeTextMessage(page);
                            s.socket().writeTextMessage(page);
                        }
                        default -> held[0] = page; // sent after the next push's page
                    }
                    continue;
                }
                s.socket().writeTextMessage(page);
                if (i == 0 && held[0] != null) {
                    s.socket().writeTextMessage(held[0]);
                    held[0] = null;
                }
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String chunk(String requestId, JsonArray batch) {
        return "{\"_tag\":\"Chunk\",\"requestId\":\"" + requestId + "\",\"values\":[{\"batch\":" + batch.encode()
                + ",\"pageInfo\":{\"_tag\":\"NoMore\"},\"backendId\":\"b\"}]}";
    }

    @AfterEach
    void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private LoadGenerator.Outcome fanout() throws Exception {
        try (LoadGenerator generator = new LoadGenerator(false, Duration.ofMillis(1000))) {
            return generator.run(Workload.fanout(8, 50).withTimes(Duration.ofMillis(200), Duration.ofMillis(400)),
                    server.actualPort(), LoadGenerator.Window.NONE);
        }
    }

    @Test
    void aCorrectServerPasses() throws Exception {
        start(Fault.NONE);
        LoadGenerator.Outcome outcome = fanout();
        assertThat(outcome.verified()).as(outcome.problems().toString()).isTrue();
        assertThat(outcome.extra().get("pushes_total")).isGreaterThan(5.0);
        assertThat(outcome.extra().get("generator_cpu_share")).isBetween(0.0, 1.0);
        assertThat(outcome.extra().get("machine_cpu_busy")).isBetween(0.0, 1.0);
    }

    @Test
    void oneLostEventIsCountedOnce() throws Exception {
        assertCaughtOnce(Fault.LOSE);
    }

    @Test
    void oneRepeatedEventIsCountedOnce() throws Exception {
        assertCaughtOnce(Fault.REPEAT);
    }

    @Test
    void oneReorderedEventIsCountedOnce() throws Exception {
        assertCaughtOnce(Fault.REORDER);
    }

    /** The run is void, and the fault is counted once in its own column and nowhere else. */
    private void assertCaughtOnce(Fault fault) throws Exception {
        start(fault);
        LoadGenerator.Outcome outcome = fanout();
        assertThat(outcome.verified()).isFalse();
        EchoCheck.Verdict v = outcome.verdict();
        assertThat(new long[] {v.lost(), v.duplicates(), v.outOfOrder(), v.broken()}).containsExactly(
                fault == Fault.LOSE ? 1 : 0, fault == Fault.REPEAT ? 1 : 0, fault == Fault.REORDER ? 1 : 0, 0);
    }

    @Test
    void theGeneratorSpreadsItsConnectionsOverItsEventLoops() throws Exception {
        start(Fault.NONE);
        try (LoadGenerator generator = new LoadGenerator(false)) {
            List<WireClient> clients = generator.connectAll(java.util.Collections.nCopies(16, "s"),
                    server.actualPort());
            Set<String> loops = new HashSet<>();
            for (WireClient c : clients) {
                loops.add(c.eventLoop());
                c.close().get(10, TimeUnit.SECONDS);
            }
            assertThat(generator.eventLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(loops).hasSize(generator.eventLoops()).allMatch(t -> t.startsWith("vert.x-eventloop-thread-"));
        }
    }
}
