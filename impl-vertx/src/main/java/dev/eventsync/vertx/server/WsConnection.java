package dev.eventsync.vertx.server;

import static dev.eventsync.api.json.JsonText.abbreviate;
import static dev.eventsync.api.json.JsonText.utf8Length;

import dev.eventsync.api.SyncError;
import dev.eventsync.spi.transport.CallContext;
import dev.eventsync.vertx.VertxSettings;
import dev.eventsync.vertx.dispatch.PullRelay;
import dev.eventsync.vertx.dispatch.PullSink;
import dev.eventsync.vertx.dispatch.RequestDispatcher;
import dev.eventsync.vertx.dispatch.RequestDispatcher.Call;
import dev.eventsync.vertx.dispatch.Transport;
import dev.eventsync.vertx.dispatch.TransportMetrics;
import dev.eventsync.vertx.wire.ClientMessage;
import dev.eventsync.vertx.wire.RpcCodec;
import dev.eventsync.vertx.wire.WireFormatException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection serving one store: the WebSocket framing of the sync-cf RPCs. Requests run through
 * the shared {@link RequestDispatcher}; this class keeps what is WebSocket's own: one JSON message per text
 * frame, request ids and the in-flight limit, pushes of a connection admitted one after another in the order
 * received, pulls paced by the client's Acks ({@link VertxSettings#maxUnackedChunks()}) and by the socket's
 * write queue, the idle timeout, the credential's lifetime and the graceful close. All state lives on the
 * socket's event loop, so nothing here blocks or needs locks.
 */
final class WsConnection {

    private static final Logger LOG = LoggerFactory.getLogger(WsConnection.class);

    private final ServerWebSocket socket;
    private final Context context;
    private final Vertx vertx;
    private final CallContext callContext;
    private final Optional<Instant> credentialExpiresAt;
    private final RequestDispatcher dispatcher;
    private final RpcCodec codec;
    private final VertxSettings settings;
    private final TransportMetrics metrics;
    private final Runnable onClosed;
    private final String label;

    private final Map<String, WsPull> pulls = new HashMap<>();
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

