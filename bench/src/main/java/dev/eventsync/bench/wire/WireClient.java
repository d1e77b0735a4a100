package dev.eventsync.bench.wire;

import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One client connection, as LiveStore holds one per client session: {@code ws://host:port/?storeId=S&transport=ws},
 * request ids from a counter, every chunk acknowledged as soon as it is read. Frames of one connection are
 * handled on its event loop; sending is allowed from any thread.
 */
public final class WireClient {

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final WebSocket socket;
    private final String storeId;
    private final String clientId = "bench-client-" + CLIENTS.incrementAndGet();
    private final AtomicInteger nextId = new AtomicInteger();
    private final Map<String, Consumer<ServerFrame>> handlers = new ConcurrentHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final AtomicLong framesIn = new AtomicLong();
    /** The event-loop thread that handles this connection's frames. */
    private final String eventLoop = Thread.currentThread().getName();
    private volatile boolean closed;

    private WireClient(WebSocket socket, String storeId) {
        this.socket = socket;
        this.storeId = storeId;
        socket.textMessageHandler(this::onText);
        socket.binaryMessageHandler(b -> problem("binary frame of " + b.length() + " bytes"));
        socket.closeHandler(v -> {
            if (!closed) {
                problem("closed by the server: " + socket.closeStatusCode() + " " + socket.closeReason());
            }
            closed = true;
        });
        socket.exceptionHandler(e -> problem("socket error: " + e));
    }

    /** Connects to the server at {@code port} on 127.0.0.1 for {@code storeId}. */
    public static CompletableFuture<WireClient> connect(WebSocketClient client, int port, String storeId) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/?storeId=" + storeId + "&transport=ws");
        CompletableFuture<WireClient> result = new CompletableFuture<>();
        client.connect(options).onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(new WireClient(ar.result(), storeId));
            } else {
                result.completeExceptionally(ar.cause());
            }
        });
        return result;
    }

    public String storeId() {
        return storeId;
    }

    /** This client's {@code clientId}, unique in the generator's process. */
    public String clientId() {
        return clientId;
    }

    /** The event-loop thread that handles this connection's frames. */
    String eventLoop() {
        return eventLoop;
    }

    /** Opens a pull (live or not) from {@code cursor} (empty: from the start). */
    public PullStream pull(boolean live, Optional<ClientFrames.Cursor> cursor) {
        String id = Integer.toString(nextId.getAndIncrement());
        PullStream stream = new PullStream(cursor.map(ClientFrames.Cursor::seqNum).orElse(0L));
        String ack = ClientFrames.ack(id); // the same frame for every chunk of this pull: built once
        handlers.put(id, frame -> {
            if (frame.kind() == ServerFrame.Kind.CHUNK) {
                send(ack);
                stream.onChunk(frame);
            } else {
                handlers.remove(id);
                stream.onExit(frame);
            }
        });
        send(ClientFrames.pull(id, storeId, live, cursor));
        return stream;
    }

    /** Pushes {@code batch}; completes with the server's exit. */
    public CompletableFuture<ServerFrame> push(List<ClientFrames.OutEvent> batch, Optional<String> backendId) {
        String id = Integer.toString(nextId.getAndIncrement());
        CompletableFuture<ServerFrame> exit = new CompletableFuture<>();
        handlers.put(id, frame -> {
            if (frame.kind() == ServerFrame.Kind.CHUNK) {
                problem("a chunk for push " + id);
                return;
            }
            handlers.remove(id);
            exit.complete(frame);
        });
        send(ClientFrames.push(id, storeId, batch, backendId));
        return exit;
    }

    public void send(String text) {
        socket.writeTextMessage(text);
    }

    /** Frames received so far. */
    public long framesIn() {
        return framesIn.get();
    }

    /** Defects, stray frames and unexpected closes seen so far. */
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    public CompletableFuture<Void> close() {
        closed = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        socket.close().onComplete(ar -> done.complete(null));
        return done;
    }

    private void onText(String text) {
        framesIn.incrementAndGet();
        ServerFrame frame;
        try {
            frame = ServerFrame.parse(text);
        } catch (IllegalArgumentException e) {
            problem(e.getMessage());
            return;
        }
        if (frame.kind() == ServerFrame.Kind.PONG) {
            return;
        }
        if (frame.kind() == ServerFrame.Kind.DEFECT) {
            problem(frame.failure().text());
            return;
        }
        Consumer<ServerFrame> handler = handlers.get(frame.requestId());
        if (handler == null) {
            problem("a frame for no open request: " + ServerFrame.abbreviate(text));
            return;
        }
        handler.accept(frame);
    }

    private synchronized void problem(String what) {
        if (problems.size() < 20) {
            problems.add(storeId + ": " + what);
        }
    }
}
