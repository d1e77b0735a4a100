package dev.eventsync.server.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How {@link JwtAuthenticator} checks tokens: where the verification keys come from, which issuer and audience a
 * token must name (when set), and the clock skew allowed on {@code exp} and {@code nbf}.
 *
 * @param keys      the verification keys: a shared secret (HS256/384/512), a PEM public key (RS*, PS*, ES*) or
 *                  a JWKS URL (keys by {@code kid}, cached and refreshed when a token names an unknown one)
 * @param issuer    when present, the {@code iss} every token must carry (RFC 7519 §4.1.1)
 * @param audience  when present, a value the token's {@code aud} must contain (RFC 7519 §4.1.3)
 * @param clockSkew how far {@code exp} and {@code nbf} may be off the server's clock: 0 to {@link #MAX_CLOCK_SKEW}
 */
public record JwtSettings(Keys keys, Optional<String> issuer, Optional<String> audience, Duration clockSkew) {

    /** The skew allowed unless configured otherwise. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** The largest skew accepted: an hour; more would keep expired tokens alive for longer than is sensible. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofHours(1);

    public JwtSettings {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new IllegalArgumentException("the JWT clock skew must be between 0 and " + MAX_CLOCK_SKEW.toSeconds()
                    + " seconds, got " + clockSkew.toSeconds());
        }
    }

    /** Where the verification keys come from. */
    public sealed interface Keys {
    }

    /**
     * A shared secret: tokens signed with HS256, HS384 or HS512. RFC 7518 §3.2 wants a key at least as long as the
     * hash: 32 bytes for HS256, 48 for HS384, 64 for HS512; shorter secrets are refused.
     */
    public record Secret(byte[] bytes) implements Keys {
        public Secret {
            Objects.requireNonNull(bytes, "bytes");
            if (bytes.length < 32) {
                throw new IllegalArgumentException("the JWT secret must have at least 32 bytes (256 bits), got "
                        + bytes.length);
            }
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Secret s && Arrays.equals(bytes, s.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Secret[" + bytes.length + " bytes]";
        }
    }

    /**
     * One public key in PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo): RSA of at least 2048
     * bits or EC on P-256, P-384 or P-521. A key that is none of these is refused here.
     */
    public record PublicKeyPem(String pem) implements Keys {
        public PublicKeyPem {
            Objects.requireNonNull(pem, "pem");
            JwtAuthenticator.publicJwk(pem);
        }
    }

    /**
     * A JSON Web Key Set URL (RFC 7517 §5), as identity providers publish them. Keys are cached for
     * {@code cacheTtl}; a token whose {@code kid} is not in the cached set makes it fetch the set again, at most
     * once per {@code minRefreshInterval}, so that rotated keys are picked up without a restart.
     */
    public record Jwks(URI url, Duration cacheTtl, Duration minRefreshInterval) implements Keys {
        public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
        public static final Duration DEFAULT_MIN_REFRESH_INTERVAL = Duration.ofSeconds(10);

        public Jwks {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(cacheTtl, "cacheTtl");
            Objects.requireNonNull(minRefreshInterval, "minRefreshInterval");
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                throw new IllegalArgumentException("the JWKS URL must be http:// or https://, got " + url);
            }
        }

        public Jwks(URI url) {
            this(url, DEFAULT_CACHE_TTL, DEFAULT_MIN_REFRESH_INTERVAL);
        }
    }

    /** Tokens signed with {@code secret} (its UTF-8 bytes). */
    public static JwtSettings secret(String secret) {
        return of(new Secret(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** Tokens verified with {@code keys}, no issuer or audience required, the default skew. */
    public static JwtSettings of(Keys keys) {
        return new JwtSettings(keys, Optional.empty(), Optional.empty(), DEFAULT_CLOCK_SKEW);
    }

    public JwtSettings withIssuer(String value) {
        return new JwtSettings(keys, Optional.of(value), audience, clockSkew);
    }

    public JwtSettings withAudience(String value) {
        return new JwtSettings(keys, issuer, Optional.of(value), clockSkew);
    }

    public JwtSettings withClockSkew(Duration value) {
        return new JwtSettings(keys, issuer, audience, value);
    }

    /** The HMAC algorithms {@code secret} is long enough for (RFC 7518 §3.2): HS256 from 32 bytes, HS384 48, HS512 64. */
    static Set<JWSAlgorithm> hmacAlgorithms(Secret secret) {
        return MACSigner.getCompatibleAlgorithms(secret.bytes.length * 8);
    }

    /**
     * The kind of keys, for the startup banner: {@code HS256 secret} (the algorithms the secret's length allows),
     * {@code PEM public key}, {@code JWKS <url>}.
     */
    public String describe() {
        String what = keys instanceof Secret secret
                ? hmacAlgorithms(secret).stream().map(JWSAlgorithm::getName).sorted().collect(Collectors.joining("/"))
                        + " secret"
                : keys instanceof PublicKeyPem ? "PEM public key" : "JWKS " + ((Jwks) keys).url();
        return what + issuer.map(i -> ", iss " + i).orElse("") + audience.map(a -> ", aud " + a).orElse("");
    }
}
