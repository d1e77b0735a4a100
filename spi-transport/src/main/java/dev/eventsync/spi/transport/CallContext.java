package dev.eventsync.spi.transport;

import dev.eventsync.api.StoreId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who is calling and for which store, as a transport saw it: what the {@link Authenticator},
 * {@link PushInterceptor}s and {@link EventValidator}s get to decide with. Every transport fills it the same
 * way for the same request.
 *
 * @param storeId   the store the call is for
 * @param payload   the client's sync payload as raw JSON text (LiveStore's {@code payload}, for example
 *                  {@code {"authToken": "..."}}), if it sent one: the request's own, else the connection's
 * @param headers   request headers (of the WebSocket upgrade or the HTTP request), names lower-cased
 * @param clientId  the client's id, when the transport knows it (for a push: the first event's {@code clientId})
 * @param sessionId the client session's id, when the transport knows it (for a push: the first event's
 *                  {@code sessionId})
 * @param transport a short name of the transport ({@code ws}, {@code http}, {@code local})
 * @param remote    the peer's address, when there is one
 */
public record CallContext(StoreId storeId, Optional<String> payload, Map<String, List<String>> headers,
                          Optional<String> clientId, Optional<String> sessionId, String transport,
                          Optional<String> remote) {

    public CallContext {
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(remote, "remote");
        TreeMap<String, List<String>> lower = new TreeMap<>();
        headers.forEach((k, v) -> lower.merge(k.toLowerCase(Locale.ROOT), List.copyOf(v), (a, b) -> {
            List<String> all = new ArrayList<>(a);
            all.addAll(b);
            return List.copyOf(all);
        }));
        headers = Collections.unmodifiableMap(lower);
    }

    /** A context without a session id. */
    public CallContext(StoreId storeId, Optional<String> payload, Map<String, List<String>> headers,
                       Optional<String> clientId, String transport, Optional<String> remote) {
        this(storeId, payload, headers, clientId, Optional.empty(), transport, remote);
    }

    /** A context for in-process calls: no payload, no headers. */
    public static CallContext local(StoreId storeId) {
        return new CallContext(storeId, Optional.empty(), Map.of(), Optional.empty(), Optional.empty(), "local",
                Optional.empty());
    }

    /** The first value of a header (case-insensitive name). */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public CallContext withPayload(Optional<String> newPayload) {
        return new CallContext(storeId, newPayload, headers, clientId, sessionId, transport, remote);
    }

    /** This context for a call made by {@code newClientId} in {@code newSessionId}. */
    public CallContext withCaller(Optional<String> newClientId, Optional<String> newSessionId) {
        return new CallContext(storeId, payload, headers, newClientId, newSessionId, transport, remote);
    }
}
