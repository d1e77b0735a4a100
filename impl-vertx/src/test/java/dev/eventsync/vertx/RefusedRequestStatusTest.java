package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A server that refuses with an HTTP status gets the same typed error on both client transports (the WebSocket
 * upgrade, the HTTP POST): one rule, not one per transport. The peer is a real HTTP server on an ephemeral port
 * that answers every request with the status named in its path.
 */
class RefusedRequestStatusTest {

    /** Status → the error a caller must see: retrying helps only for {@code Unavailable}. */
    private static final Map<Integer, Class<? extends SyncError>> EXPECTED = Map.of(
            401, SyncError.Unauthorized.class,
            403, SyncError.Unauthorized.class,
            400, SyncError.InvalidRequest.class,
            404, SyncError.InvalidRequest.class,
            405, SyncError.InvalidRequest.class,
            413, SyncError.InvalidRequest.class,
            426, SyncError.InvalidRequest.class,
            429, SyncError.Unavailable.class,
            500, SyncError.Unavailable.class,
            503, SyncError.Unavailable.class);

    private HttpServer refusing;
    private int port;

    @BeforeEach
    void start() throws Exception {
        refusing = TestServer.sharedVertx().createHttpServer().requestHandler(request -> {
            String path = request.path();
            int status = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
            request.response().setStatusCode(status).end("refused with " + status);
        });
        port = refusing.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        refusing.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(VertxClientSettings.Transport.class)
    void aRefusalStatusMapsToOneTypedErrorOnEitherTransport(VertxClientSettings.Transport transport) throws Exception {
        for (Map.Entry<Integer, Class<? extends SyncError>> expected : EXPECTED.entrySet()) {
            int status = expected.getKey();
            String scheme = transport == VertxClientSettings.Transport.HTTP ? "http" : "ws";
            URI uri = URI.create(scheme + "://127.0.0.1:" + port + "/refuse/" + status);
            try (VertxSyncBackend backend = VertxSyncBackend.create(TestServer.sharedVertx(),
                    VertxClientSettings.of(uri, StoreId.of("refused")).withTransport(transport))) {
                assertThatThrownBy(() -> backend.push(List.of(Event.of("e", "{}", 1, 0, "c", "s")))
                        .toCompletableFuture().get(10, TimeUnit.SECONDS))
                        .as("%s, HTTP %d", transport, status)
                        .satisfies(e -> assertThat(SyncErrorException.errorOf(e).orElseThrow())
                                .as("%s, HTTP %d", transport, status)
                                .isInstanceOf(expected.getValue())
                                .extracting(SyncError::message).asString()
                                .contains(String.valueOf(status)).contains("127.0.0.1:" + port));
            }
        }
    }
}
