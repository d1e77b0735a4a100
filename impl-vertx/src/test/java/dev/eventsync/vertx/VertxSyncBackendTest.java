package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventsync.api.ConnectionState;
import dev.eventsync.api.Event;
import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.spi.transport.AuthResult;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Java client against a real server over real sockets, on both transports. */
class VertxSyncBackendTest {

    private static final StoreId STORE = StoreId.of("client-store");
    private TestServer server;
    private final List<VertxSyncBackend> backends = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        backends.forEach(VertxSyncBackend::close);
        server.close();
    }

    private VertxSyncBackend ws(URI uri) {
        return track(VertxSyncBackend.create(TestServer.sharedVertx(), VertxClientSettings.of(uri, STORE)
                .withReconnect(Duration.ofMillis(50), Duration.ofMillis(400))));
    }

    private VertxSyncBackend http(URI uri) {
        return track(VertxSyncBackend.create(TestServer.sharedVertx(), VertxClientSettings.of(uri, STORE)
                .withTransport(VertxClientSettings.Transport.HTTP).withPollInterval(Duration.ofMillis(100))));
    }

    private VertxSyncBackend track(VertxSyncBackend backend) {
        backends.add(backend);
        return backend;
    }

    private static List<Event> events(long from, int count) {
        List<Event> batch = new ArrayList<>();
        for (long s = from; s < from + count; s++) {
            batch.add(Event.of("v1.TodoCreated", "{\"id\":\"" + s + "\", \"text\" : \"t\"}", s, s - 1, "c1", "s1"));
        }
        return batch;
    }

    /** An event of another client at {@code seq}: not a retry of what the log holds there. */
    private static Event conflicting(long seq) {
        return Event.of("v1.TodoCreated", "{\"id\":\"other\"}", seq, seq - 1, "c2", "s2");
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void webSocketPushThenPullRoundTripsEventsExactly() throws Exception {
        VertxSyncBackend backend = ws(server.wsUri());
        await(backend.connect());
        assertThat(backend.connectionState()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(await(backend.push(events(1, 3)))).isEqualTo(new PushResult.Appended(3, 3));
        PageCollector collector = new PageCollector();
        backend.pull(Optional.empty(), false).subscribe(collector);
        PullPage page = collector.next();
        await(collector.done);
        assertThat(page.batch()).extracting(e -> e.event()).containsExactlyElementsOf(events(1, 3));
        assertThat(page.pageInfo()).isEqualTo(PageInfo.NO_MORE);
        assertThat(page.backendId()).isEqualTo(server.store.backendId(STORE));
    }

    @Test
    void typedErrorsArriveAsSyncErrors() throws Exception {
        VertxSyncBackend backend = ws(server.wsUri());
        await(backend.push(events(1, 2)));
        assertThatThrownBy(() -> await(backend.push(List.of(conflicting(1)))))
                .satisfies(e -> assertThat(SyncErrorException.errorOf(e)).contains(new SyncError.ServerAhead(2, 0)));
        assertThatThrownBy(() -> await(backend.push(events(3, 1), Optional.of("stale-id"))))
                .satisfies(e -> assertThat(SyncErrorException.errorOf(e).orElseThrow())
                        .isInstanceOf(SyncError.BackendIdMismatch.class));
        assertThatThrownBy(() -> await(backend.push(List.of(Event.of("x", null, 5, 3, "c", "s"),
                Event.of("x", null, 4, 5, "c", "s")))))
                .satisfies(e -> assertThat(SyncErrorException.errorOf(e).orElseThrow())
                        .isInstanceOf(SyncError.InvalidBatch.class));
    }

    @Test
    void livePullDeliversOwnAndOthersPushesInOrder() throws Exception {
        VertxSyncBackend a = ws(server.wsUri());
        VertxSyncBackend b = ws(server.wsUri());
        PageCollector live = new PageCollector();
        a.pull(Optional.empty(), true).subscribe(live);
        assertThat(live.next().pageInfo()).isEqualTo(PageInfo.NO_MORE);
        await(a.push(events(1, 2)));
        await(b.push(events(3, 2)));
        List<Long> seen = new ArrayList<>();
        while (seen.size() < 4) {
            live.nextNonEmpty().batch().forEach(e -> seen.add(e.seqNum()));
        }
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L);
        assertThat(live.done).isNotDone();
    }

    @Test
    void livePullResumesFromItsCursorAfterTheServerRestarts() throws Exception {
        VertxSyncBackend backend = ws(server.wsUri());
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        backend.onConnectionState(states::add);
        PageCollector live = new PageCollector();
        backend.pull(Optional.empty(), true).subscribe(live);
        live.next();
        await(backend.push(events(1, 2)));
        assertThat(live.nextNonEmpty().lastSeqNum()).hasValue(2);

        int port = server.port;
        server.server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        server.engine.push(dev.eventsync.spi.transport.CallContext.local(STORE), events(3, 2), Optional.empty())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        VertxSyncServer restarted = VertxSyncServer.builder(server.engine)
                .settings(VertxSettings.defaults().withPort(port)).build();
        await(restarted.start());
        try {
            List<Long> seen = new ArrayList<>();
            while (seen.size() < 2) {
                live.nextNonEmpty().batch().forEach(e -> seen.add(e.seqNum()));
            }
            assertThat(seen).containsExactly(3L, 4L); // from the cursor: no duplicates of 1..2, no gap
            assertThat(states).contains(ConnectionState.CONNECTED, ConnectionState.DISCONNECTED);
            assertThat(backend.connectionState()).isEqualTo(ConnectionState.CONNECTED);
            await(backend.push(events(5, 1)));
            assertThat(live.nextNonEmpty().lastSeqNum()).hasValue(5);
        } finally {
            backends.forEach(VertxSyncBackend::close);
            backends.clear();
            await(restarted.stop(Duration.ofSeconds(1)));
        }
    }

    @Test
    void pingsKeepTheConnectionThroughTheServersIdleTimeout() throws Exception {
        try (TestServer strict = TestServer.start(VertxSettings.defaults().withIdleTimeout(Duration.ofMillis(400)))) {
            VertxSyncBackend backend = track(VertxSyncBackend.create(TestServer.sharedVertx(),
                    VertxClientSettings.of(strict.wsUri(), STORE).withPing(Duration.ofMillis(100), Duration.ofMillis(500))));
            List<ConnectionState> states = new CopyOnWriteArrayList<>();
            await(backend.connect());
            backend.onConnectionState(states::add);
            Thread.sleep(1_500);
            assertThat(states).containsExactly(ConnectionState.CONNECTED);
            await(backend.push(events(1, 1)));
        }
    }

    @Test
    void offlineServerGivesUnavailableErrors() throws Exception {
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        VertxSyncBackend backend = ws(URI.create("ws://127.0.0.1:" + freePort + "/"));
        assertThatThrownBy(() -> await(backend.push(events(1, 1))))
                .satisfies(e -> assertThat(SyncErrorException.errorOf(e).orElseThrow())
                        .isInstanceOf(SyncError.Unavailable.class)
                        .extracting(SyncError::message).asString().contains("127.0.0.1:" + freePort));
        assertThatThrownBy(() -> await(backend.ping()))
                .satisfies(e -> assertThat(SyncErrorException.errorOf(e).orElseThrow())
                        .isInstanceOf(SyncError.Unavailable.class));
        assertThat(backend.connectionState()).isIn(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING);
    }

    @Test
    void deniedConnectionIsUnauthorized() throws Exception {
        try (TestServer guarded = TestServer.withAuthenticator(ctx -> AuthResult.deny("no token"))) {
            VertxSyncBackend backend = ws(guarded.wsUri());
            assertThatThrownBy(() -> await(backend.connect()))
                    .satisfies(e -> assertThat(SyncErrorException.errorOf(e).orElseThrow())
                            .isInstanceOf(SyncError.Unauthorized.class)
                            .extracting(SyncError::message).asString().contains("no token"));
        }
    }

    @Test
    void payloadReachesTheAuthenticator() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (TestServer guarded = TestServer.withAuthenticator(ctx -> {
            seen.add(ctx.payload().orElse(""));
            return AuthResult.allow();
        })) {
            VertxSyncBackend backend = track(VertxSyncBackend.create(TestServer.sharedVertx(),
                    VertxClientSettings.of(guarded.wsUri(), STORE).withPayload("{\"authToken\":\"a+b&c=%d\"}")));
            await(backend.connect());
            await(backend.push(events(1, 1)));
            assertThat(seen).isNotEmpty().allMatch(p -> p.equals("{\"authToken\":\"a+b&c=%d\"}"));
        }
    }

    @Test
    void httpTransportPushesPullsAndPollsLive() throws Exception {
        VertxSyncBackend backend = http(server.httpUri());
        await(backend.connect());
        assertThat(backend.connectionState()).isEqualTo(ConnectionState.CONNECTED);
        PageCollector live = new PageCollector();
        backend.pull(Optional.empty(), true).subscribe(live);
        assertThat(live.next().pageInfo()).isEqualTo(PageInfo.NO_MORE);
        await(backend.push(events(1, 2)));
        PullPage page = live.nextNonEmpty();
        assertThat(page.batch()).extracting(e -> e.event()).containsExactlyElementsOf(events(1, 2));
        assertThatThrownBy(() -> await(backend.push(List.of(conflicting(1)))))
                .satisfies(e -> assertThat(SyncErrorException.errorOf(e)).contains(new SyncError.ServerAhead(2, 0)));
        PageCollector rest = new PageCollector();
        backend.pull(Optional.of(PullCursor.after(1)), false).subscribe(rest);
        assertThat(rest.next().lastSeqNum()).hasValue(2);
        await(rest.done);
    }

    @Test
    void cancelledPullStopsDelivering() throws Exception {
        VertxSyncBackend backend = ws(server.wsUri());
        PageCollector live = new PageCollector();
        backend.pull(Optional.empty(), true).subscribe(live);
        live.next();
        live.subscription.cancel();
        await(backend.push(events(1, 1)));
        assertThat(live.pages.poll(300, TimeUnit.MILLISECONDS)).isNull();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.engine.livePullCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20); // the Interrupt travels to the server asynchronously
        }
        assertThat(server.engine.livePullCount()).isZero();
    }
}