    WsConnection(ServerWebSocket socket, Context context, Vertx vertx, CallContext callContext,
                 Optional<Instant> credentialExpiresAt, RequestDispatcher dispatcher, VertxSettings settings,
                 Runnable onClosed) {
        this.socket = socket;
        this.context = context;
        this.vertx = vertx;
        this.callContext = callContext;
        this.credentialExpiresAt = credentialExpiresAt;
        this.dispatcher = dispatcher;
        this.codec = dispatcher.codec();
        this.settings = settings;
        this.metrics = dispatcher.metrics();
        this.onClosed = onClosed;
        this.label = "ws " + callContext.remote().orElse("?") + " store " + callContext.storeId();
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
        // UTF-8 takes at most 3 bytes per char: a frame of few enough chars is within the limit without counting
        int bytes = text.length() <= settings.maxFrameBytes() / 3 ? text.length() : utf8Length(text);
        if (bytes > settings.maxFrameBytes()) {
            metrics.badFrame("oversize");
            LOG.debug("{}: refused a frame of {} bytes (limit {})", label, bytes, settings.maxFrameBytes());
            send(dispatcher.refuse(text, new SyncError.LimitExceeded("maxFrameBytes", settings.maxFrameBytes(),
                    bytes)).message());
            return;
        }
        ClientMessage message;
        try {
            message = codec.decodeClientMessage(text);
        } catch (WireFormatException e) {
            send(dispatcher.refuseUnreadable(e, label).message());
            return;
        }
        if (message instanceof ClientMessage.Ping) {
            send(codec.pong());
        } else if (message instanceof ClientMessage.Ack ack) {
            WsPull pull = pulls.get(ack.requestId());
            if (pull != null) {
                pull.acked();
            } // an Ack for an unknown or finished id is harmless: ignored (LiveStore issue #1365)
        } else if (message instanceof ClientMessage.Interrupt interrupt) {
            WsPull pull = pulls.get(interrupt.requestId());
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
        if (pulls.containsKey(id) || (pushInFlight != null && pushInFlight.call.id().equals(id))
                || pushes.stream().anyMatch(p -> p.call.id().equals(id))) {
            send(codec.exitFailure(id, new SyncError.InvalidRequest("request id '" + abbreviate(id)
                    + "' is already in use on this connection")));
            return;
        }
        int inFlight = pulls.size() + pushes.size() + (pushInFlight == null ? 0 : 1);
        if (inFlight >= settings.maxRequestsInFlight()) {
            metrics.badFrame("too_many_requests");
            send(codec.exitFailure(id, new SyncError.LimitExceeded("maxRequestsInFlight",
                    settings.maxRequestsInFlight(), inFlight + 1L)));
            return;
        }
        dispatcher.route(request, callContext, Transport.WS, context, label, framing);
    }

    /** Pushes wait for the connection's previous one; pulls are paced by Acks and the write queue. */
    private final RequestDispatcher.Framing framing = new RequestDispatcher.Framing() {
        @Override
        public void answer(String exit) {
            send(exit);
        }

        @Override
        public void push(Call.Push push) {
            pushes.add(new PendingPush(push, System.nanoTime()));
            pumpPushes();
        }

        @Override
        public void pull(Call.Pull pull) {
            WsPull stream = new WsPull(pull.id());
            pulls.put(pull.id(), stream);
            stream.relay = dispatcher.pull(pull, context, Transport.WS, stream, label);
        }
    };

    // ---------------------------------------------------------------- pushes

    private void pumpPushes() {
        if (pushInFlight != null || pushes.isEmpty()) {
            return;
        }
        PendingPush push = pushes.poll();
        pushInFlight = push;
        dispatcher.push(push.call, context, Transport.WS, label, push.receivedNanos).onSuccess(exit -> {
            pushInFlight = null;
            send(exit);
            pumpPushes();
            if (draining) {
                closeIfIdle();
            }
        });
    }

    /** A push waiting for the connection's previous one; {@code receivedNanos} starts its latency. */
    private record PendingPush(Call.Push call, long receivedNanos) {
    }

    // ---------------------------------------------------------------- pulls

    /** The WebSocket side of one pull: paced by Acks and by the socket's write queue. */
    private final class WsPull implements PullSink {
        private final String id;
        private PullRelay relay;
        private int unacked;
        private boolean awaitingDrain;

        WsPull(String id) {
            this.id = id;
        }

        @Override
        public boolean mayRequest() {
            if (closed || unacked >= settings.maxUnackedChunks()) {
                return false;
            }
            if (socket.writeQueueFull()) {
                if (!awaitingDrain) { // once: repeated Acks must not pile up waiters
                    awaitingDrain = true;
                    drainWaiters.add(() -> {
                        awaitingDrain = false;
                        pump();
                    });
                }
                return false;
            }
            return true;
        }

        @Override
        public void chunk(String message) {
            unacked++;
            send(message);
        }

        @Override
        public void exit(String exit) {
            send(exit);
            ended();
        }

        @Override
        public void liveEnded() {
            ended();
            if (!closed) {
                // a live pull never gets an Exit; the service ended it, so the client must reconnect to resume
                socket.close(CloseCodes.INTERNAL_ERROR, "live pull ended by the server; reconnect to resume");
            }
        }

        void acked() {
            if (unacked > 0) {
                unacked--;
            }
            pump();
        }

        void cancel() {
            if (relay != null) {
                relay.cancel();
            }
            ended();
        }

        void fail(SyncError error) {
            if (relay != null) {
                relay.fail(error); // sends the Exit and ends through exit()
            }
        }

        private void pump() {
            if (relay != null) {
                relay.pump();
            }
        }

        private void ended() {
            if (pulls.remove(id, this) && draining) {
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
        pushes.forEach(p -> send(codec.exitFailure(p.call.id(), new SyncError.Unavailable("the server is shutting down"))));
        pushes.clear();
        closeIfIdle();
    }

    private void closeIfIdle() {
        if (closed || closing || pushInFlight != null) {
            return;
        }
        closing = true;
        new ArrayList<>(pulls.values()).forEach(WsPull::cancel);
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
        pushes.forEach(p -> send(codec.exitFailure(p.call.id(), error)));
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
        new ArrayList<>(pulls.values()).forEach(WsPull::cancel);
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
