package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code VertxSettings.perMessageDeflate}: a client that offers permessage-deflate, as every LiveStore client
 * does, gets it by default and does not when the setting is off; both answer pings.
 */
class PerMessageDeflateTest {

    private static WebSocketClient offering;

    @BeforeAll
    static void client() {
        offering = TestServer.sharedVertx().createWebSocketClient(new WebSocketClientOptions()
                .setTryUsePerMessageCompression(true));
    }

    @AfterAll
    static void closeClient() throws Exception {
        offering.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String negotiated(TestServer server) throws Exception {
        WebSocket ws = offering.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port)
                .setURI("/?storeId=deflate&transport=ws")).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        try {
            CompletableFuture<String> pong = new CompletableFuture<>();
            ws.textMessageHandler(pong::complete);
            ws.writeTextMessage("{\"_tag\":\"Ping\"}");
            assertThat(pong.get(10, TimeUnit.SECONDS)).isEqualTo("{\"_tag\":\"Pong\"}");
            String extensions = ws.headers().get("sec-websocket-extensions");
            return extensions == null ? "" : extensions;
        } finally {
            ws.close();
        }
    }

    @Test
    void deflateIsAcceptedByDefault() throws Exception {
        try (TestServer server = TestServer.start()) {
            assertThat(VertxSettings.defaults().perMessageDeflate()).isTrue();
            assertThat(negotiated(server)).contains("permessage-deflate");
        }
    }

    @Test
    void deflateIsDeclinedWhenTurnedOff() throws Exception {
        try (TestServer server = TestServer.start(VertxSettings.defaults().withPerMessageDeflate(false))) {
            assertThat(negotiated(server)).doesNotContain("permessage-deflate");
        }
    }
}
