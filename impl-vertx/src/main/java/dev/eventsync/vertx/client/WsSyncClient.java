package dev.eventsync.vertx.client;

import dev.eventsync.api.ConnectionState;
import dev.eventsync.api.Event;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.vertx.VertxClientSettings;
import dev.eventsync.vertx.wire.ServerMessage;
import dev.eventsync.vertx.wire.SyncRpc;
import dev.eventsync.vertx.wire.WireFormatException;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket client: one connection per store, request ids from a counter, pushes one at a time in call
 * order, pulls acknowledged chunk by chunk as the subscriber takes pages, RPC-level pings, and reconnection with
 * jittered, capped exponential backoff. Live pulls survive a reconnect: they are sent again from the cursor
 * after the last delivered page. Everything else that is in flight when the connection drops, or that is due
 * while it is down and a connection attempt fails, fails with {@link SyncError.Unavailable}.
 *
 * <p>All state is confined to one Vert.x context; callers' threads only hop onto it.
 */
final class WsSyncClient extends VertxClientBase {

    /** How long close() waits for the server's answer to the close frame before it lets the socket go. */
    private static final long CLOSE_HANDSHAKE_MILLIS = 500;


    private static final Logger LOG = LoggerFactory.getLogger(WsSyncClient.class);

    private final WebSocketClient wsClient;

    private WebSocket socket;
    private boolean connecting;
    private int attempt;
    private long reconnectTimerId = -1;
    private long keepaliveTimerId = -1;
    private long lastFrameNanos;

    private final List<ConnectWaiter> connectWaiters = new ArrayList<>();
    private final Map<String, WsPull> pullsById = new HashMap<>();
    private final List<WsPull> livePulls = new ArrayList<>();
    private final ArrayDeque<PushOp> pushQueue = new ArrayDeque<>();
    private PushOp pushInFlight;
    private final List<CompletableFuture<Void>> pingWaiters = new ArrayList<>();

    WsSyncClient(VertxClientSettings settings, Vertx vertx, ExecutorService callbacks, Runnable onClose) {
        super(settings, vertx, callbacks, onClose, true);
        WebSocketClientOptions options = new WebSocketClientOptions()
                .setMaxMessageSize(64 * 1024 * 1024)
                .setMaxFrameSize(64 * 1024 * 1024)
                .setConnectTimeout(connectTimeoutMillis());
        settings.trustedCertificates().ifPresent(pem -> options.setTrustOptions(
                new io.vertx.core.net.PemTrustOptions().addCertPath(pem.toString())));
        this.wsClient = vertx.createWebSocketClient(options);
    }

    // ---------------------------------------------------------------- operations

    /** Connects first if needed (without waiting for the backoff timer), then sends an RPC-level ping. */
    @Override
    public CompletionStage<Void> ping() {
        return whileOpen(result -> whenConnected(() -> pingNow(result), result::completeExceptionally));
    }

