package dev.eventsync.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.json.ProtocolJson;
import dev.eventsync.spi.transport.AuthResult;
import dev.eventsync.spi.transport.Authenticator;
import dev.eventsync.spi.transport.CallContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Admits callers whose {@code authToken} (sync payload) or bearer token is a JSON Web Token signed with
 * HS256 under the configured secret, within its validity ({@code exp}, {@code nbf}, 30 s of clock skew).
 * A token that names stores limits the caller to them: claim {@code storeId} (one) or {@code stores}
 * (an array). The token's {@code sub} is the caller's name in logs.
 */
public final class JwtAuthenticator implements Authenticator {

    private static final Duration SKEW = Duration.ofSeconds(30);

    private final SecretKeySpec key;
    private final Clock clock;

    public JwtAuthenticator(String secret) {
        this(secret, Clock.systemUTC());
    }

    public JwtAuthenticator(String secret, Clock clock) {
        Objects.requireNonNull(secret, "secret");
        if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("the JWT secret must have at least 32 bytes (256 bits) for HS256");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public AuthResult authenticate(CallContext context) {
        Optional<String> token = AuthTokens.tokenOf(context);
        if (token.isEmpty()) {
            return AuthResult.deny("no auth token: send {\"authToken\": \"<JWT>\"} as the sync payload");
        }
        String[] parts = token.get().split("\\.", -1);
        if (parts.length != 3) {
            return AuthResult.deny("the auth token is not a JWT (header.payload.signature)");
        }
        try {
            JsonNode header = ProtocolJson.readTree(decode(parts[0]));
            if (!"HS256".equals(header.path("alg").asText())) {
                return AuthResult.deny("the JWT must be signed with HS256, got alg '" + header.path("alg").asText() + "'");
            }
            byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
            if (!MessageDigest.isEqual(sign(parts[0] + "." + parts[1]), signature)) {
                return AuthResult.deny("the JWT signature is not valid");
            }
            JsonNode claims = ProtocolJson.readTree(decode(parts[1]));
            long now = clock.instant().getEpochSecond();
            if (claims.has("exp") && now > claims.path("exp").asLong() + SKEW.toSeconds()) {
                return AuthResult.deny("the JWT has expired; get a new token");
            }
            if (claims.has("nbf") && now + SKEW.toSeconds() < claims.path("nbf").asLong()) {
                return AuthResult.deny("the JWT is not valid yet");
            }
            String store = context.storeId().value();
            if (claims.has("storeId") && !store.equals(claims.path("storeId").asText())) {
                return AuthResult.deny("the JWT does not grant access to store '" + store + "'");
            }
            if (claims.has("stores") && !containsText(claims.path("stores"), store)) {
                return AuthResult.deny("the JWT does not grant access to store '" + store + "'");
            }
            return claims.path("sub").isTextual() ? AuthResult.allow(claims.path("sub").asText()) : AuthResult.allow();
        } catch (IOException | IllegalArgumentException e) {
            return AuthResult.deny("the auth token is not a well-formed JWT");
        }
    }

    private static boolean containsText(JsonNode array, String value) {
        for (JsonNode element : array) {
            if (value.equals(element.asText())) {
                return true;
            }
        }
        return false;
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }

    /** The HS256 signature of {@code signingInput}; also used to issue tokens in tests and tools. */
    public byte[] sign(String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Issues a token with {@code claimsJson} as its claims, signed with this authenticator's secret. */
    public String issue(String claimsJson) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
        return input + "." + b64.encodeToString(sign(input));
    }
}
