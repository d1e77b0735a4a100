package dev.eventsync.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.eventsync.api.json.ProtocolJson;
import dev.eventsync.server.Eventsync;
import dev.eventsync.server.EventsyncServer;
import dev.eventsync.server.HttpOptions;
import dev.eventsync.server.ServerConfig;
import dev.eventsync.server.StorageSpec;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * JWT auth through a real server: a WebSocket opened with a token that expired within the clock skew stays open
 * until exp + skew (it used to be closed at once with 1008), and a JWKS URL that cannot be reached answers HTTP
 * callers 503 with the URL's problem rather than "the server failed unexpectedly".
 */
class JwtOverTheWireTest {

    private static final String SECRET = "wire-test-secret-of-at-least-32-bytes!";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static EventsyncServer start(JwtSettings jwt) {
        ServerConfig defaults = ServerConfig.defaults().withPort(0).withStorage(StorageSpec.parse("memory"));
        ServerConfig config = new ServerConfig(defaults.host(), 0, defaults.storage(), defaults.dbUser(), defaults.dbPassword(),
                defaults.dbPoolSize(), defaults.limits(), Optional.empty(), Optional.of(jwt),
                defaults.shutdownGrace(), HttpOptions.defaults(), defaults.changeFeedInterval(), defaults.resources());
        return Eventsync.builder().config(config).build().start();
    }

    private static String payloadParam(String token) {
        String json = "{\"authToken\":\"" + token + "\"}";
        // LiveStore sends the payload percent-encoded inside the (itself encoded) query
        return URLEncoder.encode(URLEncoder.encode(json, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    private static String push(String id, long seqNum) {
        return "{\"_tag\":\"Request\",\"id\":\"" + id + "\",\"tag\":\"SyncWsRpc.Push\",\"payload\":{\"storeId\":\"s\","
                + "\"batch\":[{\"name\":\"v1.TodoCreated\",\"args\":{},\"seqNum\":" + seqNum + ",\"parentSeqNum\":"
                + (seqNum - 1) + ",\"clientId\":\"c\",\"sessionId\":\"x\"}],\"backendId\":{\"_tag\":\"None\"}},\"headers\":[]}";
    }

    @Test
    void aWebSocketOpenedWithinTheSkewStaysOpenUntilExpPlusSkew() throws Exception {
        try (EventsyncServer server = start(JwtSettings.secret(SECRET).withClockSkew(Duration.ofSeconds(30)))) {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("late")
                    .expirationTime(Date.from(Instant.now().minusSeconds(10))).build());
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
            LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port()
                    + "/?storeId=s&transport=ws&payload=" + payloadParam(jwt.serialize())), new WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                texts.add(text.toString());
                                text.setLength(0);
                            }
                            socket.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                            closed.complete(status);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            ws.sendText(push("1", 1), true).get(5, TimeUnit.SECONDS);
            JsonNode first = ProtocolJson.readTree(texts.poll(10, TimeUnit.SECONDS));
            assertThat(first.path("exit").path("_tag").asText()).as("%s", first).isEqualTo("Success");
            Thread.sleep(1_500);
            assertThat(closed).as("closed with %s", closed.getNow(-1)).isNotDone();
            ws.sendText(push("2", 2), true).get(5, TimeUnit.SECONDS);
            JsonNode second = ProtocolJson.readTree(texts.poll(10, TimeUnit.SECONDS));
            assertThat(second.path("exit").path("_tag").asText()).as("%s", second).isEqualTo("Success");
            assertThat(closed).isNotDone();
            ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUnreachableJwksUrlIs503NamingTheUrlOverHttpAndWebSocketWithOneWarnAndNoError() throws Exception {
        URI jwks = JwksFailureTest.closedPortUrl();
        RSAKey key = new RSAKeyGenerator(2048).keyID("k").generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k").build(),
                new JWTClaimsSet.Builder().subject("a").expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        jwt.sign(new RSASSASigner(key));
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
                new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        root.addAppender(log);
        try (EventsyncServer server = start(JwtSettings.of(new JwtSettings.Jwks(jwks)))) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/?storeId=s&transport=http")).header("authorization", "Bearer " + jwt.serialize())
                        .POST(HttpRequest.BodyPublishers.ofString("{\"_tag\":\"Request\",\"id\":\"0\",\"tag\":"
                                + "\"SyncHttpRpc.Ping\",\"payload\":{\"storeId\":\"s\"},\"traceId\":\"t\",\"spanId\":\"s\","
                                + "\"sampled\":false,\"headers\":[]}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                assertThat(r.body()).contains("the JWT verification keys are unavailable: the JWKS URL " + jwks)
                        .doesNotContain("failed unexpectedly");
            }
            // the WebSocket upgrade is refused the same way
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/?storeId=s&transport=ws&payload="
                            + payloadParam(jwt.serialize())), new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS));
            assertThat(failure).hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class);
            HttpResponse<?> upgrade = ((java.net.http.WebSocketHandshakeException) failure.getCause()).getResponse();
            assertThat(upgrade.statusCode()).isEqualTo(503);
            assertThat(String.valueOf(upgrade.body())).contains("the JWKS URL " + jwks);
        } finally {
            root.detachAppender(log);
        }
        assertThat(log.list).as("no ERROR (stack trace) per request").noneMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR);
        assertThat(log.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                && e.getFormattedMessage().contains("the JWKS URL " + jwks))).as("one WARN for the one failed fetch").hasSize(1);
    }
}
