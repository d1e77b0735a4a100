package dev.eventsync.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventsync.api.StoreId;
import dev.eventsync.spi.transport.AuthResult;
import dev.eventsync.spi.transport.CallContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The shared-token authenticator; JWTs are {@link JwtAuthenticatorTest}'s and {@link JwksRotationTest}'s. */
class AuthenticatorsTest {

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
}
