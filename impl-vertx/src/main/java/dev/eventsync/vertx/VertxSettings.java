package dev.eventsync.vertx;

import dev.eventsync.vertx.wire.CauseFormat;
import dev.eventsync.vertx.wire.RpcCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the Vert.x transport listens and what it allows per connection.
 *
 * @param host                 the interface to bind ({@code 127.0.0.1} by default; {@code 0.0.0.0} for all)
 * @param port                 the TCP port; {@code 0} picks a free one (see {@code TransportServer.start()})
 * @param maxFrameBytes        the largest WebSocket message or HTTP request body accepted and answered. A larger
 *                             one up to twice this size gets a clear error and the connection stays open; beyond
 *                             that the WebSocket is closed with 1009 (message too big) or the HTTP request gets 413.
 *                             A compressed (permessage-deflate) message counts with its inflated size
 * @param maxRequestsInFlight  requests one WebSocket connection may have open at once (live pulls count);
 *                             more are refused with a {@code LimitExceeded} error
 * @param maxUnackedChunks     pull chunks sent to a WebSocket client before its {@code Ack}; 1 is Effect RPC's
 *                             own pacing
 * @param idleTimeout          a WebSocket that sends no frame for this long is closed (LiveStore pings every 10 s)
 * @param writeQueueMaxBytes   bytes queued on a socket before the transport stops reading pages for it
 * @param causeFormat          the form of failure causes sent to clients
 * @param storeHeadMetrics     whether to export a head gauge per store (one time series per store); off by default
 * @param maxStoreHeadMetrics  the most per-store series kept when {@code storeHeadMetrics} is on; past it the store
 *                             whose head changed least recently loses its series
 * @param maxJsonDepth         the deepest nesting of arrays and objects accepted in a request (event {@code args}
 *                             included, counting the message's own object; at most 1 000); a deeper request fails
 *                             alone with {@code LimitExceeded}, the same on both transports
 * @param webSocketCompression whether to offer permessage-deflate (RFC 7692) to WebSocket clients; inflated
 *                             messages are bounded by the hard frame limit either way. Off by default: a connection
 *                             that used it keeps a zlib context of ~100 KB for its lifetime (10 000 idle live
 *                             connections: 1.4 GiB instead of 0.44 GiB) and it costs CPU on every page sent; turn
 *                             it on when clients' bandwidth matters more (docs/bench.md)
 * @param maxConnections       open TCP connections the server accepts in total (WebSocket and HTTP); past it a
 *                             request is answered 503 and its connection closed, except {@code /health}
 * @param maxConnectionsPerAddress open connections one remote address may hold; past it 503 as above
 * @param metricsToken         a bearer token {@code GET /metrics} requires, if set
 * @param metricsRequireToken  whether {@code /metrics} is refused without a token even when none is set (the server
 *                             sets it when client authentication is configured, so that store ids and heads are
 *                             never public)
 * @param healthTimeout        how long {@code /health} waits for a fresh storage check before it answers with the
 *                             last known state (refreshed in the background)
 * @param corsAllowedOrigins   origins allowed to call the HTTP transport from a browser ({@code *} for any),
 *                             normalised by {@link CorsOrigins#normalise(String)}; empty disables CORS. Requests
 *                             from the server's own origin and WebSocket upgrades are never refused by it
 * @param eventLoops           Vert.x event loops (threads) that accept and serve connections, each connection
 *                             staying on one of them for its lifetime; one per core by default
 *                             ({@link #DEFAULT_EVENT_LOOPS}). On a Vert.x given to the server they come from its
 *                             pool, which needs at least as many event loops to run them on distinct threads
 * @param tls                  when present, the server speaks TLS only ({@code wss://}, {@code https://}) with this
 *                             PEM certificate chain and private key
 */
public record VertxSettings(String host, int port, int maxFrameBytes, int maxRequestsInFlight, int maxUnackedChunks,
                            Duration idleTimeout, int writeQueueMaxBytes, CauseFormat causeFormat,
                            boolean storeHeadMetrics, List<String> corsAllowedOrigins, Optional<Tls> tls,
                            int maxStoreHeadMetrics, int maxJsonDepth, boolean webSocketCompression,
                            int maxConnections, int maxConnectionsPerAddress, Optional<String> metricsToken,
                            boolean metricsRequireToken, Duration healthTimeout, int eventLoops) {

    public static final int DEFAULT_PORT = 8787;

    public VertxSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(causeFormat, "causeFormat");
        Objects.requireNonNull(metricsToken, "metricsToken");
        Objects.requireNonNull(healthTimeout, "healthTimeout");
        // as browsers send them (lower case, no default port, no trailing slash); IllegalArgumentException if not
        corsAllowedOrigins = corsAllowedOrigins.stream().map(CorsOrigins::normalise).distinct().toList();
        Objects.requireNonNull(tls, "tls");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        requirePositive("maxFrameBytes", maxFrameBytes);
        requirePositive("maxRequestsInFlight", maxRequestsInFlight);
        requirePositive("maxUnackedChunks", maxUnackedChunks);
        requirePositive("writeQueueMaxBytes", writeQueueMaxBytes);
        requirePositive("maxStoreHeadMetrics", maxStoreHeadMetrics);
        requirePositive("maxJsonDepth", maxJsonDepth);
        requirePositive("maxConnections", maxConnections);
        requirePositive("maxConnectionsPerAddress", maxConnectionsPerAddress);
        if (eventLoops < 1 || eventLoops > MAX_EVENT_LOOPS) {
            throw new IllegalArgumentException("eventLoops must be between 1 and " + MAX_EVENT_LOOPS + ", got " + eventLoops);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        if (healthTimeout.isNegative() || healthTimeout.isZero()) {
            throw new IllegalArgumentException("healthTimeout must be positive, got " + healthTimeout);
        }
        if (maxJsonDepth > RpcCodec.MAX_JSON_DEPTH) {
            throw new IllegalArgumentException("maxJsonDepth must be at most " + RpcCodec.MAX_JSON_DEPTH + ", got "
                    + maxJsonDepth);
        }
        if (maxFrameBytes > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("maxFrameBytes must be at most " + Integer.MAX_VALUE / 2);
        }
        if (metricsToken.isPresent() && metricsToken.get().isBlank()) {
            throw new IllegalArgumentException("metricsToken must not be blank");
        }
    }

    /**
     * The defaults: 127.0.0.1:8787, 1 MiB frames (a LiveStore push is at most about 900 kB), 16 requests in flight,
     * Ack pacing of 1 chunk, 60 s idle timeout, 1 MiB write queue, Effect 3 causes, no per-store head gauges (at
     * most 1 000 when turned on), JSON nesting up to 1 000 levels, permessage-deflate declined, at most
     * {@link #DEFAULT_MAX_CONNECTIONS} connections and {@link #DEFAULT_MAX_CONNECTIONS_PER_ADDRESS} per address,
     * open {@code /metrics}, a 1 s health timeout, no CORS, one event loop per available processor.
     */
    public static VertxSettings defaults() {
        return new VertxSettings("127.0.0.1", DEFAULT_PORT, 1 << 20, 16, 1, Duration.ofSeconds(60), 1 << 20,
                CauseFormat.EFFECT3_TREE, false, List.of(), Optional.empty(), 1000, DEFAULT_MAX_JSON_DEPTH, false,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, Optional.empty(), false,
                Duration.ofSeconds(1), DEFAULT_EVENT_LOOPS);
    }

    /**
     * The most {@link #eventLoops()} may be: each loop holds its own selector (two to three file descriptors) and thread,
     * and a loop beyond one per core only adds switching; 256 covers any machine this server runs on.
     */
    public static final int MAX_EVENT_LOOPS = 256;

    /** Default of {@link #eventLoops()}: the processors available to the JVM. */
    public static final int DEFAULT_EVENT_LOOPS = Runtime.getRuntime().availableProcessors();
    /** Default (and largest value) of {@link #maxJsonDepth()}: the JSON parser's own nesting limit. */
    public static final int DEFAULT_MAX_JSON_DEPTH = RpcCodec.MAX_JSON_DEPTH;
    /** Default of {@link #maxConnections()}: keep it below the process's file descriptor limit. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /**
     * Default of {@link #maxConnectionsPerAddress()}. Behind a reverse proxy or NAT all clients share an address:
     * raise it there (or set it to {@link #maxConnections()}).
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_000;

    public VertxSettings withHost(String value) {
        return new VertxSettings(value, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics,
                maxJsonDepth, webSocketCompression, maxConnections, maxConnectionsPerAddress, metricsToken,
                metricsRequireToken, healthTimeout, eventLoops);
    }

    public VertxSettings withPort(int value) {
        return new VertxSettings(host, value, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics,
                maxJsonDepth, webSocketCompression, maxConnections, maxConnectionsPerAddress, metricsToken,
                metricsRequireToken, healthTimeout, eventLoops);
    }

    public VertxSettings withMaxFrameBytes(int value) {
        return new VertxSettings(host, port, value, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics,
                maxJsonDepth, webSocketCompression, maxConnections, maxConnectionsPerAddress, metricsToken,
                metricsRequireToken, healthTimeout, eventLoops);
    }

    public VertxSettings withMaxRequestsInFlight(int value) {
        return new VertxSettings(host, port, maxFrameBytes, value, maxUnackedChunks, idleTimeout, writeQueueMaxBytes,
                causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics, maxJsonDepth,
                webSocketCompression, maxConnections, maxConnectionsPerAddress, metricsToken, metricsRequireToken,
                healthTimeout, eventLoops);
    }

    public VertxSettings withMaxUnackedChunks(int value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, value, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics,
                maxJsonDepth, webSocketCompression, maxConnections, maxConnectionsPerAddress, metricsToken,
                metricsRequireToken, healthTimeout, eventLoops);
    }

    public VertxSettings withIdleTimeout(Duration value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, value,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics,
                maxJsonDepth, webSocketCompression, maxConnections, maxConnectionsPerAddress, metricsToken,
                metricsRequireToken, healthTimeout, eventLoops);
    }

    public VertxSettings withWriteQueueMaxBytes(int value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout, value,
                causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics, maxJsonDepth,
                webSocketCompression, maxConnections, maxConnectionsPerAddress, metricsToken, metricsRequireToken,
                healthTimeout, eventLoops);
    }

    public VertxSettings withCauseFormat(CauseFormat value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, value, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics,
                maxJsonDepth, webSocketCompression, maxConnections, maxConnectionsPerAddress, metricsToken,
                metricsRequireToken, healthTimeout, eventLoops);
    }

    public VertxSettings withStoreHeadMetrics(boolean value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, value, corsAllowedOrigins, tls, maxStoreHeadMetrics, maxJsonDepth,
                webSocketCompression, maxConnections, maxConnectionsPerAddress, metricsToken, metricsRequireToken,
                healthTimeout, eventLoops);
    }

    /** Allows browser apps on these origins ({@code *} for any) to use the HTTP transport. */
    public VertxSettings withCorsAllowedOrigins(List<String> value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, value, tls, maxStoreHeadMetrics, maxJsonDepth,
                webSocketCompression, maxConnections, maxConnectionsPerAddress, metricsToken, metricsRequireToken,
                healthTimeout, eventLoops);
    }

    public VertxSettings withMaxStoreHeadMetrics(int value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, value, maxJsonDepth,
                webSocketCompression, maxConnections, maxConnectionsPerAddress, metricsToken, metricsRequireToken,
                healthTimeout, eventLoops);
    }

    public VertxSettings withMaxJsonDepth(int value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics,
                value, webSocketCompression, maxConnections, maxConnectionsPerAddress, metricsToken,
                metricsRequireToken, healthTimeout, eventLoops);
    }

    public VertxSettings withWebSocketCompression(boolean value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics,
                maxJsonDepth, value, maxConnections, maxConnectionsPerAddress, metricsToken, metricsRequireToken,
                healthTimeout, eventLoops);
    }

    public VertxSettings withMaxConnections(int value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics,
                maxJsonDepth, webSocketCompression, value, maxConnectionsPerAddress, metricsToken,
                metricsRequireToken, healthTimeout, eventLoops);
    }

    public VertxSettings withMaxConnectionsPerAddress(int value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics,
                maxJsonDepth, webSocketCompression, maxConnections, value, metricsToken, metricsRequireToken,
                healthTimeout, eventLoops);
    }

    public VertxSettings withMetricsToken(Optional<String> value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics,
                maxJsonDepth, webSocketCompression, maxConnections, maxConnectionsPerAddress, value,
                metricsRequireToken, healthTimeout, eventLoops);
    }

    public VertxSettings withMetricsRequireToken(boolean value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics,
                maxJsonDepth, webSocketCompression, maxConnections, maxConnectionsPerAddress, metricsToken, value,
                healthTimeout, eventLoops);
    }

    public VertxSettings withHealthTimeout(Duration value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics,
                maxJsonDepth, webSocketCompression, maxConnections, maxConnectionsPerAddress, metricsToken,
                metricsRequireToken, value, eventLoops);
    }

    /** Serves connections on {@code value} event loops (at least 1). */
    public VertxSettings withEventLoops(int value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls, maxStoreHeadMetrics,
                maxJsonDepth, webSocketCompression, maxConnections, maxConnectionsPerAddress, metricsToken,
                metricsRequireToken, healthTimeout, value);
    }

    /** Serves TLS only ({@code wss://}, {@code https://}) with the given PEM files. */
    public VertxSettings withTls(Tls value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, Optional.of(value),
                maxStoreHeadMetrics, maxJsonDepth, webSocketCompression, maxConnections, maxConnectionsPerAddress,
                metricsToken, metricsRequireToken, healthTimeout, eventLoops);
    }

    /**
     * A TLS identity as PEM files, as certificate authorities and {@code openssl} write them.
     *
     * @param certificateChain the server certificate, then any intermediates ({@code -----BEGIN CERTIFICATE-----})
     * @param privateKey       its private key, PKCS#8 or PKCS#1, unencrypted ({@code -----BEGIN PRIVATE KEY-----})
     */
    public record Tls(Path certificateChain, Path privateKey) {
        public Tls {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
        }
    }

    /** The hard cap on a WebSocket message or HTTP body: twice {@link #maxFrameBytes()}. */
    public int hardFrameLimit() {
        return maxFrameBytes * 2;
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