    /**
     * Runs {@code operation} with a new future on the context, or fails that future at once when the client is
     * closed; the caller's stage completes on the callback executor.
     */
    private <T> CompletionStage<T> whileOpen(Consumer<CompletableFuture<T>> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            if (closed) {
                result.completeExceptionally(closedError());
                return;
            }
            operation.accept(result);
        });
        return async(result);
    }

    private void pingNow(CompletableFuture<Void> result) {
        pingWaiters.add(result);
        send(codec.ping());
        long timer = vertx.setTimer(settings.requestTimeout().toMillis(), t -> {
            if (pingWaiters.remove(result)) {
                result.completeExceptionally(new SyncErrorException(new SyncError.Unavailable(
                        "no Pong from " + url + " within " + settings.requestTimeout().toMillis() + " ms")));
            }
        });
        result.whenComplete((x, e) -> vertx.cancelTimer(timer));
    }

    @Override
    public CompletionStage<PushResult> push(List<Event> batch, Optional<String> backendId) {
        List<Event> events = List.copyOf(batch);
        return whileOpen(result -> {
            pushQueue.add(new PushOp(events, backendId, result));
            pumpPushes();
        });
    }

    @Override
    protected Flow.Publisher<PullPage> openPull(Optional<PullCursor> cursor, boolean live) {
        return subscriber -> context.runOnContext(v -> {
            PullDelivery delivery = new PullDelivery(context, callbacks, subscriber);
            WsPull pull = new WsPull(cursor, live, delivery);
            track(delivery);
            delivery.start(pull);
            if (closed) {
                delivery.fail(closedError());
                return;
            }
            if (live) {
                livePulls.add(pull);
            }
            whenConnected(pull::send, error -> {
                if (!live) {
                    delivery.fail(error);
                } // a live pull waits for the reconnection instead
            });
        });
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            if (closed) {
                done.complete(null);
                return;
            }
            closed = true;
            vertx.cancelTimer(reconnectTimerId);
            vertx.cancelTimer(keepaliveTimerId);
            SyncErrorException error = closedError();
            failAll(error, true);
            endOpenPulls(error);
            connectWaiters.forEach(w -> w.onFailure.accept(error));
            connectWaiters.clear();
            states.set(ConnectionState.CLOSED);
            WebSocket s = socket;
            socket = null;
            if (s != null) {
                s.close((short) 1000, "client closed").onComplete(x -> done.complete(null));
                // a peer that never answers the close frame (workerd, for one) must not hold close() up for seconds
                vertx.setTimer(CLOSE_HANDSHAKE_MILLIS, t -> done.complete(null));
            } else {
                done.complete(null);
            }
        });
        finishClosing(done, wsClient::close);
    }

    // ---------------------------------------------------------------- pushes

    private void pumpPushes() {
        if (pushInFlight != null || pushQueue.isEmpty()) {
            return;
        }
        PushOp op = pushQueue.peek();
        whenConnected(() -> {
            if (pushInFlight != null || pushQueue.peek() != op) {
                return;
            }
            pushQueue.poll();
            pushInFlight = op;
            op.id = nextId();
            op.timerId = vertx.setTimer(settings.requestTimeout().toMillis(), t -> {
                if (pushInFlight == op) {
                    pushInFlight = null;
                    op.result.completeExceptionally(new SyncErrorException(new SyncError.Unavailable(
                            "no answer to push within " + settings.requestTimeout().toMillis() + " ms from " + url
                                    + "; it may or may not have been applied: pull to find out, then push again")));
                    pumpPushes();
                }
            });
            send(codec.request(op.id, SyncRpc.WS_PUSH, SyncRpc.encodePush(settings.storeId().value(),
                    settings.payload(), op.batch, op.backendId), PushResults.REQUEST_HEADERS));
        }, error -> {
            // the connection attempt failed: every push waiting for it fails with the same clear error
            List<PushOp> waiting = new ArrayList<>(pushQueue);
            pushQueue.clear();
            waiting.forEach(p -> p.result.completeExceptionally(error));
        });
    }

    private void pushAnswered(PushOp op, ServerMessage.Outcome outcome) {
        vertx.cancelTimer(op.timerId);
        pushInFlight = null;
        completePush(op.result, outcome, op.batch);
        pumpPushes();
    }

    private static final class PushOp {
        final List<Event> batch;
        final Optional<String> backendId;
        final CompletableFuture<PushResult> result;
        String id;
        long timerId = -1;

        PushOp(List<Event> batch, Optional<String> backendId, CompletableFuture<PushResult> result) {
            this.batch = batch;
            this.backendId = backendId;
            this.result = result;
        }
    }

    // ---------------------------------------------------------------- pulls

    /** One pull: sent under a fresh request id on each connection, continuing after the last delivered page. */
    private final class WsPull implements PullDelivery.Listener {
        private final boolean live;
        private final PullDelivery delivery;
        private Optional<PullCursor> cursor;
        private String requestId;

        WsPull(Optional<PullCursor> cursor, boolean live, PullDelivery delivery) {
            this.cursor = cursor;
            this.live = live;
            this.delivery = delivery;
        }

        void send() {
            if (delivery.isTerminated() || socket == null || requestId != null) {
                return; // finished, offline (a live pull is sent on reconnect), or already sent on this connection
            }
            requestId = nextId();
            pullsById.put(requestId, this);
            WsSyncClient.this.send(codec.request(requestId, SyncRpc.WS_PULL, SyncRpc.encodePull(
                    settings.storeId().value(), settings.payload(), live, cursor, false), List.of()));
        }

        void chunk(List<PullPage> pages) {
            pages.forEach(delivery::offer);
        }

        void exit(ServerMessage.Outcome outcome) {
            pullsById.remove(requestId);
            livePulls.remove(this);
            if (outcome instanceof ServerMessage.Failure failure) {
                delivery.fail(new SyncErrorException(failure.error()));
            } else {
                delivery.complete();
            }
        }

        /** The connection dropped: a live pull waits to be sent again, any other fails. */
        void connectionLost(SyncErrorException error) {
            pullsById.remove(requestId);
            requestId = null;
            if (live) {
                delivery.dropBuffered();
            } else {
                delivery.fail(error);
            }
        }

        @Override
        public void delivered(PullPage page) {
            learnBackendId(page);
            cursor = Optional.of(cursor.orElse(PullCursor.root()).advancedBy(page));
            if (requestId != null) {
                WsSyncClient.this.send(codec.ack(requestId));
            }
        }

        @Override
        public void cancelled() {
            livePulls.remove(this);
            if (requestId != null) {
                pullsById.remove(requestId);
                WsSyncClient.this.send(codec.interrupt(requestId));
                requestId = null;
            }
        }
    }

    // ---------------------------------------------------------------- connection

    private record ConnectWaiter(Runnable onConnected, Consumer<SyncErrorException> onFailure) {
    }

    /**
     * Runs {@code action} once connected. Without a connection, a caller does not wait for the backoff timer: an
     * attempt starts at once (or the one under way is joined), and if it fails the action fails with that
     * attempt's error, an {@link SyncError.Unavailable} that names the server and the cause.
     */
    private void whenConnected(Runnable action, Consumer<SyncErrorException> onFailure) {
        if (socket != null) {
            action.run();
            return;
        }
        connectWaiters.add(new ConnectWaiter(action, onFailure));
        if (!connecting) {
            vertx.cancelTimer(reconnectTimerId);
            reconnectTimerId = -1;
            openSocket();
        }
    }

    private void openSocket() {
        connecting = true;
        states.set(ConnectionState.CONNECTING);
        WebSocketConnectOptions options = new WebSocketConnectOptions().setAbsoluteURI(url)
                .setTimeout(settings.requestTimeout().toMillis());
        settings.headers().forEach(options::putHeader);
        wsClient.connect(options).onComplete(ar -> {
            connecting = false;
            if (closed) {
                if (ar.succeeded()) {
                    ar.result().close((short) 1000, "client closed");
                }
                return;
            }
            if (ar.succeeded()) {
                connected(ar.result());
            } else {
                SyncError failure = connectError(ar.cause());
                LOG.debug("connecting to {} failed: {}", url, failure.message());
                states.set(ConnectionState.DISCONNECTED);
                List<ConnectWaiter> waiters = new ArrayList<>(connectWaiters);
                connectWaiters.clear();
                SyncErrorException error = new SyncErrorException(failure);
                waiters.forEach(w -> w.onFailure.accept(error));
                if (refusedForGood(failure)) {
                    // the server answered and refused (401/403, 400/404): trying again gets the same answer, so a
                    // live pull waiting for a connection ends with that refusal instead of waiting for ever
                    List<WsPull> refused = new ArrayList<>(livePulls);
                    livePulls.clear();
                    refused.forEach(p -> p.delivery.fail(error));
                }
                scheduleReconnect();
            }
        });
    }

    private void connected(WebSocket ws) {
        socket = ws;
        attempt = 0;
        lastFrameNanos = System.nanoTime();
        ws.textMessageHandler(this::onText);
        // Vert.x knows the close status only once the socket is closed, as it is in the close handler
        ws.closeHandler(v -> onSocketClosed(ws, "closed (" + ws.closeStatusCode()
                + (ws.closeReason() == null ? "" : " " + ws.closeReason()) + ")"));
        ws.exceptionHandler(e -> LOG.debug("WebSocket to {}: {}", url, e.toString()));
        states.set(ConnectionState.CONNECTED);
        LOG.debug("connected to {}", url);
        send(codec.ping()); // as LiveStore does: a first ping proves the server answers
        keepaliveTimerId = vertx.setPeriodic(settings.pingInterval().toMillis(), t -> keepalive(ws));
        for (WsPull pull : new ArrayList<>(livePulls)) {
            if (pull.requestId == null) {
                pull.send();
            }
        }
        List<ConnectWaiter> waiters = new ArrayList<>(connectWaiters);
        connectWaiters.clear();
        waiters.forEach(w -> w.onConnected.run());
        pumpPushes();
    }

    private void keepalive(WebSocket ws) {
        if (socket != ws) {
            return;
        }
        long silentMillis = (System.nanoTime() - lastFrameNanos) / 1_000_000;
        if (silentMillis > settings.pingInterval().toMillis() + settings.pingTimeout().toMillis()) {
            LOG.info("no frame from {} for {} ms; reconnecting", url, silentMillis);
            ws.close((short) 1000, "no answer to pings");
            onSocketClosed(ws, "silent for " + silentMillis + " ms (no answer to pings)");
            return;
        }
        send(codec.ping());
    }

    private void onSocketClosed(WebSocket ws, String reason) {
        if (socket != ws) {
            return;
        }
        socket = null;
        vertx.cancelTimer(keepaliveTimerId);
        if (closed) {
            return;
        }
        LOG.debug("connection to {} {}", url, reason);
        states.set(ConnectionState.DISCONNECTED);
        failAll(new SyncErrorException(new SyncError.Unavailable("connection to " + url + " " + reason
                + " before the answer; the request may or may not have been applied")), false);
        scheduleReconnect();
    }

    /** Fails what cannot survive a lost connection; live pulls survive unless {@code everything}. */
    private void failAll(SyncErrorException error, boolean everything) {
        if (pushInFlight != null) {
            vertx.cancelTimer(pushInFlight.timerId);
            pushInFlight.result.completeExceptionally(error);
            pushInFlight = null;
        }
        pushQueue.forEach(op -> op.result.completeExceptionally(error));
        pushQueue.clear();
        pingWaiters.forEach(p -> p.completeExceptionally(error));
        pingWaiters.clear();
        for (WsPull pull : new ArrayList<>(pullsById.values())) {
            pull.connectionLost(error);
        }
        if (everything) {
            livePulls.forEach(p -> p.delivery.fail(error));
            livePulls.clear();
        }
    }

    private void scheduleReconnect() {
        if (closed || reconnectTimerId >= 0 || connecting) {
            return;
        }
        long base = settings.reconnectMin().toMillis();
        long cap = settings.reconnectMax().toMillis();
        long delay = base << Math.min(attempt, 30);
        delay = Math.min(cap, delay < 0 ? cap : delay);
        delay = Math.max(1, (long) (delay * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble())));
        attempt++;
        LOG.debug("reconnecting to {} in {} ms (attempt {})", url, delay, attempt);
        vertx.cancelTimer(reconnectTimerId);
        reconnectTimerId = vertx.setTimer(delay, t -> {
            reconnectTimerId = -1;
            if (!closed && socket == null && !connecting) {
                openSocket();
            }
        });
    }

    private void onText(String text) {
        lastFrameNanos = System.nanoTime();
        ServerMessage message;
        try {
            message = codec.decodeServerMessage(text);
        } catch (WireFormatException e) {
            LOG.warn("ignoring an undecodable frame from {}: {}", url, e.getMessage());
            return;
        }
        if (message instanceof ServerMessage.Pong) {
            List<CompletableFuture<Void>> waiting = new ArrayList<>(pingWaiters);
            pingWaiters.clear();
            waiting.forEach(f -> f.complete(null));
        } else if (message instanceof ServerMessage.Chunk chunk) {
            WsPull pull = pullsById.get(chunk.requestId());
            if (pull != null) {
                pull.chunk(chunk.values());
            }
        } else if (message instanceof ServerMessage.Exit exit) {
            if (pushInFlight != null && exit.requestId().equals(pushInFlight.id)) {
                pushAnswered(pushInFlight, exit.outcome());
            } else {
                WsPull pull = pullsById.get(exit.requestId());
                if (pull != null) {
                    pull.exit(exit.outcome());
                }
            }
        } else if (message instanceof ServerMessage.Defect defect) {
            LOG.warn("the server at {} reported a protocol defect: {}", url, defect.message());
        }
    }

    // ---------------------------------------------------------------- helpers

    private void send(String text) {
        WebSocket s = socket;
        if (s != null) {
            s.writeTextMessage(text).onFailure(e -> LOG.debug("write to {} failed: {}", url, e.toString()));
        }
    }

    /** Whether a connection attempt was refused by the server itself, not lost to the network or an outage. */
    private static boolean refusedForGood(SyncError failure) {
        return failure instanceof SyncError.Unauthorized || failure instanceof SyncError.InvalidRequest;
    }

    private SyncError connectError(Throwable cause) {
        if (cause instanceof UpgradeRejectedException rejected) {
            String body = rejected.getBody() == null ? "" : rejected.getBody().toString().trim();
            String detail = "the server at " + url + " refused the connection with HTTP " + rejected.getStatus()
                    + (body.isEmpty() ? "" : ": " + body);
            return switch (rejected.getStatus()) {
                case 401, 403 -> new SyncError.Unauthorized(detail);
                case 400, 404, 405, 426 -> new SyncError.InvalidRequest(detail);
                default -> new SyncError.Unavailable(detail);
            };
        }
        return new SyncError.Unavailable("cannot connect to " + url + ": " + cause.getMessage());
    }
}
