package dev.eventsync.vertx.server;

import dev.eventsync.vertx.dispatch.TransportMetrics;
import dev.eventsync.vertx.VertxSettings;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits TCP connections up to {@link VertxSettings#maxConnections()} in total and
 * {@link VertxSettings#maxConnectionsPerAddress()} per remote address, and prepares each admitted connection's
 * pipeline for WebSockets (a bounded permessage-deflate inflater and the {@link WebSocketFrameGuard}).
 *
 * <p>A connection over a limit is still accepted by the kernel, so it is refused in words instead of being left
 * hanging: its requests are answered {@code 503} with the limit that was hit and the connection is closed, and it
 * is closed anyway after {@link #REFUSED_GRACE_MILLIS} if it sends nothing. {@code /health} is answered even on such
 * a connection, so an orchestrator can still see the node. The effective total limit stays below the process's
 * file descriptor limit, which would otherwise lock everyone out first.
 */
final class ConnectionGate {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGate.class);
    /** How long a refused connection may stay open without sending a request. */
    static final long REFUSED_GRACE_MILLIS = 5_000;
    /** The pipeline name under which Vert.x installs its WebSocket extension handler. */
    private static final String EXTENSION_HANDLER = "webSocketExtensionHandler";

    private final VertxSettings settings;
    private final TransportMetrics metrics;
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentMap<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final ConcurrentMap<HttpConnection, String> refused = new ConcurrentHashMap<>();

    ConnectionGate(VertxSettings settings, TransportMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.maxConnections = effectiveLimit(settings.maxConnections(), fileDescriptorLimit());
        metrics.tcpConnections(open, perAddress);
    }

    /** The total connection limit in force: the setting, kept to 90 % of the file descriptor limit. */
    int maxConnections() {
        return maxConnections;
    }

    static int effectiveLimit(int configured, Optional<Long> fdLimit) {
        if (fdLimit.isEmpty()) {
            return configured;
        }
        long headroom = Math.max(1, fdLimit.get() * 9 / 10);
        return (int) Math.min(configured, headroom);
    }

    private static Optional<Long> fileDescriptorLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 0) {
            return Optional.of(unix.getMaxFileDescriptorCount());
        }
        return Optional.empty();
    }

    /** Counts a new connection, refuses it when over a limit, and installs the WebSocket handlers. */
    void onConnection(HttpConnection connection, Vertx vertx) {
        String address = connection.remoteAddress() == null ? "unknown"
                : Optional.ofNullable(connection.remoteAddress().hostAddress()).orElse("unknown");
        int total = open.incrementAndGet();
        int mine = perAddress.merge(address, 1, Integer::sum);
        java.util.concurrent.atomic.AtomicBoolean counted = new java.util.concurrent.atomic.AtomicBoolean(true);
        Runnable closed = () -> {
            if (counted.getAndSet(false)) {
                open.decrementAndGet();
                perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
                refused.remove(connection);
            }
        };
        connection.closeHandler(v -> closed.run());
        // a connection upgraded to a WebSocket no longer reports its close to the HTTP connection's handler: without
        // the channel's own close, every WebSocket ever opened stayed counted and an address was locked out for good
        // after maxConnectionsPerAddress of them
        if (connection instanceof io.vertx.core.http.impl.HttpServerConnection internal) {
            internal.channelHandlerContext().channel().closeFuture().addListener(f -> closed.run());
        }
        String refusal = null;
        if (total > maxConnections) {
            refusal = "too_many_connections";
            refused.put(connection, "the server has too many open connections (limit " + maxConnections
                    + "); retry later");
        } else if (mine > settings.maxConnectionsPerAddress()) {
            refusal = "too_many_connections_per_address";
            refused.put(connection, "too many open connections from " + address + " (limit "
                    + settings.maxConnectionsPerAddress() + " per address); close some or retry later");
        }
        if (refusal != null) {
            metrics.connectionRejected(refusal);
            LOG.debug("refusing a connection from {}: {} ({} open, {} from this address)", address, refusal, total,
                    mine);
            vertx.setTimer(REFUSED_GRACE_MILLIS, id -> {
                if (refused.containsKey(connection)) {
                    LOG.debug("closing a refused connection from {} that sent no request", address);
                    close(connection);
                }
            });
            return;
        }
        if (connection instanceof io.vertx.core.http.impl.HttpServerConnection internal) {
            prepareWebSocketPipeline(internal.channelHandlerContext().pipeline());
        }
    }

    /** Closes {@code connection} at once (Vert.x's own close waits for a graceful shutdown). */
    static void close(HttpConnection connection) {
        if (connection instanceof io.vertx.core.http.impl.HttpServerConnection internal) {
            internal.channelHandlerContext().channel().close();
        } else {
            connection.close();
        }
    }

    /**
     * The reason a request must be refused because its connection is over a limit, if it is; the caller answers
     * 503 with it and closes the connection.
     */
    Optional<String> refusal(HttpServerRequest request) {
        return Optional.ofNullable(refused.get(request.connection()));
    }

    /** The name of Netty's text frame UTF-8 validator in the pipeline. */
    static final String UTF8_VALIDATOR = "eventsyncUtf8Validator";

    private void prepareWebSocketPipeline(ChannelPipeline pipeline) {
        if (pipeline.get(EXTENSION_HANDLER) != null) {
            // Vert.x's own permessage-deflate handshaker inflates without bound: the same one, with a cap per frame
            pipeline.replace(EXTENSION_HANDLER, EXTENSION_HANDLER, new WebSocketServerExtensionHandler(
                    new PerMessageDeflateServerExtensionHandshaker(6, ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(),
                            PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE, false, false,
                            settings.hardFrameLimit())));
        }
        if (pipeline.get("handler") != null) {
            pipeline.addBefore("handler", WebSocketFrameGuard.NAME, new WebSocketFrameGuard(settings.hardFrameLimit(),
                    settings.maxFrameBytes(), metrics));
            // text messages must be UTF-8 (RFC 6455 §8.1): checked as the (inflated) fragments arrive, so that no
            // invalid byte is decoded into U+FFFD and stored; a violation goes to the guard, which closes with 1007
            pipeline.addBefore(WebSocketFrameGuard.NAME, UTF8_VALIDATOR, new Utf8FrameValidator(false));
        }
    }
}
