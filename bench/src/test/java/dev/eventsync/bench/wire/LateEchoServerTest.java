package dev.eventsync.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A correct server may acknowledge a push before its echo reaches the live pulls (a page waits for the Ack of the
 * one before it): the fan-out run waits for every live pull, the pusher's own included, before judging it.
 */
class LateEchoServerTest {

    private static final long ECHO_DELAY_MILLIS = 150;

    private Vertx vertx;
    private HttpServer server;
    private final List<Map.Entry<ServerWebSocket, String>> livePulls = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().webSocketHandler(ws -> ws.textMessageHandler(text -> {
            JsonObject frame = new JsonObject(text);
            if (!"Request".equals(frame.getString("_tag"))) {
                return; // Acks, pings
            }
            String id = frame.getString("id");
            if (frame.getString("tag").endsWith(".Pull")) {
                livePulls.add(Map.entry(ws, id));
                ws.writeTextMessage(chunk(id, new JsonArray()));
                return;
            }
            JsonArray stored = new JsonArray();
            for (Object event : frame.getJsonObject("payload").getJsonArray("batch")) {
                stored.add(new JsonObject().put("eventEncoded", event));
            }
            ws.writeTextMessage("{\"_tag\":\"Exit\",\"requestId\":\"" + id
                    + "\",\"exit\":{\"_tag\":\"Success\",\"value\":{}}}");
            vertx.setTimer(ECHO_DELAY_MILLIS, t -> livePulls.forEach(p -> p.getKey().writeTextMessage(
                    chunk(p.getValue(), stored))));
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String chunk(String requestId, JsonArray batch) {
        return new JsonObject().put("_tag", "Chunk").put("requestId", requestId).put("values", new JsonArray()
                .add(new JsonObject().put("batch", batch).put("pageInfo", new JsonObject().put("_tag", "NoMore"))
                        .put("backendId", "late"))).encode();
    }

    @AfterEach
    void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void echoesThatFollowTheAcknowledgementAreWaitedFor() throws Exception {
        try (LoadGenerator generator = new LoadGenerator(false, Duration.ofSeconds(5))) {
            LoadGenerator.Outcome outcome = generator.run(Workload.fanout(3, 20)
                    .withTimes(Duration.ofMillis(100), Duration.ofMillis(400)), server.actualPort(),
                    LoadGenerator.Window.NONE);
            assertThat(outcome.extra().get("pushes_total")).isPositive();
            assertThat(outcome.problems()).isEmpty();
            assertThat(outcome.verdict().lost()).as(outcome.verdict().toString()).isZero();
            assertThat(outcome.verified()).isTrue();
        }
    }
}
