package dev.eventsync.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.json.ProtocolJson;
import dev.eventsync.spi.transport.CallContext;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a client's credential is: LiveStore apps send it in the sync payload as
 * {@code {"authToken": "..."}}; other clients may send {@code Authorization: Bearer ...}.
 */
final class AuthTokens {

    private AuthTokens() {
    }

    static Optional<String> tokenOf(CallContext context) {
        Optional<String> fromPayload = context.payload().flatMap(AuthTokens::authTokenField);
        if (fromPayload.isPresent()) {
            return fromPayload;
        }
        return context.header("authorization")
                .filter(h -> h.toLowerCase(Locale.ROOT).startsWith("bearer "))
                .map(h -> h.substring("bearer ".length()).trim());
    }

    private static Optional<String> authTokenField(String payload) {
        try {
            JsonNode node = ProtocolJson.readTree(payload);
            JsonNode token = node.path("authToken");
            return token.isTextual() ? Optional.of(token.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
