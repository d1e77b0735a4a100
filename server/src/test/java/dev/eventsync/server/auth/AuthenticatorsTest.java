package dev.eventsync.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventsync.api.StoreId;
import dev.eventsync.spi.transport.AuthResult;
import dev.eventsync.spi.transport.CallContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthenticatorsTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private static CallContext withPayload(String store, String payload) {
        return new CallContext(StoreId.of(store), Optional.ofNullable(payload), Map.of(), Optional.empty(), "ws",
                Optional.empty());
    }

    @Test
    void sharedTokenComesFromThePayloadOrABearerHeader() {
        SharedTokenAuthenticator auth = new SharedTokenAuthenticator("letmein");
        assertThat(auth.authenticate(withPayload("s", "{\"authToken\":\"letmein\"}"))).isInstanceOf(AuthResult.Allowed.class);
        assertThat(auth.authenticate(withPayload("s", "{\"authToken\":\"nope\"}")))
                .isEqualTo(AuthResult.deny("the auth token is not valid for this server"));
        assertThat(auth.authenticate(withPayload("s", null))).isInstanceOfSatisfying(AuthResult.Denied.class,
                d -> assertThat(d.reason()).contains("authToken"));
        assertThat(auth.authenticate(withPayload("s", "not json"))).isInstanceOf(AuthResult.Denied.class);
        CallContext bearer = new CallContext(StoreId.of("s"), Optional.empty(),
                Map.of("Authorization", List.of("Bearer letmein")), Optional.empty(), "http", Optional.empty());
        assertThat(auth.authenticate(bearer)).isInstanceOf(AuthResult.Allowed.class);
        assertThatThrownBy(() -> new SharedTokenAuthenticator(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jwtIsVerifiedForSignatureValidityAndStore() {
        JwtAuthenticator auth = new JwtAuthenticator(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));
        long now = NOW.getEpochSecond();
        String good = auth.issue("{\"sub\":\"alice\",\"exp\":" + (now + 60) + ",\"storeId\":\"todos\"}");
        assertThat(auth.authenticate(withPayload("todos", "{\"authToken\":\"" + good + "\"}")))
                .isEqualTo(AuthResult.allow("alice"));
        assertThat(auth.authenticate(withPayload("other", "{\"authToken\":\"" + good + "\"}")))
                .isEqualTo(AuthResult.deny("the JWT does not grant access to store 'other'"));
        String expired = auth.issue("{\"exp\":" + (now - 3600) + "}");
        assertThat(auth.authenticate(withPayload("todos", "{\"authToken\":\"" + expired + "\"}")))
                .isEqualTo(AuthResult.deny("the JWT has expired; get a new token"));
        String notYet = auth.issue("{\"nbf\":" + (now + 3600) + "}");
        assertThat(auth.authenticate(withPayload("todos", "{\"authToken\":\"" + notYet + "\"}")))
                .isEqualTo(AuthResult.deny("the JWT is not valid yet"));
        String listed = auth.issue("{\"stores\":[\"a\",\"todos\"]}");
        assertThat(auth.authenticate(withPayload("todos", "{\"authToken\":\"" + listed + "\"}"))).isInstanceOf(AuthResult.Allowed.class);
        JwtAuthenticator otherKey = new JwtAuthenticator("another-secret-another-secret-xx", Clock.fixed(NOW, ZoneOffset.UTC));
        String forged = otherKey.issue("{\"sub\":\"mallory\"}");
        assertThat(auth.authenticate(withPayload("todos", "{\"authToken\":\"" + forged + "\"}")))
                .isEqualTo(AuthResult.deny("the JWT signature is not valid"));
        String[] parts = good.split("\\.");
        String none = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
                + "." + parts[1] + ".";
        assertThat(auth.authenticate(withPayload("todos", "{\"authToken\":\"" + none + "\"}")))
                .isInstanceOfSatisfying(AuthResult.Denied.class, d -> assertThat(d.reason()).contains("HS256"));
        assertThat(auth.authenticate(withPayload("todos", "{\"authToken\":\"a.b\"}"))).isInstanceOf(AuthResult.Denied.class);
        assertThat(auth.authenticate(withPayload("todos", "{\"authToken\":\"!!.!!.!!\"}"))).isInstanceOf(AuthResult.Denied.class);
        assertThatThrownBy(() -> new JwtAuthenticator("short")).hasMessageContaining("32 bytes");
    }
}
