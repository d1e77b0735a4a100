package dev.eventsync.vertx;

import static dev.eventsync.vertx.RawWs.NONE;
import static dev.eventsync.vertx.RawWs.pull;
import static dev.eventsync.vertx.RawWs.push;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.core.SyncEngine;
import dev.eventsync.memory.InMemoryEventStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transport on several event loops ({@link VertxSettings#eventLoops()}): connections are spread over distinct
 * event-loop threads, every shared bound and count stays exact when connections arrive on several loops at once, a
 * stop closes the connections of every loop, pushes to one store from connections on different loops stay in one
 * chain, and start/stop stay idempotent with a failed listen leaving nothing bound. Real sockets throughout.
 */
class EventLoopsTest {

    /** The event-loop thread of every request, by the value of its {@code ?tag=} query parameter. */
    private final Map<String, String> threads = new ConcurrentHashMap<>();
    private InMemoryEventStore store;
    private SyncEngine engine;
    private VertxSyncServer server;
    private int port;

    /** An extra route that records the thread each request runs on: the event loop of the request's connection. */
    private final HttpRoutes recorder = new HttpRoutes() {
        @Override
        public void mount(Router router, Vertx vertx) {
            router.route().handler(ctx -> {
                HttpServerRequest request = ctx.request();
                String tag = request.getParam("tag");
                if (tag != null) {
                    threads.put(tag, Thread.currentThread().getName());
                }
                if ("/thread".equals(request.path())) {
                    ctx.response().end(Thread.currentThread().getName());
                } else {
                    ctx.next();
                }
            });
        }
    };

    private void start(VertxSettings settings) throws Exception {
        store = new InMemoryEventStore();
        engine = SyncEngine.builder(store).limits(SyncLimits.defaults()).build();
        server = VertxSyncServer.builder(engine).settings(settings.withPort(0)).routes(recorder).build();
        port = server.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            engine.close();
        }
    }

    @Test
    void connectionsAreSpreadOverDistinctEventLoopThreads() throws Exception {
        start(VertxSettings.defaults().withEventLoops(3));
        Set<String> http = threadsOfNewConnections(9);
        assertThat(http).hasSize(3).allMatch(name -> name.startsWith("vert.x-eventloop-thread-"));
        List<RawWs> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                sockets.add(RawWs.connect(port, "/?storeId=s&transport=ws&tag=ws" + i));
            }
            Set<String> ws = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                ws.add(threads.get("ws" + i));
            }
            assertThat(ws).isEqualTo(http);
        } finally {
            sockets.forEach(RawWs::close);
        }
    }

    @Test
    void oneEventLoopServesEveryConnectionOnOneThread() throws Exception {
        start(VertxSettings.defaults().withEventLoops(1));
        assertThat(threadsOfNewConnections(4)).hasSize(1);
    }

    @Test
    void perAddressLimitHoldsExactlyUnderConcurrentConnectsOnSeveralLoops() throws Exception {
        start(VertxSettings.defaults().withEventLoops(4).withMaxConnections(1000).withMaxConnectionsPerAddress(10));
        Map<Integer, Integer> statuses = connectAllThenRequest(List.of("127.0.0.1"), 30);
        assertThat(statuses).isEqualTo(Map.of(405, 10, 503, 20));
        assertThat(rejected("too_many_connections_per_address")).isEqualTo(20);
    }

    @Test
    void totalLimitHoldsExactlyUnderConcurrentConnectsOnSeveralLoops() throws Exception {
        start(VertxSettings.defaults().withEventLoops(4).withMaxConnections(15).withMaxConnectionsPerAddress(10));
        Map<Integer, Integer> statuses = connectAllThenRequest(
                List.of("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"), 10);
        assertThat(statuses).isEqualTo(Map.of(405, 15, 503, 25));
        assertThat(rejected("too_many_connections")).isEqualTo(25);
    }

    /**
     * Opens {@code perAddress} connections from each address, all at once from many threads, waits until the server
     * counts every one of them, then sends a sync GET on each: an admitted connection gets {@code 405} (the HTTP
     * transport takes POSTs), a refused one {@code 503}. Returns how many got which status.
     */
    private Map<Integer, Integer> connectAllThenRequest(List<String> addresses, int perAddress) throws Exception {
        int total = addresses.size() * perAddress;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<RawHttp> connections = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<RawHttp>> opened = new ArrayList<>();
            for (String address : addresses) {
                for (int i = 0; i < perAddress; i++) {
                    opened.add(pool.submit(() -> {
                        go.await();
                        return new RawHttp(port, address);
                    }));
                }
            }
            go.countDown();
            for (Future<RawHttp> f : opened) {
                connections.add(f.get(10, TimeUnit.SECONDS));
            }
            awaitGauge("eventsync.tcp.connections", total);
            List<Callable<Integer>> requests = new ArrayList<>();
            for (RawHttp c : connections) {
                requests.add(() -> c.get("/?storeId=s&transport=http").status());
            }
            Map<Integer, Integer> statuses = new HashMap<>();
            for (Future<Integer> status : pool.invokeAll(requests)) {
                statuses.merge(status.get(), 1, Integer::sum);
            }
            return statuses;
        } finally {
            for (RawHttp c : connections) {
                c.close();
            }
            pool.shutdownNow();
        }
    }

    @Test
    void stopClosesTheWebSocketsOfEveryEventLoopWithGoingAway() throws Exception {
        start(VertxSettings.defaults().withEventLoops(3));
        List<RawWs> sockets = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            sockets.add(RawWs.connect(port, "/?storeId=s" + i + "&transport=ws&tag=ws" + i));
        }
        assertThat(new HashSet<>(threads.values())).hasSize(3);
        server.stop(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (RawWs ws : sockets) {
            assertThat(ws.closed.get(5, TimeUnit.SECONDS)).isEqualTo((short) 1001);
        }
    }

    @Test
    void metricsCountExactlyWithConnectionsAndPushesOnSeveralLoops() throws Exception {
        start(VertxSettings.defaults().withEventLoops(4));
        int clients = 24;
        int pushes = 20;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<RawWs> sockets = new ArrayList<>();
        try {
            List<Future<RawWs>> opened = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int client = i;
                opened.add(pool.submit(() -> RawWs.connect(port, "/?storeId=m" + client + "&transport=ws&tag=m"
                        + client)));
            }
            for (Future<RawWs> f : opened) {
                sockets.add(f.get(10, TimeUnit.SECONDS));
            }
            assertThat(new HashSet<>(threads.values())).hasSize(4);
            List<Future<Void>> done = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                RawWs ws = sockets.get(i);
                String storeId = "m" + i;
                done.add(pool.submit(() -> {
                    for (int n = 1; n <= pushes; n++) {
                        ws.send(push(String.valueOf(n), storeId, "[" + RawWs.event(2L * n - 1, 2L * n - 2, "{}") + ","
                                + RawWs.event(2L * n, 2L * n - 1, "{}") + "]", NONE));
                        assertThat(ws.next().path("exit").path("_tag").asText()).isEqualTo("Success");
                    }
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            MeterRegistry registry = server.meterRegistry();
            assertThat(registry.get("eventsync.connections").tag("transport", "ws").gauge().value()).isEqualTo(clients);
            assertThat(registry.get("eventsync.connections.opened").tag("transport", "ws").counter().count())
                    .isEqualTo(clients);
            assertThat(registry.get("eventsync.events.appended").counter().count()).isEqualTo(clients * pushes * 2);
            assertThat(registry.get("eventsync.push.latency").timer().count()).isEqualTo(clients * pushes);
        } finally {
            sockets.forEach(RawWs::close);
            pool.shutdownNow();
        }
        awaitGauge("eventsync.tcp.connections", 0);
        assertThat(server.meterRegistry().get("eventsync.connections").tag("transport", "ws").gauge().value())
                .isZero();
    }

    @Test
    void pushesFromConnectionsOnEveryLoopToOneStoreFormOneOrderedChain() throws Exception {
        start(VertxSettings.defaults().withEventLoops(4));
        int pushers = 8;
        int eventsEach = 25;
        StoreId one = StoreId.of("one");
        try (RawWs puller = RawWs.connect(port, "/?storeId=one&transport=ws&tag=puller")) {
            puller.send(pull("p", "one", true, NONE));
            puller.next(); // the first, empty page
            puller.send("{\"_tag\":\"Ack\",\"requestId\":\"p\"}");
            ExecutorService pool = Executors.newFixedThreadPool(pushers);
            List<RawWs> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < pushers; i++) {
                    sockets.add(RawWs.connect(port, "/?storeId=one&transport=ws&tag=pusher" + i));
                }
                List<Future<Void>> done = new ArrayList<>();
                for (int i = 0; i < pushers; i++) {
                    RawWs ws = sockets.get(i);
                    int pusher = i;
                    done.add(pool.submit(() -> {
                        long parent = 0;
                        for (int n = 0; n < eventsEach; ) {
                            String args = "{\"p\":" + pusher + ",\"n\":" + n + "}";
                            ws.send(push(pusher + "-" + n, "one", "[" + RawWs.event(parent + 1, parent, args) + "]",
                                    NONE));
                            JsonNode exit = ws.next().path("exit");
                            if (exit.path("_tag").asText().equals("Success")) {
                                n++;
                                parent++;
                            } else {
                                JsonNode error = exit.path("cause").path("error");
                                assertThat(error.path("_tag").asText()).isEqualTo("ServerAheadError");
                                parent = error.path("minimumExpectedNum").asLong();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<Void> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                sockets.forEach(RawWs::close);
                pool.shutdownNow();
            }
            Set<String> loops = new HashSet<>(threads.values());
            assertThat(loops).hasSize(4);
            int total = pushers * eventsEach;
            assertThat(store.head(one)).isEqualTo(total);
            // the live pull sees every event once, in seqNum order, each pusher's events in the order it pushed them
            List<JsonNode> seen = new ArrayList<>();
            while (seen.size() < total) {
                JsonNode chunk = puller.next();
                for (JsonNode page : chunk.path("values")) {
                    page.path("batch").forEach(e -> seen.add(e.path("eventEncoded")));
                }
                puller.send("{\"_tag\":\"Ack\",\"requestId\":\"p\"}");
            }
            assertThat(seen).hasSize(total);
            int[] next = new int[pushers];
            for (int i = 0; i < total; i++) {
                JsonNode event = seen.get(i);
                assertThat(event.path("seqNum").asLong()).isEqualTo(i + 1);
                assertThat(event.path("parentSeqNum").asLong()).isEqualTo(i);
                int pusher = event.path("args").path("p").asInt();
                assertThat(event.path("args").path("n").asInt()).isEqualTo(next[pusher]++);
            }
            assertThat(next).containsOnly(eventsEach);
        }
    }

    @Test
    void startAndStopAreIdempotentAndTheServerRestartsOnItsEventLoops() throws Exception {
        start(VertxSettings.defaults().withEventLoops(2));
        assertThatThrownBy(() -> server.start().toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
        server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(isFree(port)).isTrue();
        port = server.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(threadsOfNewConnections(4)).hasSize(2);
    }

    @Test
    void aFailedListenFailsTheStartAndLeavesNothingBound() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int busy = taken.getLocalPort();
            store = new InMemoryEventStore();
            engine = SyncEngine.builder(store).limits(SyncLimits.defaults()).build();
            VertxSyncServer refused = VertxSyncServer.builder(engine)
                    .settings(VertxSettings.defaults().withEventLoops(3).withPort(busy)).build();
            assertThatThrownBy(() -> refused.start().toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
            taken.close();
            assertThat(isFree(busy)).isTrue();
            // the failed server may be started again once the port is free
            int again = refused.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(again).isEqualTo(busy);
            server = refused;
        }
    }

    /** The threads that served {@code count} new connections, one request each. */
    private Set<String> threadsOfNewConnections(int count) throws java.io.IOException {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < count; i++) {
            try (RawHttp c = new RawHttp(port)) {
                RawHttp.Response r = c.get("/thread");
                assertThat(r.status()).isEqualTo(200);
                names.add(r.body());
            }
        }
        return names;
    }

    private static boolean isFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private double rejected(String reason) {
        return server.meterRegistry().get("eventsync.connections.rejected").tag("reason", reason).counter().count();
    }

    /** Waits (up to 10 s) until the gauge {@code name} reads {@code value}: the server sees sockets asynchronously. */
    private void awaitGauge(String name, double value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.meterRegistry().get(name).gauge().value() != value && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.meterRegistry().get(name).gauge().value()).as(name).isEqualTo(value);
    }
}
