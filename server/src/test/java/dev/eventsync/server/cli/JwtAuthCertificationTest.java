package dev.eventsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.eventsync.api.StoreId;
import dev.eventsync.server.Eventsync;
import dev.eventsync.server.EventsyncServer;
import dev.eventsync.server.HttpOptions;
import dev.eventsync.server.ServerConfig;
import dev.eventsync.server.StorageSpec;
import dev.eventsync.server.auth.JwtSettings;
import dev.eventsync.tck.Rule;
import dev.eventsync.tck.SyncBackendCompatibilityKit;
import dev.eventsync.vertx.VertxClientSettings;
import dev.eventsync.vertx.VertxSyncBackend;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The authentication rules of the kit against our own server with JWT auth ({@code --jwt-secret}): the kit's
 * credential is a signed JWT for every store, its scoped credential a JWT whose {@code stores} claim names one store.
 * P-AUTH-01 and P-AUTH-02 run (neither is skipped) and pass over WebSocket and over HTTP, under profile eventsync
 * (refusals are typed Unauthorized).
 */
class JwtAuthCertificationTest {

    private static final String SECRET = "certify-jwt-secret-of-at-least-32-bytes";

    /** The kit pointed at the server of the current test; JUnit makes the instance, so its target is static. */
    public static final class JwtKit extends SyncBackendCompatibilityKit {
        static volatile URI url;
        static volatile VertxClientSettings.Transport transport;

        @Override
        protected Server newServer() {
            Server server = Server.of(store -> client(store, Optional.of(token(Optional.empty()))), () -> {
            });
            return server.withAuth(new Auth(token(Optional.empty()), Optional.of(store -> token(Optional.of(store)))),
                    JwtKit::client);
        }

        @Override
        protected Rule.Profile profile() {
            return Rule.Profile.EVENTSYNC;
        }

        @Override
        protected String storePrefix() {
            return "jwt";
        }

        private static VertxSyncBackend client(StoreId store, Optional<String> token) {
            VertxClientSettings settings = VertxClientSettings.of(url, store).withTransport(transport)
                    .withRequestTimeout(Duration.ofSeconds(20)).withPollInterval(Duration.ofMillis(50));
            return VertxSyncBackend.create(token.map(RemoteCertification.Run::payloadOf).map(settings::withPayload)
                    .orElse(settings));
        }
    }

    /** A JWT signed with the server's secret, for one store ({@code stores} claim) or, without, for every store. */
    static String token(Optional<StoreId> store) {
        try {
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject("kit")
                    .expirationTime(Date.from(Instant.now().plusSeconds(3600)));
            store.ifPresent(s -> claims.claim("stores", List.of(s.value())));
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theAuthRulesRunAndPassAgainstJwtAuthOverWebSocketAndHttp() throws Exception {
        ServerConfig defaults = ServerConfig.defaults().withPort(0).withStorage(StorageSpec.parse("memory"));
        ServerConfig config = new ServerConfig(defaults.host(), 0, defaults.storage(), defaults.dbUser(), defaults.dbPassword(),
                defaults.dbPoolSize(), defaults.limits(), Optional.empty(), Optional.of(JwtSettings.secret(SECRET)),
                defaults.shutdownGrace(), HttpOptions.defaults(), defaults.changeFeedInterval(), defaults.resources());
        try (EventsyncServer server = Eventsync.builder().config(config).build().start()) {
            for (VertxClientSettings.Transport transport : VertxClientSettings.Transport.values()) {
                JwtKit.url = URI.create((transport == VertxClientSettings.Transport.HTTP ? "http" : "ws")
                        + "://127.0.0.1:" + server.port());
                JwtKit.transport = transport;
                Map<String, TestExecutionResult> results = runRules(Rule.P_AUTH_01, Rule.P_AUTH_02);
                assertThat(results).as("over %s", transport).containsOnlyKeys("P-AUTH-01", "P-AUTH-02");
                results.forEach((rule, result) -> assertThat(result.getStatus()).as("%s over %s: %s", rule, transport,
                        result.getThrowable().map(Throwable::getMessage).orElse("")).isEqualTo(TestExecutionResult.Status.SUCCESSFUL));
            }
        }
    }

    /** Runs the kit methods of {@code rules} in {@link JwtKit}; the result of each rule that ran or was skipped. */
    private static Map<String, TestExecutionResult> runRules(Rule... rules) {
        Map<String, String> methods = new ConcurrentHashMap<>();
        for (java.lang.reflect.Method method : JwtKit.class.getMethods()) {
            Rule.ofMethodName(method.getName()).ifPresent(rule -> methods.put(rule.id(), method.getName()));
        }
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false");
        for (Rule rule : rules) {
            request.selectors(DiscoverySelectors.selectMethod(JwtKit.class, methods.get(rule.id())));
        }
        Map<String, TestExecutionResult> results = new ConcurrentHashMap<>();
        LauncherFactory.create().execute(request.build(), new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier test, String reason) {
                ruleOf(test).ifPresent(id -> results.put(id, TestExecutionResult.aborted(new IllegalStateException(reason))));
            }

            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                ruleOf(test).ifPresent(id -> results.put(id, result));
            }
        });
        return results;
    }

    private static Optional<String> ruleOf(TestIdentifier test) {
        return test.getSource().filter(MethodSource.class::isInstance)
                .flatMap(s -> Rule.ofMethodName(((MethodSource) s).getMethodName())).map(Rule::id);
    }
}
