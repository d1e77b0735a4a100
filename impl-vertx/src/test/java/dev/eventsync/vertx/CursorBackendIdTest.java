package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.StoreId;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A pull from a cursor the caller gave without a backendId never puts an empty backendId on the wire
 * (sync-cf 0.4.0 answers that with BackendIdMismatchError): the client fills in the one it learned, first
 * learning it from a pull from the root when it has seen no page yet. A recording proxy between the client
 * and the real server shows every Pull request the client sent.
 */
class CursorBackendIdTest {

    private static final Pattern CURSOR_BACKEND_ID = Pattern.compile("\"cursor\":\\{\"_tag\":\"Some\",\"value\":\\{\"backendId\":\"([^\"]*)\"");

    private TestServer server;
    private HttpServer proxy;
    private int proxyPort;
    private final List<String> sent = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
        HttpClient http = TestServer.sharedVertx().createHttpClient();
        WebSocketClient ws = TestServer.sharedVertx().createWebSocketClient();
        proxy = TestServer.sharedVertx().createHttpServer()
                .webSocketHandler(in -> {
                    in.pause();
                    ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port).setURI(in.uri()))
                            .onSuccess(out -> {
                                in.textMessageHandler(text -> {
                                    sent.add(text);
                                    out.writeTextMessage(text);
                                });
                                out.textMessageHandler(in::writeTextMessage);
                                in.closeHandler(v -> out.close());
                                out.closeHandler(v -> in.close());
                                in.resume();
                            })
                            .onFailure(e -> in.close());
                })
                .requestHandler(req -> req.body().onSuccess(body -> {
                    sent.add(body.toString());
                    http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                                    .setPort(server.port).setURI(req.uri()).putHeader("content-type", "application/json"))
                            .compose(r -> r.send(body)).compose(r -> r.body().map(b -> new Object[] {r.statusCode(), b}))
                            .onSuccess(r -> req.response().setStatusCode((Integer) r[0])
                                    .end((io.vertx.core.buffer.Buffer) r[1]))
                            .onFailure(e -> req.response().setStatusCode(502).end());
                }));
        proxyPort = proxy.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        server.close();
    }

    private static List<Long> seqNums(PageCollector pages) {
        return pages.pages.stream().flatMap(p -> p.batch().stream()).map(dev.eventsync.api.StoredEvent::seqNum).toList();
    }

    @ParameterizedTest
    @EnumSource(VertxClientSettings.Transport.class)
    void aCursorWithoutBackendIdIsSentWithTheStoresBackendId(VertxClientSettings.Transport transport) throws Exception {
        StoreId store = StoreId.of("cursor-bid-" + transport.name().toLowerCase(java.util.Locale.ROOT));
        String scheme = transport == VertxClientSettings.Transport.HTTP ? "http" : "ws";
        VertxClientSettings settings = VertxClientSettings.of(URI.create(scheme + "://127.0.0.1:" + proxyPort + "/"), store)
                .withTransport(transport).withPollInterval(Duration.ofMillis(100));
        try (VertxSyncBackend fresh = VertxSyncBackend.create(TestServer.sharedVertx(), settings)) {
            fresh.push(List.of(Event.of("e", "{}", 1, 0, "c", "s"), Event.of("e", "{}", 2, 1, "c", "s")))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            // a client that has seen no page yet learns the backendId before sending the cursor
            PageCollector first = new PageCollector();
            fresh.pull(Optional.of(PullCursor.after(1)), false).subscribe(first);
            first.done.get(10, TimeUnit.SECONDS);
            assertThat(seqNums(first)).containsExactly(2L);
            // a client that has seen a page fills in the backendId of that page
            PageCollector second = new PageCollector();
            fresh.pull(Optional.of(PullCursor.after(0)), false).subscribe(second);
            second.done.get(10, TimeUnit.SECONDS);
            assertThat(seqNums(second)).containsExactly(1L, 2L);
        }
        String backendId = server.store.backendId(store);
        List<String> cursorIds = sent.stream().filter(f -> f.contains("Pull")).map(CURSOR_BACKEND_ID::matcher)
                .filter(Matcher::find).map(m -> m.group(1)).toList();
        assertThat(cursorIds).as("backendIds of the cursors on the wire: %s", sent).hasSize(2).containsOnly(backendId);
    }
}
