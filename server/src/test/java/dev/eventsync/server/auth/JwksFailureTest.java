package dev.eventsync.server.auth;

import static dev.eventsync.server.auth.JwtAuthenticatorTest.CLOCK;
import static dev.eventsync.server.auth.JwtAuthenticatorTest.call;
import static dev.eventsync.server.auth.JwtAuthenticatorTest.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.spi.transport.AuthResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A JWKS URL served by a real HTTP server on 127.0.0.1 that counts its fetches: tokens naming unknown keys are
 * refused (403) however many arrive, and the set is fetched again at most once per interval; a rotation is still
 * picked up after the interval; a JWKS URL that answers 500, invalid JSON, nothing (hangs) or whose port is closed
 * makes callers 'unavailable' with the URL's problem, logged at WARN once per failed fetch and never at ERROR.
 */
class JwksFailureTest {

    private HttpServer http;
    /** What the server answers: a status and a body. */
    private final AtomicReference<Answer> answer = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private final CountDownLatch hang = new CountDownLatch(1);
    private URI jwksUrl;
    private ListAppender<ILoggingEvent> log;

    private record Answer(int status, String body) {
        static Answer of(JWKSet set) {
            return new Answer(200, set.toString(true));
        }
    }

    @BeforeEach
    void serveJwks() throws Exception {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(Executors.newCachedThreadPool());
        http.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            Answer now = answer.get();
            if (now == null) {
                try {
                    hang.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            byte[] body = now.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(now.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        jwksUrl = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/jwks.json");
        log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(JwksKeys.class)).addAppender(log);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(JwksKeys.class)).detachAppender(log);
        hang.countDown();
        http.stop(0);
    }

    private JwtAuthenticator authenticator(URI url, Duration minRefreshInterval) {
        return new JwtAuthenticator(JwtSettings.of(new JwtSettings.Jwks(url, Duration.ofMinutes(5), minRefreshInterval)),
                CLOCK);
    }

    private static String token(RSAKey key, JWSAlgorithm alg, String kid) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), JwtAuthenticatorTest.valid().build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private long warnings() {
        assertThat(log.list).noneMatch(e -> e.getLevel() == Level.ERROR);
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
    }

    @Test
    void unknownKidsAreRefusedEveryTimeAndFetchAtMostOncePerInterval() throws Exception {
        RSAKey known = new RSAKeyGenerator(2048).keyID("known").generate();
        RSAKey rs384Only = new RSAKeyGenerator(2048).keyID("rs384").algorithm(JWSAlgorithm.RS384).generate();
        answer.set(Answer.of(new JWKSet(List.of(known.toPublicJWK(), rs384Only.toPublicJWK()))));
        JwtAuthenticator auth = authenticator(jwksUrl, JwtSettings.Jwks.DEFAULT_MIN_REFRESH_INTERVAL);
        assertThat(auth.authenticate(call("s", token(known, JWSAlgorithm.RS256, "known")))).isInstanceOf(AuthResult.Allowed.class);
        RSAKey stranger = new RSAKeyGenerator(2048).generate();
        for (int i = 0; i < 300; i++) {
            String kidToken = i % 3 == 2
                    ? token(rs384Only, JWSAlgorithm.RS256, "rs384") // the key exists, but for another alg
                    : token(stranger, JWSAlgorithm.RS256, "unknown-" + (i % 5));
            assertThat(refusal(auth.authenticate(call("s", kidToken)))).as("token %d", i)
                    .startsWith("no verification key matches the JWT (kid '")
                    .contains("among the keys of " + jwksUrl);
        }
        assertThat(fetches.get()).as("one fetch in the 10 s interval, however many unknown kids").isEqualTo(1);
        assertThat(auth.authenticate(call("s", token(known, JWSAlgorithm.RS256, "known")))).isInstanceOf(AuthResult.Allowed.class);
        assertThat(warnings()).isZero();
    }

    @Test
    void aRotationIsPickedUpOnceTheIntervalHasPassed() throws Exception {
        RSAKey first = new RSAKeyGenerator(2048).keyID("first").generate();
        RSAKey second = new RSAKeyGenerator(2048).keyID("second").generate();
        answer.set(Answer.of(new JWKSet(first.toPublicJWK())));
        JwtAuthenticator auth = authenticator(jwksUrl, Duration.ofMillis(400));
        assertThat(auth.authenticate(call("s", token(first, JWSAlgorithm.RS256, "first")))).isInstanceOf(AuthResult.Allowed.class);
        answer.set(Answer.of(new JWKSet(List.of(first.toPublicJWK(), second.toPublicJWK()))));
        // within the interval the new key is not fetched yet
        assertThat(refusal(auth.authenticate(call("s", token(second, JWSAlgorithm.RS256, "second")))))
                .startsWith("no verification key matches");
        assertThat(fetches.get()).isEqualTo(1);
        Thread.sleep(500);
        assertThat(auth.authenticate(call("s", token(second, JWSAlgorithm.RS256, "second")))).isInstanceOf(AuthResult.Allowed.class);
        assertThat(fetches.get()).isEqualTo(2);
    }

