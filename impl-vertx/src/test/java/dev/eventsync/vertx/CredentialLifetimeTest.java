package dev.eventsync.vertx;

import static dev.eventsync.vertx.RawWs.NONE;
import static dev.eventsync.vertx.RawWs.event;
import static dev.eventsync.vertx.RawWs.pull;
import static dev.eventsync.vertx.RawWs.push;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.StoreId;
import dev.eventsync.spi.transport.AuthResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A credential's lifetime ({@code AuthResult.Allowed.expiresAt}) holds for the whole WebSocket connection: a live
 * pull opened before the expiry ends with an {@code Unauthorized} failure when it passes, later requests are
 * refused, and the socket closes with 1008.
 */
class CredentialLifetimeTest {

    @Test
    void livePullEndsWithUnauthorizedAndTheSocketClosesWhenTheCredentialExpires() throws Exception {
        Instant expiresAt = Instant.now().plus(Duration.ofMillis(1500));
        // behaves like a JWT with exp: allowed until expiresAt, denied afterwards
        try (TestServer server = TestServer.withAuthenticator(ctx -> Instant.now().isBefore(expiresAt)
                ? AuthResult.allowUntil(Optional.of("alice"), expiresAt) : AuthResult.deny("the token has expired"));
             RawWs ws = RawWs.connect(server, "s1")) {
            ws.send(pull("1", "s1", true, NONE));
            assertThat(ws.next().path("_tag").asText()).isEqualTo("Chunk");
            ws.send("{\"_tag\":\"Ack\",\"requestId\":\"1\"}");
            ws.send(push("2", "s1", "[" + event(1, 0, "{}") + "]", NONE));
            // the echo on the live pull and the push's ack, in either order
            JsonNode a = ws.next();
            JsonNode b = ws.next();
            assertThat(java.util.List.of(a.path("_tag").asText(), b.path("_tag").asText()))
                    .containsExactlyInAnyOrder("Chunk", "Exit");
            ws.send("{\"_tag\":\"Ack\",\"requestId\":\"1\"}");

            JsonNode end = ws.next();
            assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
            assertThat(end.path("_tag").asText()).isEqualTo("Exit");
            assertThat(end.path("requestId").asText()).isEqualTo("1");
            JsonNode error = end.path("exit").path("cause").path("error");
            assertThat(error.path("payload").path("eventsyncError").asText()).isEqualTo("unauthorized");
            assertThat(error.path("note").asText()).contains("expired");
            assertThat(ws.closed.get(10, TimeUnit.SECONDS)).isEqualTo((short) 1008);
            assertThat(server.store.head(StoreId.of("s1"))).isEqualTo(1);
        }
    }

    @Test
    void aCredentialWithoutExpiryKeepsTheConnectionOpen() throws Exception {
        try (TestServer server = TestServer.withAuthenticator(ctx -> AuthResult.allow("bob"));
             RawWs ws = RawWs.connect(server, "s1")) {
            ws.send(pull("1", "s1", true, NONE));
            assertThat(ws.next().path("_tag").asText()).isEqualTo("Chunk");
            ws.expectSilence(700);
            assertThat(ws.closed).isNotDone();
        }
    }

    @Test
    void aFarAwayExpiryIsNoProblem() throws Exception {
        try (TestServer server = TestServer.withAuthenticator(
                ctx -> AuthResult.allowUntil(Optional.empty(), Instant.MAX));
             RawWs ws = RawWs.connect(server, "s1")) {
            ws.send("{\"_tag\":\"Ping\"}");
            assertThat(ws.nextRaw()).isEqualTo("{\"_tag\":\"Pong\"}");
            assertThat(ws.closed).isNotDone();
        }
    }
}
