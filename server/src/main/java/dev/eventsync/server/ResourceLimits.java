package dev.eventsync.server;

import dev.eventsync.core.EngineSettings;
import dev.eventsync.vertx.VertxSettings;
import java.util.Optional;

/**
 * How much of the machine clients may take, and who may read the metrics: the bounds of issue 10.
 *
 * @param maxConnections           open TCP connections in total (kept below 90 % of the file descriptor limit);
 *                                 past it requests get 503 and the connection is closed, {@code /health} still answers
 * @param maxConnectionsPerAddress open connections per remote address (raise it behind a proxy or NAT)
 * @param maxJsonDepth             deepest nesting of a request (1..1000); deeper fails that request alone
 * @param webSocketCompression     whether permessage-deflate is offered; inflated messages are bounded either way
 * @param maxIdleStores            idle stores whose state the engine keeps in memory
 * @param metricsPerStore          whether {@code /metrics} has one head series per store (at most 1 000)
 * @param metricsToken             a bearer token {@code /metrics} requires. Without one, {@code /metrics} is public
 *                                 unless clients must authenticate: then it takes the admin token, or is refused
 *                                 when there is none. An admin token alone never closes {@code /metrics}
 * @param eventLoops               event loops (threads) serving connections, each connection on one of them for its
 *                                 lifetime; one per available processor by default
 */
public record ResourceLimits(int maxConnections, int maxConnectionsPerAddress, int maxJsonDepth,
                             boolean webSocketCompression, int maxIdleStores, boolean metricsPerStore,
                             Optional<String> metricsToken, int eventLoops) {

    public ResourceLimits {
        requireAtLeast("max-connections", maxConnections, 1);
        requireAtLeast("max-connections-per-address", maxConnectionsPerAddress, 1);
        if (maxJsonDepth < 1 || maxJsonDepth > VertxSettings.DEFAULT_MAX_JSON_DEPTH) {
            throw new ConfigurationException("max-json-depth must be between 1 and "
                    + VertxSettings.DEFAULT_MAX_JSON_DEPTH + ", got " + maxJsonDepth);
        }
        requireAtLeast("max-idle-stores", maxIdleStores, 0);
        if (eventLoops < 1 || eventLoops > VertxSettings.MAX_EVENT_LOOPS) {
            throw new ConfigurationException("event-loops must be between 1 and " + VertxSettings.MAX_EVENT_LOOPS
                    + ", got " + eventLoops + " (one per processor is the default and usually best)");
        }
        if (metricsToken.filter(String::isBlank).isPresent()) {
            throw new ConfigurationException("an empty --metrics-token protects nothing: give a secret, or none");
        }
    }

    /** The defaults of {@link VertxSettings#defaults()} and {@link EngineSettings#DEFAULTS}. */
    public static ResourceLimits defaults() {
        return new ResourceLimits(VertxSettings.DEFAULT_MAX_CONNECTIONS,
                VertxSettings.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, VertxSettings.DEFAULT_MAX_JSON_DEPTH,
                VertxSettings.defaults().webSocketCompression(),
                EngineSettings.DEFAULT_MAX_IDLE_STORES, false, Optional.empty(), VertxSettings.DEFAULT_EVENT_LOOPS);
    }

    public ResourceLimits withMetricsToken(String value) {
        return new ResourceLimits(maxConnections, maxConnectionsPerAddress, maxJsonDepth, webSocketCompression,
                maxIdleStores, metricsPerStore, Optional.of(value), eventLoops);
    }

    /** {@code settings} with these limits; {@code clientAuth} and {@code adminToken} decide who reads /metrics. */
    VertxSettings applyTo(VertxSettings settings, boolean clientAuth, Optional<String> adminToken) {
        return settings.withMaxConnections(maxConnections).withMaxConnectionsPerAddress(maxConnectionsPerAddress)
                .withMaxJsonDepth(maxJsonDepth).withWebSocketCompression(webSocketCompression)
                .withStoreHeadMetrics(metricsPerStore).withEventLoops(eventLoops)
                // the admin token alone does not close /metrics: it opens it when clients' credentials close it
                .withMetricsToken(metricsToken.or(() -> clientAuth ? adminToken : Optional.empty()))
                .withMetricsRequireToken(clientAuth);
    }

    private static void requireAtLeast(String option, int value, int min) {
        if (value < min) {
            throw new ConfigurationException(option + " must be at least " + min + ", got " + value);
        }
    }
}
