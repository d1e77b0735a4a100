package dev.eventsync.vertx;

import static dev.eventsync.vertx.RawWs.NONE;
import static dev.eventsync.vertx.RawWs.event;
import static dev.eventsync.vertx.RawWs.push;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.StoreId;
import dev.eventsync.spi.transport.Verdict;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Idle timeout and graceful shutdown, over real sockets. */
class ConnectionLifecycleTest {

    @Test
    void idleConnectionIsClosedWithAReasonWhilePingingKeepsItOpen() throws Exception {
        try (TestServer server = TestServer.start(VertxSettings.defaults().withIdleTimeout(Duration.ofMillis(400)));
             RawWs idle = RawWs.connect(server, "s1");
             RawWs pinging = RawWs.connect(server, "s1")) {
            for (int i = 0; i < 8; i++) {
                pinging.send("{\"_tag\":\"Ping\"}");
                assertThat(pinging.nextRaw()).isEqualTo("{\"_tag\":\"Pong\"}");
                Thread.sleep(100);
            }
            assertThat(idle.closed.get(5, TimeUnit.SECONDS)).isEqualTo((short) 4000);
            assertThat(idle.socket.closeReason()).contains("idle timeout");
            assertThat(pinging.closed).isNotDone();
        }
    }

    @Test
    void aStoppedServerCanBeStartedAgain() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            int port = server.server.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            try (RawWs ws = RawWs.connect(port, "/?storeId=s1&transport=ws")) {
                ws.send("{\"_tag\":\"Ping\"}");
                assertThat(ws.nextRaw()).isEqualTo("{\"_tag\":\"Pong\"}");
            }
        }
    }

    @Test
    void gracefulShutdownFinishesThePushInFlightThenClosesWithGoingAway() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TestServer server = TestServer.withInterceptor((ctx, e) -> {
            if (e.name().equals("v1.Slow")) {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
            return Verdict.accept();
        });
        try (RawWs ws = RawWs.connect(server, "s1")) {
            ws.send(push("1", "s1", "[{\"name\":\"v1.Slow\",\"seqNum\":1,\"parentSeqNum\":0,\"clientId\":\"c\","
                    + "\"sessionId\":\"s\"}]", NONE));
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Void> stopped = server.server.stop(Duration.ofSeconds(5)).toCompletableFuture();
            ws.send(push("2", "s1", "[" + event(2, 1, "{}") + "]", NONE));
            JsonNode refused = ws.next();
            assertThat(refused.path("requestId").asText()).isEqualTo("2");
            assertThat(refused.path("exit").path("cause").path("error").path("note").asText()).contains("shutting down");
            assertThat(stopped).isNotDone();

            release.countDown();
            assertThat(ws.nextRaw()).isEqualTo("{\"_tag\":\"Exit\",\"requestId\":\"1\",\"exit\":{\"_tag\":\"Success\",\"value\":{}}}");
            assertThat(ws.closed.get(5, TimeUnit.SECONDS)).isEqualTo((short) 1001);
            assertThat(ws.socket.closeReason()).contains("shutting down");
            stopped.get(10, TimeUnit.SECONDS);
            assertThat(server.store.head(StoreId.of("s1"))).isEqualTo(1);
        } finally {
            release.countDown();
            server.engine.close();
        }
        boolean refusedNewConnection;
        try (RawWs late = RawWs.connect(server.port, "/?storeId=s1&transport=ws")) {
            refusedNewConnection = false;
        } catch (Exception e) {
            refusedNewConnection = true;
        }
        assertThat(refusedNewConnection).as("no new connections after stop").isTrue();
    }
}
