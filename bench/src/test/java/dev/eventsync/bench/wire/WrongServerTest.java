package dev.eventsync.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A server that acknowledges pushes fast but never echoes them is not verified, however fast it is. */
class WrongServerTest {

    private Vertx vertx;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().webSocketHandler(ws -> ws.textMessageHandler(text -> {
            JsonObject frame = new JsonObject(text);
            if (!"Request".equals(frame.getString("_tag"))) {
                return;
            }
            String id = frame.getString("id");
            if (frame.getString("tag").endsWith(".Pull")) {
                ws.writeTextMessage("{\"_tag\":\"Chunk\",\"requestId\":\"" + id + "\",\"values\":[{\"batch\":[],"
                        + "\"pageInfo\":{\"_tag\":\"NoMore\"},\"backendId\":\"wrong\"}]}");
            } else {
                ws.writeTextMessage("{\"_tag\":\"Exit\",\"requestId\":\"" + id
                        + "\",\"exit\":{\"_tag\":\"Success\",\"value\":{}}}");
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void silentEchoesVoidTheRun() throws Exception {
        try (LoadGenerator generator = new LoadGenerator(false, Duration.ofMillis(500))) {
            LoadGenerator.Outcome outcome = generator.run(Workload.push(1, 1, 10, false)
                    .withTimes(Duration.ofMillis(100), Duration.ofMillis(200)), server.actualPort(),
                    LoadGenerator.Window.NONE);
            assertThat(outcome.extra().get("acked_total")).isPositive();
            assertThat(outcome.verified()).isFalse();
            assertThat(outcome.verdict().lost()).isPositive();
            assertThat(outcome.problems()).anyMatch(p -> p.contains("live pull stopped"));
        }
    }
}
