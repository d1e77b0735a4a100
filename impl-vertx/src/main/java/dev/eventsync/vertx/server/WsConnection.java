package dev.eventsync.vertx.server;

import static dev.eventsync.api.json.JsonText.abbreviate;
import static dev.eventsync.api.json.JsonText.utf8Length;

import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.SyncError;
import dev.eventsync.vertx.VertxSettings;
import dev.eventsync.vertx.wire.ClientMessage;
import dev.eventsync.vertx.wire.RpcCodec;
import dev.eventsync.vertx.wire.SyncRpc;
import dev.eventsync.vertx.wire.WireFormatException;
import dev.eventsync.spi.transport.CallContext;
import dev.eventsync.spi.transport.SyncService;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection serving one store with the sync-cf RPCs. All state lives on the socket's event
 * loop: results of the {@link SyncService} (which completes on its own threads) hop back with
 * {@link Context#runOnContext}, so nothing here blocks the event loop or needs locks.
 *
 * <p>Pushes of a connection are admitted one after another, in the order received. Each pull is bridged with
 * back-pressure: the next page is requested from the service only after the client acknowledged enough chunks
 * ({@link VertxSettings#maxUnackedChunks()}) and while the socket's write queue is not full.
 */
final class WsConnection {

    private static final Logger LOG = LoggerFactory.getLogger(WsConnection.class);

    private final ServerWebSocket socket;
    private final Context context;
    private final Vertx vertx;
    private final SyncTarget target;
    private final CallContext callContext;
    private final Optional<Instant> credentialExpiresAt;
    private final SyncService service;
    private final RpcCodec codec;
    private final VertxSettings settings;
    private final TransportMetrics metrics;
    private final Runnable onClosed;
    private final String label;

    private final Map<String, PullStream> pulls = new HashMap<>();
    private final ArrayDeque<PendingPush> pushes = new ArrayDeque<>();
    private final List<Runnable> drainWaiters = new ArrayList<>();
    private PendingPush pushInFlight;
    private boolean draining;
    /** Why the connection is draining: shutdown (1001) or an expired credential (1008). */
    private short drainCloseCode = CloseCodes.GOING_AWAY;
    private String drainCloseReason = "server shutting down; reconnect shortly";
    private Optional<SyncError> expired = Optional.empty();
    private boolean closing;
    private boolean closed;
    private long lastActivityNanos;
    private long idleTimerId = -1;
    private long expiryTimerId = -1;

    WsConnection(ServerWebSocket socket, Context context, Vertx vertx, SyncTarget target, CallContext callContext,
                 Optional<Instant> credentialExpiresAt, SyncService service, RpcCodec codec, VertxSettings settings,
                 TransportMetrics metrics, Runnable onClosed) {
        this.socket = socket;
        this.context = context;
        this.vertx = vertx;
        this.target = target;
        this.callContext = callContext;
        this.credentialExpiresAt = credentialExpiresAt;
        this.service = service;
        this.codec = codec;
        this.settings = settings;
        this.metrics = metrics;
        this.onClosed = onClosed;
        this.label = "ws " + callContext.remote().orElse("?") + " store " + target.storeId();
    }

    /** Wires the socket's handlers; called once, on the socket's context. */
    void start() {
        lastActivityNanos = System.nanoTime();
        socket.setWriteQueueMaxSize(settings.writeQueueMaxBytes());
        socket.textMessageHandler(this::onText);
        socket.binaryMessageHandler(this::onBinary);
        socket.drainHandler(v -> onDrain());
        socket.exceptionHandler(this::onSocketError);
        socket.shutdownHandler(v -> beginShutdown());
        socket.closeHandler(v -> onClose());
        metrics.wsOpened();
        scheduleIdleCheck(settings.idleTimeout().toMillis());
        credentialExpiresAt.ifPresent(this::scheduleExpiry);
        LOG.debug("{}: connected", label);
    }

    Context context() {
        return context;
    }

    // ---------------------------------------------------------------- input

    private void onText(String text) {
        try {
            handleText(text);
        } catch (RuntimeException e) {
            // a bug, not bad input (bad input is answered in handleText): keep the connection, report it
            LOG.error("{}: failed to handle a frame", label, e);
            send(codec.defect("internal server error while handling the message; the server log has the details"));
        }
    }

    private void handleText(String text) {
        lastActivityNanos = System.nanoTime();
        int bytes = utf8Length(text);
        if (bytes > settings.maxFrameBytes()) {
            metrics.badFrame("oversize");
            SyncError error = new SyncError.LimitExceeded("maxFrameBytes", settings.maxFrameBytes(), bytes);
            Optional<String> id = codec.peekRequestId(text);
            LOG.debug("{}: refused a frame of {} bytes (limit {})", label, bytes, settings.maxFrameBytes());
            send(id.isPresent() ? codec.exitFailure(id.get(), error) : codec.defect(error.message()));
            return;
        }
        ClientMessage message;
        try {
            message = codec.decodeClientMessage(text);
        } catch (WireFormatException e) {
            badInput(e);
            return;
        }
        if (message instanceof ClientMessage.Ping) {
            send(codec.pong());
        } else if (message instanceof ClientMessage.Ack ack) {
            PullStream pull = pulls.get(ack.requestId());
            if (pull != null) {
                pull.acked();
            } // an Ack for an unknown or finished id is harmless: ignored (LiveStore issue #1365)
        } else if (message instanceof ClientMessage.Interrupt interrupt) {
            PullStream pull = pulls.get(interrupt.requestId());
            if (pull != null) {
                pull.cancel();
            } // a push cannot be taken back once admitted; unknown ids are ignored
        } else if (message instanceof ClientMessage.Request request) {
            onRequest(request);
        }
        // Eof: nothing to do
    }

    private void onBinary(Buffer buffer) {
        lastActivityNanos = System.nanoTime();
        metrics.badFrame("binary");
        send(codec.defect("binary frames are not supported: send each message as one JSON text frame"));
    }

    private void badInput(WireFormatException e) {
        SyncError error = e.toError();
        metrics.badFrame(error instanceof SyncError.LimitExceeded ? "too_deep" : "malformed");
        LOG.debug("{}: bad frame: {}", label, e.getMessage());
        if (e.requestId().isPresent()) {
            send(codec.exitFailure(e.requestId().get(), error));
        } else {
            send(codec.defect("invalid message: " + e.getMessage()));
        }
    }

    private void onRequest(ClientMessage.Request request) {
        String id = request.id();
        if (expired.isPresent()) {
            send(codec.exitFailure(id, expired.get()));
            return;
        }
        if (draining) {
            send(codec.exitFailure(id, new SyncError.Unavailable("the server is shutting down")));
            return;
        }
        Optional<SyncRpc.Kind> kind = SyncRpc.Kind.of(request.tag());
        if (kind.isEmpty()) {
            metrics.badFrame("unknown_rpc");
            send(codec.exitFailure(id, new SyncError.InvalidRequest("unknown RPC '" + abbreviate(request.tag())
                    + "': this server serves SyncWsRpc.Pull and SyncWsRpc.Push over WebSocket")));
            return;
        }
        if (pulls.containsKey(id) || (pushInFlight != null && pushInFlight.id.equals(id))
                || pushes.stream().anyMatch(p -> p.id.equals(id))) {
            send(codec.exitFailure(id, new SyncError.InvalidRequest("request id '" + abbreviate(id)
                    + "' is already in use on this connection")));
            return;
        }
        int inFlight = requestsInFlight();
        if (inFlight >= settings.maxRequestsInFlight()) {
            metrics.badFrame("too_many_requests");
            send(codec.exitFailure(id, new SyncError.LimitExceeded("maxRequestsInFlight",
                    settings.maxRequestsInFlight(), inFlight + 1L)));
            return;
        }
        try {
            switch (kind.get()) {
                case PULL -> startPull(id, SyncRpc.decodePull(request.payload()));
                case PUSH -> enqueuePush(id, SyncRpc.decodePush(request.payload()), request.headers());
                case PING -> {
                    SyncRpc.decodePing(request.payload());
                    send(codec.exitSuccess(id, Optional.of(SyncRpc.PONG)));
                }
            }
        } catch (WireFormatException e) {
            badInput(e.forRequest(id));
        }
    }

    private int requestsInFlight() {
        return pulls.size() + pushes.size() + (pushInFlight == null ? 0 : 1);
    }

    private CallContext contextFor(String storeId, Optional<String> payload) throws WireFormatException {
        if (!storeId.equals(target.storeId().value())) {
            throw new WireFormatException("this connection serves store '" + target.storeId()
                    + "' but the request names '" + abbreviate(storeId) + "'; open one connection per store");
        }
        return payload.isPresent() ? callContext.withPayload(payload) : callContext;
    }

    // ---------------------------------------------------------------- pushes

    private void enqueuePush(String id, SyncRpc.PushRequest request, List<Map.Entry<String, String>> headers)
            throws WireFormatException {
        CallContext ctx = contextFor(request.storeId(), request.payload());
        if (!request.batch().isEmpty()) {
            ctx = new CallContext(ctx.storeId(), ctx.payload(), ctx.headers(),
                    Optional.of(request.batch().get(0).clientId()), ctx.transport(), ctx.remote());
        }
        pushes.add(new PendingPush(id, request, ctx, System.nanoTime(), headers));
        pumpPushes();
    }

    private void pumpPushes() {
        if (pushInFlight != null || pushes.isEmpty()) {
            return;
        }
        PendingPush push = pushes.poll();
        pushInFlight = push;
        CompletionStage<PushResult> result;
        try {
            result = service.push(push.ctx, push.request.batch(), push.request.backendId());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((r, failure) -> context.runOnContext(v -> pushDone(push, r, failure)));
    }

    private void pushDone(PendingPush push, PushResult result, Throwable failure) {
        pushInFlight = null;
        long nanos = System.nanoTime() - push.startNanos;
        if (failure == null) {
            metrics.pushSucceeded(target.storeId(), result, nanos, "ws");
            send(codec.exitSuccess(push.id, Optional.of(SyncRpc.pushAck(result, push.headers))));
        } else {
            SyncError error = Failures.errorOf(failure, LOG, label + ": push " + push.id);
            metrics.pushFailed(error, nanos, "ws");
            send(codec.exitFailure(push.id, error));
        }
        pumpPushes();
        if (draining) {
            closeIfIdle();
        }
    }

    private record PendingPush(String id, SyncRpc.PushRequest request, CallContext ctx, long startNanos,
                               List<Map.Entry<String, String>> headers) {
    }

    // ---------------------------------------------------------------- pulls

    private void startPull(String id, SyncRpc.PullRequest request) throws WireFormatException {
        CallContext ctx = contextFor(request.storeId(), request.payload());
        PullStream stream = new PullStream(id, request.live());
        pulls.put(id, stream);
        if (request.live()) {
            metrics.liveSubscriberOpened();
        }
        try {
            service.pull(ctx, request.cursor(), request.live()).subscribe(stream);
        } catch (RuntimeException e) {
            stream.onError(e);
        }
    }

    /** Bridges one pull's pages to the socket, paced by Acks and by the socket's write queue. */
    private final class PullStream implements Flow.Subscriber<PullPage> {
        private final String id;
        private final boolean live;
        private Flow.Subscription subscription;
        private int unacked;
        private boolean requested;
        private boolean awaitingDrain;
        private boolean done;

        PullStream(String id, boolean live) {
            this.id = id;
            this.live = live;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            context.runOnContext(v -> {
                if (done || subscription != null) {
                    s.cancel();
                    return;
                }
                subscription = s;
                pump();
            });
        }

        @Override
        public void onNext(PullPage page) {
            context.runOnContext(v -> {
                if (done) {
                    return;
                }
                requested = false;
                unacked++;
                metrics.pullPage(target.storeId(), page, "ws");
                send(codec.chunk(id, page));
                pump();
            });
        }

        @Override
        public void onError(Throwable failure) {
            context.runOnContext(v -> {
                if (done) {
                    return;
                }
                finish();
                send(codec.exitFailure(id, Failures.errorOf(failure, LOG, label + ": pull " + id)));
            });
        }

        @Override
        public void onComplete() {
            context.runOnContext(v -> {
                if (done) {
                    return;
                }
                finish();
                if (!live) {
                    send(codec.exitSuccess(id, Optional.empty()));
                } else if (!closed) {
                    // a live pull never gets an Exit; the service ended it, so the client must reconnect to resume
                    LOG.info("{}: live pull {} ended by the service; closing so the client resumes", label, id);
                    socket.close(CloseCodes.INTERNAL_ERROR, "live pull ended by the server; reconnect to resume");
                }
            });
        }

        void acked() {
            if (unacked > 0) {
                unacked--;
            }
            pump();
        }

        void cancel() {
            if (done) {
                return;
            }
            finish();
            if (subscription != null) {
                subscription.cancel();
            }
        }

        /** Ends the pull from the transport's side with {@code error} as its {@code Exit} failure. */
        void fail(SyncError error) {
            if (done) {
                return;
            }
            cancel();
            send(codec.exitFailure(id, error));
        }

        private void pump() {
            if (done || closed || subscription == null || requested || unacked >= settings.maxUnackedChunks()) {
                return;
            }
            if (socket.writeQueueFull()) {
                if (!awaitingDrain) { // once: repeated Acks must not pile up waiters
                    awaitingDrain = true;
                    drainWaiters.add(() -> {
                        awaitingDrain = false;
                        pump();
                    });
                }
                return;
            }
            requested = true;
            subscription.request(1);
        }

        private void finish() {
            done = true;
            pulls.remove(id, this);
            if (live) {
                metrics.liveSubscriberClosed();
            }
            if (draining) {
                closeIfIdle();
            }
        }
    }

    // ---------------------------------------------------------------- lifecycle

    private void onDrain() {
        List<Runnable> waiting = new ArrayList<>(drainWaiters);
        drainWaiters.clear();
        waiting.forEach(Runnable::run);
    }

    private void onSocketError(Throwable failure) {
        Optional<WebSocketViolations.Violation> violation =
                WebSocketViolations.of(failure, settings.hardFrameLimit(), settings.maxFrameBytes());
        if (violation.isEmpty()) {
            LOG.debug("{}: socket error: {}", label, failure.toString());
            return;
        }
        if (closed || closing) {
            return;
        }
        // the frame stream cannot be resynchronised after a broken frame: close with the code RFC 6455 §7.4.1 gives
        WebSocketViolations.Violation v = violation.get();
        LOG.debug("{}: closing with {}: {} ({})", label, v.code(), v.reason(), failure.getMessage());
        metrics.badFrame(v.metricReason());
        closing = true;
        socket.close(v.code(), v.reason());
    }

    /** Graceful shutdown: refuse new requests, let admitted pushes finish, then close with 1001. */
    void beginShutdown() {
        if (draining || closed) {
            return;
        }
        draining = true;
        pushes.forEach(p -> send(codec.exitFailure(p.id, new SyncError.Unavailable("the server is shutting down"))));
        pushes.clear();
        closeIfIdle();
    }

    private void closeIfIdle() {
        if (closed || closing || pushInFlight != null) {
            return;
        }
        closing = true;
        new ArrayList<>(pulls.values()).forEach(PullStream::cancel);
        socket.close(drainCloseCode, drainCloseReason);
    }

    /**
     * Enforces the connection's credential lifetime ({@code AuthResult.Allowed.expiresAt}): a timer, re-armed at
     * most a day ahead, so that far-away expiries need no huge delays.
     */
    private void scheduleExpiry(Instant expiresAt) {
        Duration left = Duration.between(Instant.now(), expiresAt);
        long delayMillis = left.compareTo(Duration.ofDays(1)) > 0 ? Duration.ofDays(1).toMillis()
                : Math.max(1, left.toMillis() + 1);
        expiryTimerId = vertx.setTimer(delayMillis, id -> {
            if (closed) {
                return;
            }
            if (Instant.now().isBefore(expiresAt)) {
                scheduleExpiry(expiresAt);
            } else {
                credentialExpired(expiresAt);
            }
        });
    }

    /**
     * The credential this connection was opened with has expired: every live pull ends with an
     * {@code Unauthorized} failure (LiveStore's client surfaces it), queued and later requests are refused with
     * it, an admitted push finishes, then the socket closes with 1008 (policy violation).
     */
    private void credentialExpired(Instant expiresAt) {
        if (expired.isPresent() || closing) {
            return;
        }
        SyncError error = new SyncError.Unauthorized("the credential of this connection expired at " + expiresAt
                + "; reconnect with a new one");
        expired = Optional.of(error);
        LOG.info("{}: credential expired at {}; ending {} pull(s) and closing", label, expiresAt, pulls.size());
        metrics.credentialExpired();
        new ArrayList<>(pulls.values()).forEach(pull -> pull.fail(error));
        pushes.forEach(p -> send(codec.exitFailure(p.id, error)));
        pushes.clear();
        draining = true;
        drainCloseCode = CloseCodes.POLICY_VIOLATION;
        drainCloseReason = "credential expired; reconnect with a new one";
        closeIfIdle();
    }

    private void scheduleIdleCheck(long delayMillis) {
        idleTimerId = vertx.setTimer(Math.max(1, delayMillis), id -> {
            if (closed) {
                return;
            }
            long idleMillis = (System.nanoTime() - lastActivityNanos) / 1_000_000;
            long limit = settings.idleTimeout().toMillis();
            if (idleMillis >= limit) {
                LOG.info("{}: closing after {} ms without a frame", label, idleMillis);
                socket.close(CloseCodes.IDLE_TIMEOUT, "idle timeout: no message for " + limit
                        + " ms; send Ping frames to keep the connection open");
            } else {
                scheduleIdleCheck(limit - idleMillis);
            }
        });
    }

    private void onClose() {
        if (closed) {
            return;
        }
        closed = true;
        vertx.cancelTimer(idleTimerId);
        vertx.cancelTimer(expiryTimerId);
        new ArrayList<>(pulls.values()).forEach(PullStream::cancel);
        pushes.clear();
        drainWaiters.clear();
        metrics.wsClosed();
        LOG.debug("{}: closed ({} {})", label, socket.closeStatusCode(), socket.closeReason());
        onClosed.run();
    }

    private void send(String text) {
        if (closed || socket.isClosed()) {
            return;
        }
        socket.writeTextMessage(text).onFailure(e -> LOG.debug("{}: write failed: {}", label, e.toString()));
    }
}
