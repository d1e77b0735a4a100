package dev.eventsync.vertx.client;

import dev.eventsync.api.ConnectionState;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.vertx.VertxClientSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket client's connection, without the requests that travel over it ({@link WsSyncClient}'s): opening
 * it when a request needs it, a first ping and then keepalive pings every {@code pingInterval}, closing a
 * connection silent for longer than {@code pingInterval + pingTimeout}, reconnecting with jittered, capped
 * exponential backoff ({@code reconnectMin} doubling up to {@code reconnectMax}, each delay scaled by a random
 * factor in [0.5, 1)), the typed error of a refused upgrade, and the close handshake.
 *
 * <p>Confined to the client's Vert.x context, like the client; the {@link Listener} is called there.
 */
final class WsConnector {

    /** How long close() waits for the server's answer to the close frame before it lets the socket go. */
    private static final long CLOSE_HANDSHAKE_MILLIS = 500;

    private static final Logger LOG = LoggerFactory.getLogger(WsConnector.class);

    /** What the client does when the connection changes; called on the context. */
    interface Listener {
        /** A connection is open (before the actions waiting for it run): send what must be sent again. */
        void opened();

        /** A text frame from the server. */
        void received(String text);

        /** The open connection dropped (not by {@link #close}): {@code error} fails what was in flight. */
        void lost(SyncErrorException error);

        /**
         * A connection attempt was refused by the server itself (HTTP 401/403: {@code Unauthorized}, 400/404/...:
         * {@code InvalidRequest}), not lost to the network or an outage: trying again gets the same answer, so what
         * waits for a reconnection (live pulls) ends with {@code error} instead of waiting for ever.
         */
        void refused(SyncErrorException error);
    }

    private final VertxClientSettings settings;
    private final Vertx vertx;
    private final String url;
    private final ConnectionStates states;
    private final Supplier<String> ping;
    private final Listener listener;
    private final WebSocketClient wsClient;

    private WebSocket socket;
    private boolean connecting;
    private boolean closed;
    private int attempt;
    private long reconnectTimerId = -1;
    private long keepaliveTimerId = -1;
    private long lastFrameNanos;
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(Runnable onConnected, Consumer<SyncErrorException> onFailure) {
    }

    /**
     * @param ping makes the encoded RPC ping frame sent on open and as keepalive
     * @param connectTimeoutMillis the TCP and upgrade timeout
     */
    WsConnector(VertxClientSettings settings, Vertx vertx, String url, ConnectionStates states,
                int connectTimeoutMillis, Supplier<String> ping, Listener listener) {
        this.settings = settings;
        this.vertx = vertx;
        this.url = url;
        this.states = states;
        this.ping = ping;
        this.listener = listener;
        this.wsClient = vertx.createWebSocketClient(VertxClientBase.trusting(settings, new WebSocketClientOptions()
                .setMaxMessageSize(64 * 1024 * 1024)
                .setMaxFrameSize(64 * 1024 * 1024)
                .setConnectTimeout(connectTimeoutMillis)));
    }

    /** Whether a connection is open now. */
    boolean isOpen() {
        return socket != null;
    }

    /**
     * Runs {@code action} once connected. Without a connection, a caller does not wait for the backoff timer: an
     * attempt starts at once (or the one under way is joined), and if it fails the action fails with that
     * attempt's error, an {@link SyncError.Unavailable} that names the server and the cause.
     */
    void whenConnected(Runnable action, Consumer<SyncErrorException> onFailure) {
        if (socket != null) {
            action.run();
            return;
        }
        waiters.add(new Waiter(action, onFailure));
        if (!connecting) {
            vertx.cancelTimer(reconnectTimerId);
            reconnectTimerId = -1;
            openSocket();
        }
    }

    /** Sends a text frame if connected; otherwise, or when the write fails, the frame is dropped. */
    void send(String text) {
        WebSocket s = socket;
        if (s != null) {
            s.writeTextMessage(text).onFailure(e -> LOG.debug("write to {} failed: {}", url, e.toString()));
        }
    }

    /**
     * Stops for good: no more reconnection or keepalive, every action waiting for a connection fails with
     * {@code error}, the state becomes {@code CLOSED}, and the socket (if any) is closed with status 1000.
     * Completes {@code done} once the server answered the close frame, or after {@value #CLOSE_HANDSHAKE_MILLIS}
     * ms (a peer that never answers it, workerd for one, must not hold close() up for seconds).
     */
    void close(SyncErrorException error, CompletableFuture<Void> done) {
        closed = true;
        vertx.cancelTimer(reconnectTimerId);
        vertx.cancelTimer(keepaliveTimerId);
        failWaiters(error);
        states.set(ConnectionState.CLOSED);
        WebSocket s = socket;
        socket = null;
        if (s != null) {
            s.close((short) 1000, "client closed").onComplete(x -> done.complete(null));
            vertx.setTimer(CLOSE_HANDSHAKE_MILLIS, t -> done.complete(null));
        } else {
            done.complete(null);
        }
    }

    /** Releases the Vert.x WebSocket client (after {@link #close}). */
    void release() {
        wsClient.close();
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
                SyncErrorException error = new SyncErrorException(failure);
                failWaiters(error);
                if (failure instanceof SyncError.Unauthorized || failure instanceof SyncError.InvalidRequest) {
                    listener.refused(error);
                }
                scheduleReconnect();
            }
        });
    }

    private void failWaiters(SyncErrorException error) {
        List<Waiter> failing = new ArrayList<>(waiters);
        waiters.clear();
        failing.forEach(w -> w.onFailure.accept(error));
    }

    private void connected(WebSocket ws) {
        socket = ws;
        attempt = 0;
        lastFrameNanos = System.nanoTime();
        ws.textMessageHandler(text -> {
            lastFrameNanos = System.nanoTime();
            listener.received(text);
        });
        // Vert.x knows the close status only once the socket is closed, as it is in the close handler
        ws.closeHandler(v -> onSocketClosed(ws, "closed (" + ws.closeStatusCode()
                + (ws.closeReason() == null ? "" : " " + ws.closeReason()) + ")"));
        ws.exceptionHandler(e -> LOG.debug("WebSocket to {}: {}", url, e.toString()));
        states.set(ConnectionState.CONNECTED);
        LOG.debug("connected to {}", url);
        send(ping.get()); // as LiveStore does: a first ping proves the server answers
        keepaliveTimerId = vertx.setPeriodic(settings.pingInterval().toMillis(), t -> keepalive(ws));
        listener.opened();
        List<Waiter> ready = new ArrayList<>(waiters);
        waiters.clear();
        ready.forEach(w -> w.onConnected.run());
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
        send(ping.get());
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
        listener.lost(new SyncErrorException(new SyncError.Unavailable("connection to " + url + " " + reason
                + " before the answer; the request may or may not have been applied")));
        scheduleReconnect();
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

    private SyncError connectError(Throwable cause) {
        if (cause instanceof UpgradeRejectedException rejected) {
            String body = rejected.getBody() == null ? "" : rejected.getBody().toString().trim();
            return VertxClientBase.statusError(rejected.getStatus(), "the server at " + url
                    + " refused the connection with HTTP " + rejected.getStatus() + (body.isEmpty() ? "" : ": " + body));
        }
        return new SyncError.Unavailable("cannot connect to " + url + ": " + cause.getMessage());
    }
}
