package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The client against a peer that accepts WebSockets and never answers (LiveStore's "silent server" case): pushes
 * time out with a clear error, and missing Pongs make the client reconnect.
 */
class SilentServerTest {

    @Test
    void unansweredPushTimesOutAndMissingPongsReconnect() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger frames = new AtomicInteger();
        HttpServer silent = TestServer.sharedVertx().createHttpServer()
                .webSocketHandler(ws -> {
                    connections.incrementAndGet();
                    ws.textMessageHandler(t -> frames.incrementAndGet());
                });
        int port = silent.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
        try (VertxSyncBackend backend = VertxSyncBackend.create(TestServer.sharedVertx(),
                VertxClientSettings.of(URI.create("ws://127.0.0.1:" + port), StoreId.of("quiet"))
                        .withRequestTimeout(Duration.ofMillis(1_000))
                        .withPing(Duration.ofMillis(200), Duration.ofMillis(1_500))
                        .withReconnect(Duration.ofMillis(20), Duration.ofMillis(100)))) {
            assertThatThrownBy(() -> backend.push(List.of(Event.of("e", "{}", 1, 0, "c", "s")))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .satisfies(e -> assertThat(SyncErrorException.errorOf(e).orElseThrow())
                            .isInstanceOf(SyncError.Unavailable.class)
                            .extracting(SyncError::message).asString().contains("no answer to push"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (connections.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(connections.get()).as("reconnections after missing Pongs").isGreaterThanOrEqualTo(2);
            assertThat(frames.get()).isGreaterThan(2); // pings and the push reached the peer
        } finally {
            silent.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
