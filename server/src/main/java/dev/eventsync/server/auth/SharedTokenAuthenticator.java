package dev.eventsync.server.auth;

import dev.eventsync.spi.transport.AuthResult;
import dev.eventsync.spi.transport.Authenticator;
import dev.eventsync.spi.transport.CallContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

/**
 * Admits callers that present one shared secret, as the sync payload's {@code authToken} or as a bearer
 * token. The comparison takes the same time whatever the input, so the token cannot be guessed by timing.
 */
public final class SharedTokenAuthenticator implements Authenticator {

    private final byte[] expected;

    public SharedTokenAuthenticator(String token) {
        Objects.requireNonNull(token, "token");
        if (token.isBlank()) {
            throw new IllegalArgumentException("the shared auth token must not be blank");
        }
        this.expected = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public AuthResult authenticate(CallContext context) {
        Optional<String> token = AuthTokens.tokenOf(context);
        if (token.isEmpty()) {
            return AuthResult.deny("no auth token: send {\"authToken\": \"<token>\"} as the sync payload");
        }
        if (!MessageDigest.isEqual(expected, token.get().getBytes(StandardCharsets.UTF_8))) {
            return AuthResult.deny("the auth token is not valid for this server");
        }
        return AuthResult.allow();
    }
}
