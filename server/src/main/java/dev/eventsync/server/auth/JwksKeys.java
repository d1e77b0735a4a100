package dev.eventsync.server.auth;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetSourceWrapper;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.RetryingJWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import java.net.MalformedURLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of a JWKS URL for {@link JwtAuthenticator}, through nimbus-jose-jwt's sources: fetched over HTTP
 * (3 s connect and read timeouts, 1 MiB at most, one retry on an I/O error), cached for
 * {@link JwtSettings.Jwks#cacheTtl()}, and fetched again when a token names a key the cache lacks, but at most
 * once per {@link JwtSettings.Jwks#minRefreshInterval()} (nimbus's own rate limiter allows two fetches per
 * interval, so the limit is one wrapper here).
 *
 * <p>Outcomes: a token whose key is not in the set (an unknown {@code kid}, or a key whose {@code alg} differs
 * from the token's) is refused, also while refetching is rate-limited; a JWKS URL that cannot be fetched or
 * parsed makes {@link #unavailable} throw {@link SyncError.Unavailable} naming the URL and the problem, logged at
 * WARN once per failed fetch (so at most once per interval, never per request). RSA keys under 2048 bits are
 * dropped from the set with a WARN (RFC 7518 §3.3), as a PEM key of that size is refused at startup.
 */
final class JwksKeys {

    private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);
    private static final int TIMEOUT_MILLIS = 3_000;
    private static final int MAX_BYTES = 1024 * 1024;

    private final JwtSettings.Jwks jwks;
    private final OneFetchPerInterval limiter;
    private final JWKSource<SecurityContext> source;

    JwksKeys(JwtSettings.Jwks jwks) {
        this.jwks = jwks;
        URLBasedJWKSetSource<SecurityContext> http;
        try {
            http = new URLBasedJWKSetSource<>(jwks.url().toURL(),
                    new DefaultResourceRetriever(TIMEOUT_MILLIS, TIMEOUT_MILLIS, MAX_BYTES));
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("the JWKS URL " + jwks.url() + " is not a URL: " + e.getMessage(), e);
        }
        limiter = new OneFetchPerInterval(new RetryingJWKSetSource<>(http, null));
        source = JWKSourceBuilder.create(limiter)
                .retrying(false).rateLimited(false)
                .cache(jwks.cacheTtl().toMillis(), 15_000)
                .build();
        LOG.info("JWT keys from {} (cached {}, fetched again at most every {})", jwks.url(), jwks.cacheTtl(),
                jwks.minRefreshInterval());
    }

    JWKSource<SecurityContext> source() {
        return source;
    }

    /**
     * What a failure to select keys for {@code header} means: the refusal reason when the key set is fine but
     * lacks the key (refetching was rate-limited); otherwise throws {@link SyncErrorException} with
     * {@link SyncError.Unavailable}: our side's problem, not the caller's.
     */
    String refusalOrUnavailable(KeySourceException failure, JWSHeader header) {
        KeySourceException last = limiter.lastFailure;
        if (failure instanceof RateLimitReachedException && last == null) {
            return noKeyMatches(header);
        }
        throw unavailable(failure instanceof RateLimitReachedException ? last : failure);
    }

    /** The refusal of a token whose key is not in the set. */
    String noKeyMatches(JWSHeader header) {
        return JwtAuthenticator.noKeyMatches(header) + " among the keys of " + jwks.url() + " (fetched again at most "
                + "every " + jwks.minRefreshInterval().toMillis() + " ms when a token names a key it lacks)";
    }

    private SyncErrorException unavailable(KeySourceException failure) {
        return new SyncErrorException(new SyncError.Unavailable("the JWT verification keys are unavailable: "
                + describe(failure)), failure);
    }

    private String describe(Throwable failure) {
        StringBuilder text = new StringBuilder("the JWKS URL " + jwks.url() + " cannot be used");
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && text.indexOf(t.getMessage()) < 0) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    /** Lets one fetch through per interval; remembers whether the last one failed, and weeds out weak keys. */
    private final class OneFetchPerInterval extends JWKSetSourceWrapper<SecurityContext> {
        private long nextFetch = Long.MIN_VALUE;
        /** The last fetch's failure, or null after a successful one. */
        private volatile KeySourceException lastFailure;

        OneFetchPerInterval(JWKSetSource<SecurityContext> source) {
            super(source);
        }

        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime,
                SecurityContext context) throws KeySourceException {
            synchronized (this) {
                if (currentTime < nextFetch) {
                    throw new RateLimitReachedException();
                }
                nextFetch = currentTime + jwks.minRefreshInterval().toMillis();
            }
            try {
                JWKSet set = withoutWeakKeys(getSource().getJWKSet(refreshEvaluator, currentTime, context));
                lastFailure = null;
                return set;
            } catch (KeySourceException e) {
                lastFailure = e;
                LOG.warn("{}; JWT callers get 'unavailable' until a fetch succeeds (next try in {} s at the earliest)",
                        describe(e), jwks.minRefreshInterval().toSeconds());
                throw e;
            }
        }

        private JWKSet withoutWeakKeys(JWKSet set) {
            List<JWK> kept = new ArrayList<>();
            for (JWK key : set.getKeys()) {
                if (key instanceof RSAKey rsa && rsa.size() < 2048) {
                    LOG.warn("the JWKS URL {} publishes RSA key '{}' of {} bits; it is ignored (RFC 7518 §3.3 wants "
                            + "at least 2048)", jwks.url(), rsa.getKeyID(), rsa.size());
                } else {
                    kept.add(key);
                }
            }
            return kept.size() == set.getKeys().size() ? set : new JWKSet(kept);
        }
    }
}
