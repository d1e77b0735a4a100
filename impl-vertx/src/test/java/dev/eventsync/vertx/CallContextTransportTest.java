package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.spi.transport.CallContext;
import dev.eventsync.spi.transport.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One request pipeline: a push interceptor sees the same {@link CallContext} whether the push came over the
 * WebSocket or the HTTP transport: store, client and session of the batch, the sync payload (credentials), the
 * request headers and the remote address; only the transport's name differs.
 */
class CallContextTransportTest {

    @Test
    void aPushInterceptorSeesTheSameCallContextOverWebSocketAndHttp() throws Exception {
        List<CallContext> seen = new CopyOnWriteArrayList<>();
        try (TestServer server = TestServer.withInterceptor((context, event) -> {
            seen.add(context);
            return Verdict.accept();
        })) {
            StoreId store = StoreId.of("same-context");
            long head = 0;
            for (VertxClientSettings.Transport transport : List.of(VertxClientSettings.Transport.WEBSOCKET,
                    VertxClientSettings.Transport.HTTP)) {
                VertxClientSettings settings = VertxClientSettings.of(
                        transport == VertxClientSettings.Transport.HTTP ? server.httpUri() : server.wsUri(), store).withTransport(transport)
                        .withPayload("{\"authToken\":\"secret-token\"}")
                        .withHeaders(Map.of("x-app-version", "7"))
                        .withPollInterval(Duration.ofMillis(50));
                try (VertxSyncBackend client = VertxSyncBackend.create(TestServer.sharedVertx(), settings)) {
                    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
                    Event event = Event.of("todoCreated-v1", "{\"id\":1}", head + 1, head, "client-" + transport,
                            "session-" + transport);
                    PushResult result = client.push(List.of(event)).toCompletableFuture().get(10, TimeUnit.SECONDS);
                    assertThat(result).isEqualTo(new PushResult.Appended(head + 1, 1));
                    head++;
                }
            }
            assertThat(seen).hasSize(2);
            CallContext ws = seen.get(0);
            CallContext http = seen.get(1);
            assertThat(ws.transport()).isEqualTo("ws");
            assertThat(http.transport()).isEqualTo("http");
            for (CallContext context : seen) {
                String transport = context == ws ? "WEBSOCKET" : "HTTP";
                assertThat(context.storeId()).isEqualTo(store);
                assertThat(context.clientId()).as(transport).contains("client-" + transport);
                assertThat(context.sessionId()).as(transport).contains("session-" + transport);
                assertThat(context.payload()).as(transport).contains("{\"authToken\":\"secret-token\"}");
                assertThat(context.header("x-app-version")).as(transport).contains("7");
                assertThat(context.remote()).as(transport).hasValueSatisfying(r -> assertThat(r).contains("127.0.0.1"));
            }
        }
    }
}
