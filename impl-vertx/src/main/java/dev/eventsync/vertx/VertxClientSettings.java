package dev.eventsync.vertx;

import dev.eventsync.api.StoreId;
import dev.eventsync.api.json.ProtocolJson;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link VertxSyncBackend} reaches a sync server: the server's base URL (any path; the client adds
 * {@code ?storeId=..&payload=..&transport=..}), the store, the transport, the sync payload and the timings.
 *
 * @param url             the server's URL: {@code ws://}, {@code wss://}, {@code http://} or {@code https://}
 * @param storeId         the store to sync
 * @param transport       WebSocket (live pulls are pushed by the server) or HTTP (live pulls poll)
 * @param payload         the sync payload as raw JSON (for example {@code {"authToken":"..."}}), sent in the URL
 *                        and in every request
 * @param headers         extra headers sent with the WebSocket upgrade and every HTTP request
 * @param requestTimeout  how long a push or ping may wait for its answer
 * @param pingInterval    how often the WebSocket client pings (and the HTTP client checks the connection)
 * @param pingTimeout     how long after a ping without any frame from the server the connection counts as lost
 * @param reconnectMin    the first reconnect delay; each failed attempt doubles it
 * @param reconnectMax    the cap of the reconnect delay (each delay is jittered to 50..100 %)
 * @param pollInterval    how often an HTTP live pull polls for new events
 * @param trustedCertificates over {@code wss://} and {@code https://}, a PEM file whose certificates alone are
 *                        trusted (a self-signed server certificate, or a private CA); empty: the runtime's CAs
 */
public record VertxClientSettings(URI url, StoreId storeId, Transport transport, Optional<String> payload,
                                  Map<String, String> headers, Duration requestTimeout, Duration pingInterval,
                                  Duration pingTimeout, Duration reconnectMin, Duration reconnectMax,
                                  Duration pollInterval, Optional<Path> trustedCertificates) {

    /** The client transports. */
    public enum Transport { WEBSOCKET, HTTP }

    public VertxClientSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(trustedCertificates, "trustedCertificates");
        headers = Map.copyOf(new LinkedHashMap<>(headers));
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss") && !scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("url must be ws://, wss://, http:// or https://, got " + url);
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("url has no host: " + url);
        }
        if (payload.isPresent() && !ProtocolJson.isValidJson(payload.get())) {
            throw new IllegalArgumentException("payload must be valid JSON");
        }
        for (Duration d : new Duration[] {requestTimeout, pingInterval, pingTimeout, reconnectMin, reconnectMax,
                pollInterval}) {
            Objects.requireNonNull(d, "durations");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive, got " + d);
            }
        }
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException("reconnectMax must be at least reconnectMin");
        }
    }

    /**
     * WebSocket settings with the defaults: 30 s request timeout, 10 s pings (as LiveStore), 10 s ping timeout,
     * reconnect from 250 ms doubling up to 30 s, 5 s HTTP polling.
     */
    public static VertxClientSettings of(URI url, StoreId storeId) {
        return new VertxClientSettings(url, storeId, Transport.WEBSOCKET, Optional.empty(), Map.of(),
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMillis(250),
                Duration.ofSeconds(30), Duration.ofSeconds(5), Optional.empty());
    }

    public VertxClientSettings withTransport(Transport value) {
        return new VertxClientSettings(url, storeId, value, payload, headers, requestTimeout, pingInterval,
                pingTimeout, reconnectMin, reconnectMax, pollInterval, trustedCertificates);
    }

    public VertxClientSettings withPayload(String json) {
        return new VertxClientSettings(url, storeId, transport, Optional.of(json), headers, requestTimeout,
                pingInterval, pingTimeout, reconnectMin, reconnectMax, pollInterval, trustedCertificates);
    }

    public VertxClientSettings withHeaders(Map<String, String> value) {
        return new VertxClientSettings(url, storeId, transport, payload, value, requestTimeout, pingInterval,
                pingTimeout, reconnectMin, reconnectMax, pollInterval, trustedCertificates);
    }

    public VertxClientSettings withRequestTimeout(Duration value) {
        return new VertxClientSettings(url, storeId, transport, payload, headers, value, pingInterval,
                pingTimeout, reconnectMin, reconnectMax, pollInterval, trustedCertificates);
    }

    public VertxClientSettings withPing(Duration interval, Duration timeout) {
        return new VertxClientSettings(url, storeId, transport, payload, headers, requestTimeout, interval,
                timeout, reconnectMin, reconnectMax, pollInterval, trustedCertificates);
    }

    public VertxClientSettings withReconnect(Duration min, Duration max) {
        return new VertxClientSettings(url, storeId, transport, payload, headers, requestTimeout, pingInterval,
                pingTimeout, min, max, pollInterval, trustedCertificates);
    }

    /** Trusts only the certificates of the PEM file {@code pem} over TLS (for example the server's self-signed one). */
    public VertxClientSettings withTrustedCertificates(Path pem) {
        return new VertxClientSettings(url, storeId, transport, payload, headers, requestTimeout, pingInterval,
                pingTimeout, reconnectMin, reconnectMax, pollInterval, Optional.of(pem));
    }

    public VertxClientSettings withPollInterval(Duration value) {
        return new VertxClientSettings(url, storeId, transport, payload, headers, requestTimeout, pingInterval,
                pingTimeout, reconnectMin, reconnectMax, value, trustedCertificates);
    }
}
