package dev.eventsync.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.eventsync.spi.transport.AuthResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keys from a JWKS URL, served by a real HTTP server on 127.0.0.1: cached between tokens, fetched again when a
 * token names a key id the cache lacks (the provider rotated its keys), and a retired key stops working. The
 * rate limit and the failure modes are in {@link JwksFailureTest}.
 */
class JwksRotationTest {

    private HttpServer http;
    private final AtomicReference<JWKSet> published = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private URI jwksUrl;

    @BeforeEach
    void serveJwks() throws Exception {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/.well-known/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().toString(true).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        jwksUrl = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/.well-known/jwks.json");
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    static String token(RSAKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                JwtAuthenticatorTest.valid().build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void keysAreCachedAndARotationIsPickedUpWithoutARestart() throws Exception {
        RSAKey first = new RSAKeyGenerator(2048).keyID("2026-01").generate();
        RSAKey second = new RSAKeyGenerator(2048).keyID("2026-02").generate();
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        published.set(new JWKSet(java.util.List.of(first.toPublicJWK(), ec.toPublicJWK())));
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.of(new JwtSettings.Jwks(jwksUrl, Duration.ofMinutes(5),
                Duration.ofMillis(1))), JwtAuthenticatorTest.CLOCK);

        assertThat(auth.authenticate(JwtAuthenticatorTest.call("s", token(first)))).isInstanceOf(AuthResult.Allowed.class);
        assertThat(auth.authenticate(JwtAuthenticatorTest.call("s", token(first)))).isInstanceOf(AuthResult.Allowed.class);
        SignedJWT es = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(),
                JwtAuthenticatorTest.valid().build());
        es.sign(new ECDSASigner(ec));
        assertThat(auth.authenticate(JwtAuthenticatorTest.call("s", es.serialize()))).isInstanceOf(AuthResult.Allowed.class);
        assertThat(fetches.get()).as("the key set is fetched once and cached").isEqualTo(1);

        // the provider rotates: the new key is published, the old one retired
        published.set(new JWKSet(second.toPublicJWK()));
        Thread.sleep(5); // past the minimum refresh interval
        assertThat(auth.authenticate(JwtAuthenticatorTest.call("s", token(second)))).isInstanceOf(AuthResult.Allowed.class);
        assertThat(fetches.get()).as("an unknown kid fetches the set again").isEqualTo(2);
        assertThat(auth.authenticate(JwtAuthenticatorTest.call("s", token(second)))).isInstanceOf(AuthResult.Allowed.class);
        assertThat(fetches.get()).isEqualTo(2);
        Thread.sleep(5);
        AuthResult retired = auth.authenticate(JwtAuthenticatorTest.call("s", token(first)));
        assertThat(JwtAuthenticatorTest.refusal(retired)).startsWith("no verification key matches the JWT (kid '2026-01') "
                + "for RS256 among the keys of " + jwksUrl);
    }
}