    @Test
    void rsaKeysUnder2048BitsInTheSetAreIgnoredWithAWarning() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        java.security.KeyPair pair = generator.generateKeyPair();
        RSAKey weak = new RSAKey.Builder((java.security.interfaces.RSAPublicKey) pair.getPublic())
                .privateKey(pair.getPrivate()).keyID("weak").build();
        RSAKey strong = new RSAKeyGenerator(2048).keyID("strong").generate();
        answer.set(Answer.of(new JWKSet(List.of(weak.toPublicJWK(), strong.toPublicJWK()))));
        JwtAuthenticator auth = authenticator(jwksUrl, JwtSettings.Jwks.DEFAULT_MIN_REFRESH_INTERVAL);
        SignedJWT weakToken = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("weak").build(),
                JwtAuthenticatorTest.valid().build());
        weakToken.sign(new RSASSASigner(pair.getPrivate(), true));
        assertThat(refusal(auth.authenticate(call("s", weakToken.serialize()))))
                .startsWith("no verification key matches the JWT (kid 'weak')");
        assertThat(auth.authenticate(call("s", token(strong, JWSAlgorithm.RS256, "strong")))).isInstanceOf(AuthResult.Allowed.class);
        assertThat(warnings()).isEqualTo(1);
        assertThat(log.list.get(0).getFormattedMessage()).contains("'weak' of 1024 bits; it is ignored");
    }

    /** Every call is Unavailable naming the URL; returns the message of the first. */
    private static String unavailable(JwtAuthenticator auth, String token, int calls) {
        String first = null;
        for (int i = 0; i < calls; i++) {
            Throwable failure = catchThrowable(() -> auth.authenticate(call("s", token)));
            assertThat(failure).as("call %d", i).isInstanceOf(SyncErrorException.class);
            SyncError error = ((SyncErrorException) failure).error();
            assertThat(error).isInstanceOf(SyncError.Unavailable.class);
            String reason = ((SyncError.Unavailable) error).reason();
            assertThat(reason).startsWith("the JWT verification keys are unavailable: the JWKS URL ");
            first = first == null ? reason : first;
        }
        return first;
    }

    @Test
    void aJwksUrlThatFailsIsUnavailableWarnedOncePerIntervalAndRecovers() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k").generate();
        String token = token(key, JWSAlgorithm.RS256, "k");
        for (Answer broken : List.of(new Answer(500, "{\"error\":\"oops\"}"), new Answer(200, "{\"keys\": [ not json"),
                new Answer(200, "{\"no-keys\":1}"), new Answer(404, "gone"))) {
            answer.set(broken);
            fetches.set(0);
            log.list.clear();
            JwtAuthenticator auth = authenticator(jwksUrl, Duration.ofMillis(600));
            assertThat(unavailable(auth, token, 50)).as("%s", broken).contains(jwksUrl.toString());
            assertThat(fetches.get()).as("%s: fetches (one retry on an I/O error)", broken).isBetween(1, 2);
            assertThat(warnings()).as("%s", broken).isEqualTo(1);
            // the provider recovers: after the interval the keys are fetched and the token passes
            answer.set(Answer.of(new JWKSet(key.toPublicJWK())));
            Thread.sleep(700);
            assertThat(auth.authenticate(call("s", token))).isInstanceOf(AuthResult.Allowed.class);
        }
    }

    /** A JWKS URL on a loopback port nothing listens on (it was just free). */
    static URI closedPortUrl() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/jwks.json");
        }
    }

    @Test
    void aClosedPortIsUnavailable() throws Exception {
        URI nowhere = closedPortUrl();
        JwtAuthenticator auth = authenticator(nowhere, JwtSettings.Jwks.DEFAULT_MIN_REFRESH_INTERVAL);
        String message = unavailable(auth, token(new RSAKeyGenerator(2048).keyID("k").generate(), JWSAlgorithm.RS256, "k"), 20);
        assertThat(message).contains(nowhere.toString()).containsIgnoringCase("connect");
        assertThat(warnings()).isEqualTo(1);
    }

    @Test
    void aHangingJwksUrlTimesOutAndIsUnavailable() throws Exception {
        answer.set(null);
        JwtAuthenticator auth = authenticator(jwksUrl, JwtSettings.Jwks.DEFAULT_MIN_REFRESH_INTERVAL);
        String token = token(new RSAKeyGenerator(2048).keyID("k").generate(), JWSAlgorithm.RS256, "k");
        long start = System.nanoTime();
        String message = unavailable(auth, token, 1);
        long firstMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(message).contains(jwksUrl.toString()).containsIgnoringCase("timed out");
        assertThat(firstMillis).as("3 s read timeout, one retry").isBetween(2_500L, 9_000L);
        start = System.nanoTime();
        unavailable(auth, token, 20);
        assertThat((System.nanoTime() - start) / 1_000_000).as("later calls do not wait again").isLessThan(1_000L);
        assertThat(warnings()).isEqualTo(1);
    }
}
