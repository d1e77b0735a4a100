package dev.eventsync.spi.transport;

import dev.eventsync.api.StoreId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who is calling and for which store, as a transport saw it: what the {@link Authenticator},
 * {@link PushInterceptor}s and {@link EventValidator}s get to decide with.
 *
 * @param storeId   the store the call is for
 * @param payload   the client's sync payload as raw JSON text (LiveStore's {@code payload}, for example
 *                  {@code {"authToken": "..."}}), if it sent one
 * @param headers   request headers, names lower-cased
 * @param clientId  the client's id, when the transport knows it
 * @param transport a short name of the transport ({@code ws}, {@code http}, {@code local})
 * @param remote    the peer's address, when there is one
 */
public record CallContext(StoreId storeId, Optional<String> payload, Map<String, List<String>> headers,
                          Optional<String> clientId, String transport, Optional<String> remote) {

    public CallContext {
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(remote, "remote");
        TreeMap<String, List<String>> lower = new TreeMap<>();
        headers.forEach((k, v) -> lower.merge(k.toLowerCase(Locale.ROOT), List.copyOf(v), (a, b) -> {
            List<String> all = new java.util.ArrayList<>(a);
            all.addAll(b);
            return List.copyOf(all);
        }));
        headers = java.util.Collections.unmodifiableMap(lower);
    }

    /** A context for in-process calls: no payload, no headers. */
    public static CallContext local(StoreId storeId) {
        return new CallContext(storeId, Optional.empty(), Map.of(), Optional.empty(), "local", Optional.empty());
    }

    /** The first value of a header (case-insensitive name). */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public CallContext withPayload(Optional<String> newPayload) {
        return new CallContext(storeId, newPayload, headers, clientId, transport, remote);
    }
}
