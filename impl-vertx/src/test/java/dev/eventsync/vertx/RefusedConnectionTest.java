package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.spi.transport.AuthResult;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket live pull whose connection the server refuses (HTTP 401/403 or 400/404 to the upgrade, as sync-cf
 * answers a failed validatePayload) ends with that refusal: trying again gets the same answer, so waiting for a
 * reconnection would leave the caller with a pull that never ends. An outage (HTTP 503) is waited out.
 */
class RefusedConnectionTest {

    @Test
    void aLivePullRefusedByTheAuthenticatorEndsWithUnauthorized() throws Exception {
        try (TestServer server = TestServer.withAuthenticator(ctx -> AuthResult.deny("no entry"))) {
            SyncError error = livePullError(server.wsUri());
            assertThat(error).isInstanceOf(SyncError.Unauthorized.class);
            assertThat(error.message()).contains("403", "no entry");
        }
    }

    @Test
    void aLivePullRefusedWith400EndsWithInvalidRequest() throws Exception {
        HttpServer plain = answering(400, "UnknownError: Unauthorized: invalid authToken");
        try {
            SyncError error = livePullError(URI.create("ws://127.0.0.1:" + plain.actualPort()));
            assertThat(error).isInstanceOf(SyncError.InvalidRequest.class);
            assertThat(error.message()).contains("400", "invalid authToken");
        } finally {
            plain.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLivePullDuringAnOutageWaitsForTheServer() throws Exception {
        HttpServer plain = answering(503, "down for maintenance");
        try (VertxSyncBackend client = client(URI.create("ws://127.0.0.1:" + plain.actualPort()))) {
            PageCollector live = new PageCollector();
            client.pull(Optional.empty(), true).subscribe(live);
            Thread.sleep(1000);
            assertThat(live.done).as("a live pull refused with 503 waits for the server").isNotDone();
            assertThat(live.pages).isEmpty();
        } finally {
            plain.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static SyncError livePullError(URI url) throws Exception {
        try (VertxSyncBackend client = client(url)) {
            PageCollector live = new PageCollector();
            client.pull(Optional.empty(), true).subscribe(live);
            try {
                live.done.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(live.pages).isEmpty();
                return SyncErrorException.errorOf(e.getCause()).orElseThrow(() -> new AssertionError("untyped", e.getCause()));
            } catch (TimeoutException e) {
                throw new AssertionError("the refused live pull did not end within 10 s", e);
            }
            throw new AssertionError("the refused live pull completed normally");
        }
    }

    private static VertxSyncBackend client(URI url) {
        return VertxSyncBackend.create(TestServer.sharedVertx(), VertxClientSettings.of(url, StoreId.of("refused"))
                .withRequestTimeout(Duration.ofSeconds(5)));
    }

    /** A plain HTTP server that answers every request, WebSocket upgrades included, with {@code status}. */
    private static HttpServer answering(int status, String body) throws Exception {
        return TestServer.sharedVertx().createHttpServer()
                .requestHandler(request -> request.response().setStatusCode(status).end(body))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
