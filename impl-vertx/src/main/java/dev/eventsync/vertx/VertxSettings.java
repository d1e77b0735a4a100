package dev.eventsync.vertx;

import dev.eventsync.vertx.wire.CauseFormat;
import java.time.Duration;
import java.nio.file.Path;
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
 *                             that the WebSocket is closed with 1009 (message too big) or the HTTP request gets 413
 * @param maxRequestsInFlight  requests one WebSocket connection may have open at once (live pulls count);
 *                             more are refused with a {@code LimitExceeded} error
 * @param maxUnackedChunks     pull chunks sent to a WebSocket client before its {@code Ack}; 1 is Effect RPC's
 *                             own pacing
 * @param idleTimeout          a WebSocket that sends no frame for this long is closed (LiveStore pings every 10 s)
 * @param writeQueueMaxBytes   bytes queued on a socket before the transport stops reading pages for it
 * @param causeFormat          the form of failure causes sent to clients
 * @param storeHeadMetrics     whether to export a head gauge per store (one time series per store)
 * @param corsAllowedOrigins   origins allowed to call the HTTP transport from a browser ({@code *} for any);
 *                             empty disables CORS (WebSockets need none)
 * @param tls                  when present, the server speaks TLS only ({@code wss://}, {@code https://}) with this
 *                             PEM certificate chain and private key
 */
public record VertxSettings(String host, int port, int maxFrameBytes, int maxRequestsInFlight, int maxUnackedChunks,
                            Duration idleTimeout, int writeQueueMaxBytes, CauseFormat causeFormat,
                            boolean storeHeadMetrics, List<String> corsAllowedOrigins, Optional<Tls> tls) {

    public static final int DEFAULT_PORT = 8787;

    public VertxSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(causeFormat, "causeFormat");
        corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
        Objects.requireNonNull(tls, "tls");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        requirePositive("maxFrameBytes", maxFrameBytes);
        requirePositive("maxRequestsInFlight", maxRequestsInFlight);
        requirePositive("maxUnackedChunks", maxUnackedChunks);
        requirePositive("writeQueueMaxBytes", writeQueueMaxBytes);
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        if (maxFrameBytes > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("maxFrameBytes must be at most " + Integer.MAX_VALUE / 2);
        }
    }

    /**
     * The defaults: 127.0.0.1:8787, 1 MiB frames (a LiveStore push is at most about 900 kB), 16 requests in flight,
     * Ack pacing of 1 chunk, 60 s idle timeout, 1 MiB write queue, Effect 3 causes, per-store head gauges, no CORS.
     */
    public static VertxSettings defaults() {
        return new VertxSettings("127.0.0.1", DEFAULT_PORT, 1 << 20, 16, 1, Duration.ofSeconds(60), 1 << 20,
                CauseFormat.EFFECT3_TREE, true, List.of(), Optional.empty());
    }

    public VertxSettings withHost(String value) {
        return new VertxSettings(value, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls);
    }

    public VertxSettings withPort(int value) {
        return new VertxSettings(host, value, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls);
    }

    public VertxSettings withMaxFrameBytes(int value) {
        return new VertxSettings(host, port, value, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls);
    }

    public VertxSettings withMaxRequestsInFlight(int value) {
        return new VertxSettings(host, port, maxFrameBytes, value, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls);
    }

    public VertxSettings withMaxUnackedChunks(int value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, value, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls);
    }

    public VertxSettings withIdleTimeout(Duration value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, value,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls);
    }

    public VertxSettings withWriteQueueMaxBytes(int value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                value, causeFormat, storeHeadMetrics, corsAllowedOrigins, tls);
    }

    public VertxSettings withCauseFormat(CauseFormat value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, value, storeHeadMetrics, corsAllowedOrigins, tls);
    }

    public VertxSettings withStoreHeadMetrics(boolean value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, value, corsAllowedOrigins, tls);
    }

    /** Allows browser apps on these origins ({@code *} for any) to use the HTTP transport. */
    public VertxSettings withCorsAllowedOrigins(List<String> value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, value, tls);
    }

    /** Serves TLS only ({@code wss://}, {@code https://}) with the given PEM files. */
    public VertxSettings withTls(Tls value) {
        return new VertxSettings(host, port, maxFrameBytes, maxRequestsInFlight, maxUnackedChunks, idleTimeout,
                writeQueueMaxBytes, causeFormat, storeHeadMetrics, corsAllowedOrigins, Optional.of(value));
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
