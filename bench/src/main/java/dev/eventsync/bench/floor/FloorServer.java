package dev.eventsync.bench.floor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The transport floor: the least work any server speaking LiveStore's {@code sync-cf} 0.4.0 over WebSocket
 * must do, used by the benchmark as the reference Eventsync is measured against. It parses each frame once,
 * checks a push's chain and its first parent against the store's in-memory head, appends the events, sends
 * the live page (encoded once per push, only the request id differs per subscriber) to every live pull of
 * the store, and acknowledges; pulls are served in pages of at most 100 events, the next page after the
 * client's {@code Ack}. It keeps nothing on disk, checks no limits or authentication and holds no
 * back-pressure for live pages: it is a measuring stick, not a server.
 *
 * <p>One Vert.x event loop per core (one verticle instance each); a store's appends and their broadcast
 * happen under the store's monitor, so every subscriber sees one order.
 */
public final class FloorServer implements AutoCloseable {

    static final int PAGE_EVENTS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Store> stores = new ConcurrentHashMap<>();
    private final String backendId = "floor-" + UUID.randomUUID();
    private final Vertx vertx;
    private volatile int port;

    private FloorServer(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Starts a floor server on 127.0.0.1.
     *
     * @param port      TCP port, 0 for any free one
     * @param instances event loops (verticle instances) serving connections
     * @param deflate   whether to accept permessage-deflate when a client offers it
     */
    public static FloorServer start(int port, int instances, boolean deflate) throws Exception {
        int loops = Math.max(1, instances);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        FloorServer server = new FloorServer(vertx);
        // port 0 would give every instance its own free port (and clients reach only the last one reported):
        // -1 is Vert.x's random port shared by the instances of one deployment
        HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(port == 0 ? -1 : port)
                .setPerMessageWebSocketCompressionSupported(deflate)
                .setMaxWebSocketFrameSize(2 * 1024 * 1024).setMaxWebSocketMessageSize(2 * 1024 * 1024);
        vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                vertx.createHttpServer(options).webSocketHandler(server::accept).listen()
                        .onSuccess(s -> {
                            server.port = s.actualPort();
                            started.complete();
                        }).onFailure(started::fail);
            }
        }, new DeploymentOptions().setInstances(loops)).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        return server;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /**
     * {@code FloorServer [--port P] [--instances N] [--deflate]}: prints {@code floor listening on 127.0.0.1:P}
     * and serves until SIGTERM.
     */
    public static void main(String[] args) throws Exception {
        int port = 0;
        int instances = Runtime.getRuntime().availableProcessors();
        boolean deflate = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--instances" -> instances = Integer.parseInt(args[++i]);
                case "--deflate" -> deflate = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --port P, --instances N, --deflate");
            }
        }
        FloorServer server = start(port, instances, deflate);
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(new java.io.FileOutputStream(
                java.io.FileDescriptor.out), StandardCharsets.UTF_8), true);
        out.println("floor listening on 127.0.0.1:" + server.port());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }));
        stop.await();
    }

    // ---------------------------------------------------------------- the protocol

    private static final class Store {
        long head;
        final List<String> items = new ArrayList<>();
        long[] seqs = new long[1024];
        final List<Subscriber> live = new ArrayList<>();
    }

    private record Subscriber(ServerWebSocket socket, String requestId) {
    }

    /** A catch-up pull waiting for the client's Ack of its last page. */
    private static final class CatchUp {
        final Store store;
        final String requestId;
        final boolean live;
        int next;

        CatchUp(Store store, String requestId, boolean live, int next) {
            this.store = store;
            this.requestId = requestId;
            this.live = live;
            this.next = next;
        }
    }

    void accept(ServerWebSocket ws) {
        Map<String, CatchUp> pending = new HashMap<>();
        List<Store> subscribed = new ArrayList<>();
        ws.textMessageHandler(text -> {
            try {
                onFrame(ws, pending, subscribed, JSON.readTree(text));
            } catch (IOException | RuntimeException e) {
                ws.writeTextMessage("{\"_tag\":\"Defect\",\"defect\":{\"name\":\"FloorError\",\"message\":"
                        + JSON.valueToTree(String.valueOf(e.getMessage())) + "}}");
            }
        });
        ws.closeHandler(v -> {
            for (Store s : subscribed) {
                synchronized (s) {
                    s.live.removeIf(sub -> sub.socket() == ws);
                }
            }
        });
    }

    private Store store(String storeId) {
        return stores.computeIfAbsent(storeId, k -> new Store());
    }

    private void onFrame(ServerWebSocket ws, Map<String, CatchUp> pending, List<Store> subscribed, JsonNode frame) throws IOException {
        switch (frame.path("_tag").asText()) {
            case "Ping" -> ws.writeTextMessage("{\"_tag\":\"Pong\"}");
            case "Ack" -> {
                CatchUp c = pending.remove(frame.path("requestId").asText());
                if (c != null) {
                    sendPage(ws, pending, subscribed, c);
                }
            }
            case "Interrupt" -> pending.remove(frame.path("requestId").asText());
            case "Request" -> {
                String id = frame.path("id").asText();
                JsonNode payload = frame.path("payload");
                Store store = store(payload.path("storeId").asText());
                if (frame.path("tag").asText().endsWith(".Pull")) {
                    JsonNode cursor = payload.path("cursor");
                    long after = "Some".equals(cursor.path("_tag").asText())
                            ? cursor.path("value").path("eventSequenceNumber").asLong() : 0;
                    int next;
                    synchronized (store) {
                        next = indexAfter(store, after);
                    }
                    sendPage(ws, pending, subscribed, new CatchUp(store, id, payload.path("live").asBoolean(), next));
                } else {
                    push(ws, id, store, payload.path("batch"));
                }
            }
            default -> { }
        }
    }

    /** The index of the first event after seqNum {@code after}; a store's seqNums ascend (gaps are legal). */
    private static int indexAfter(Store store, long after) {
        int lo = 0;
        int hi = store.items.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (store.seqs[mid] <= after) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void sendPage(ServerWebSocket ws, Map<String, CatchUp> pending, List<Store> subscribed, CatchUp c) {
        StringBuilder page = new StringBuilder(16 * 1024);
        page.append("{\"_tag\":\"Chunk\",\"requestId\":\"").append(c.requestId).append("\",\"values\":[{\"batch\":[");
        boolean last;
        synchronized (c.store) {
            int end = Math.min(c.store.items.size(), c.next + PAGE_EVENTS);
            for (int i = c.next; i < end; i++) {
                if (i > c.next) {
                    page.append(',');
                }
                page.append(c.store.items.get(i));
            }
            int remaining = c.store.items.size() - end;
            c.next = end;
            last = remaining == 0;
            page.append("],\"pageInfo\":");
            page.append(last ? "{\"_tag\":\"NoMore\"}" : "{\"_tag\":\"MoreKnown\",\"remaining\":" + remaining + "}");
            page.append(",\"backendId\":\"").append(backendId).append("\"}]}");
            ws.writeTextMessage(page.toString());
            if (last && c.live) {
                c.store.live.add(new Subscriber(ws, c.requestId));
                subscribed.add(c.store);
            }
        }
        if (!last) {
            pending.put(c.requestId, c);
        } else if (!c.live) {
            ws.writeTextMessage("{\"_tag\":\"Exit\",\"requestId\":\"" + c.requestId + "\",\"exit\":{\"_tag\":\"Success\"}}");
        }
    }

    private void push(ServerWebSocket ws, String id, Store store, JsonNode batch) throws IOException {
        int n = batch.size();
        if (n == 0) {
            ws.writeTextMessage(success(id));
            return;
        }
        for (int i = 0; i < n; i++) {
            JsonNode e = batch.get(i);
            long seq = e.path("seqNum").asLong();
            long parent = e.path("parentSeqNum").asLong();
            if (seq <= parent || (i > 0 && parent != batch.get(i - 1).path("seqNum").asLong())) {
                ws.writeTextMessage("{\"_tag\":\"Exit\",\"requestId\":\"" + id + "\",\"exit\":{\"_tag\":\"Failure\","
                        + "\"cause\":{\"_tag\":\"Fail\",\"error\":{\"_tag\":\"UnknownError\",\"cause\":\"bad chain\"}}}}");
                return;
            }
        }
        String createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        String metadata = ",\"metadata\":{\"_tag\":\"Some\",\"value\":{\"_tag\":\"SyncMessage.SyncMetadata\",\"createdAt\":\""
                + createdAt + "\"}}}";
        String[] items = new String[n];
        StringBuilder joined = new StringBuilder(n * 256);
        for (int i = 0; i < n; i++) {
            items[i] = "{\"eventEncoded\":" + JSON.writeValueAsString(batch.get(i)) + metadata;
            if (i > 0) {
                joined.append(',');
            }
            joined.append(items[i]);
        }
        String pageTail = "\",\"values\":[{\"batch\":[" + joined + "],\"pageInfo\":{\"_tag\":\"NoMore\"},\"backendId\":\""
                + backendId + "\"}]}";
        synchronized (store) {
            long parent = batch.get(0).path("parentSeqNum").asLong();
            if (parent != store.head) {
                ws.writeTextMessage("{\"_tag\":\"Exit\",\"requestId\":\"" + id + "\",\"exit\":{\"_tag\":\"Failure\","
                        + "\"cause\":{\"_tag\":\"Fail\",\"error\":{\"_tag\":\"ServerAheadError\",\"minimumExpectedNum\":"
                        + store.head + ",\"providedNum\":" + parent + "}}}}");
                return;
            }
            if (store.items.size() + n > store.seqs.length) {
                store.seqs = java.util.Arrays.copyOf(store.seqs, Math.max(store.seqs.length * 2, store.items.size() + n));
            }
            for (int i = 0; i < n; i++) {
                store.seqs[store.items.size()] = batch.get(i).path("seqNum").asLong();
                store.items.add(items[i]);
            }
            store.head = batch.get(n - 1).path("seqNum").asLong();
            for (Subscriber sub : store.live) {
                sub.socket().writeTextMessage("{\"_tag\":\"Chunk\",\"requestId\":\"" + sub.requestId() + pageTail);
            }
        }
        ws.writeTextMessage(success(id));
    }

    private static String success(String id) {
        return "{\"_tag\":\"Exit\",\"requestId\":\"" + id + "\",\"exit\":{\"_tag\":\"Success\",\"value\":{}}}";
    }
}
