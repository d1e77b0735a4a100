package dev.eventsync.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.eventsync.spi.transport.AuthResult;
import dev.eventsync.spi.transport.Authenticator;
import dev.eventsync.spi.transport.CallContext;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Admits callers whose {@code authToken} (sync payload) or bearer token is a JSON Web Token (RFC 7519) signed
 * with one of the configured keys ({@link JwtSettings}): an HMAC secret, a PEM public key, or the keys of a JWKS
 * URL, as identity providers such as Auth0, Clerk, Supabase, Keycloak or Firebase publish them. Signatures are
 * checked by nimbus-jose-jwt.
 *
 * <p>In order: the token parses as a JWS; its header marks no parameter as critical ({@code crit}, RFC 7515
 * §4.1.11: this server understands none, so such a token is refused); its {@code alg} is one the keys allow and
 * its signature verifies; {@code exp}, {@code nbf} and {@code iat} are NumericDates (RFC 7519 §2: numbers of
 * seconds, not strings, within year 1970..9999); the token has not expired and is already valid (with the
 * configured clock skew); {@code iss} and {@code aud} match when configured; a token that names stores limits the
 * caller to them (claim {@code storeId}: one, {@code stores}: an array). The token's {@code sub} is the caller's
 * name in logs, and its {@code exp} plus the clock skew the end of the allowance
 * ({@link AuthResult.Allowed#expiresAt()}), so a WebSocket opened with it is closed when a new connection with the
 * same token would be refused. With one configured key (a secret or a PEM key) the token's {@code kid} is not
 * looked at; with a JWKS URL it selects the key ({@link JwksKeys}). Every refusal says why.
 */
public final class JwtAuthenticator implements Authenticator {

    /** The last second a NumericDate may name: 9999-12-31T23:59:59Z. */
    private static final long MAX_NUMERIC_DATE = 253_402_300_799L;
    private static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
    private static final Set<JWSAlgorithm> ASYMMETRIC = union(RSA,
            Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512));

    private final JwtSettings settings;
    private final Clock clock;
    private final JWSVerificationKeySelector<SecurityContext> keySelector;
    /** The algorithms the keys allow, and the keys in words, for refusals. */
    private final Set<JWSAlgorithm> allowed;
    private final String kindOfKeys;
    private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();
    /** The JWKS URL's keys, when the keys come from one. */
    private final Optional<JwksKeys> jwks;

    public JwtAuthenticator(JwtSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public JwtAuthenticator(JwtSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        JwtSettings.Keys keys = settings.keys();
        if (keys instanceof JwtSettings.Secret secret) {
            allowed = JwtSettings.hmacAlgorithms(secret);
            kindOfKeys = "shared secret of " + secret.bytes().length + " bytes";
            keySelector = new JWSVerificationKeySelector<>(allowed, singleKey(new OctetSequenceKey.Builder(secret.bytes()).build()));
            jwks = Optional.empty();
        } else if (keys instanceof JwtSettings.PublicKeyPem pem) {
            JWK jwk = publicJwk(pem.pem());
            allowed = jwk instanceof RSAKey ? RSA : Set.of(ecAlgorithm(((ECKey) jwk).getCurve()));
            kindOfKeys = "public key";
            keySelector = new JWSVerificationKeySelector<>(allowed, singleKey(jwk));
            jwks = Optional.empty();
        } else {
            allowed = ASYMMETRIC;
            kindOfKeys = "JWKS keys";
            jwks = Optional.of(new JwksKeys((JwtSettings.Jwks) keys));
            keySelector = new JWSVerificationKeySelector<>(ASYMMETRIC, jwks.get().source());
        }
    }

    @Override
    public AuthResult authenticate(CallContext context) {
        Optional<String> token = AuthTokens.tokenOf(context);
        if (token.isEmpty()) {
            return AuthResult.deny("no auth token: send {\"authToken\": \"<JWT>\"} as the sync payload");
        }
        SignedJWT jwt;
        try {
            Optional<String> badHeader = checkHeader(JOSEObject.split(token.get()));
            if (badHeader.isPresent()) {
                return AuthResult.deny(badHeader.get());
            }
            jwt = SignedJWT.parse(token.get());
        } catch (ParseException e) {
            return AuthResult.deny("the auth token is not a well-formed signed JWT (header.payload.signature): "
                    + e.getMessage());
        }
        Optional<String> badSignature = verifySignature(jwt);
        if (badSignature.isPresent()) {
            return AuthResult.deny(badSignature.get());
        }
        Map<String, Object> claims = jwt.getPayload().toJSONObject();
        if (claims == null) {
            return AuthResult.deny("the JWT's payload is not a JSON object of claims");
        }
        return checkClaims(claims, context);
    }

    /**
     * Refuses what a JWS parser would misreport: an unsigned token ({@code alg none}, any case), an encrypted one
     * (five parts), and a {@code crit} header (RFC 7515 §4.1.11: this server understands no extension, and an empty
     * list is not allowed at all).
     */
    private static Optional<String> checkHeader(Base64URL[] parts) throws ParseException {
        Map<String, Object> header = JSONObjectUtils.parse(parts[0].decodeToString());
        if (header.get("alg") instanceof String alg && "none".equalsIgnoreCase(alg.strip())) {
            return Optional.of("unsigned JWT (alg none) refused: the token must be signed");
        }
        if (parts.length != 3) {
            return Optional.of("the auth token has " + parts.length + " parts; a signed JWT (JWS) has 3 "
                    + "(encrypted JWTs are not accepted)");
        }
        if (header.containsKey("crit")) {
            Object crit = header.get("crit");
            return Optional.of(crit instanceof List<?> list && list.isEmpty()
                    ? "the JWT's crit header is an empty list, which RFC 7515 §4.1.11 forbids"
                    : "the JWT marks header parameters " + crit + " as critical (crit, RFC 7515 §4.1.11), and this "
                            + "server understands none of them");
        }
        return Optional.empty();
    }

    static String noKeyMatches(JWSHeader header) {
        return "no verification key matches the JWT" + (header.getKeyID() != null
                ? " (kid '" + header.getKeyID() + "')" : "") + " for " + header.getAlgorithm();
    }

    private Optional<String> verifySignature(SignedJWT jwt) {
        JWSHeader header = jwt.getHeader();
        if (!keySelector.isAllowed(header.getAlgorithm())) {
            return Optional.of("the JWT is signed with " + header.getAlgorithm() + ", but this server accepts "
                    + names(allowed) + " for its " + kindOfKeys);
        }
        List<Key> keys;
        try {
            keys = keySelector.selectJWSKeys(header, null);
        } catch (KeySourceException e) {
            // a refusal when refetching is rate-limited; Unavailable when the JWKS URL is down (not the caller's fault)
            return Optional.of(jwks.orElseThrow(() -> new IllegalStateException(e)).refusalOrUnavailable(e, header));
        }
        if (keys.isEmpty()) {
            return Optional.of(jwks.map(j -> j.noKeyMatches(header)).orElseGet(() -> noKeyMatches(header)));
        }
        String failure = "the JWT signature is not valid";
        for (Key key : keys) {
            try {
                if (jwt.verify(verifiers.createJWSVerifier(header, key))) {
                    return Optional.empty();
                }
            } catch (JOSEException e) {
                failure = "the JWT cannot be verified with the configured key: " + e.getMessage();
            }
        }
        return Optional.of(failure);
    }

    private AuthResult checkClaims(Map<String, Object> claims, CallContext context) {
        Optional<Instant> exp;
        Optional<Instant> nbf;
        try {
            exp = numericDate(claims, "exp");
            nbf = numericDate(claims, "nbf");
            numericDate(claims, "iat");
        } catch (IllegalArgumentException e) {
            return AuthResult.deny(e.getMessage());
        }
        Instant now = clock.instant();
        if (exp.isPresent() && now.isAfter(exp.get().plus(settings.clockSkew()))) {
            return AuthResult.deny("the JWT expired at " + exp.get() + "; get a new token");
        }
        if (nbf.isPresent() && now.plus(settings.clockSkew()).isBefore(nbf.get())) {
            return AuthResult.deny("the JWT is not valid before " + nbf.get());
        }
        if (settings.issuer().isPresent() && !settings.issuer().get().equals(claims.get("iss"))) {
            return AuthResult.deny("the JWT is issued by " + describe(claims.get("iss")) + ", but this server accepts "
                    + "tokens of '" + settings.issuer().get() + "' only");
        }
        if (settings.audience().isPresent() && !audiences(claims.get("aud")).contains(settings.audience().get())) {
            return AuthResult.deny("the JWT is for audience " + describe(claims.get("aud")) + ", but this server is '"
                    + settings.audience().get() + "'");
        }
        String store = context.storeId().value();
        if (claims.containsKey("storeId") && !(claims.get("storeId") instanceof String)) {
            return AuthResult.deny("the JWT's 'storeId' claim must be a string (one store id), got "
                    + describe(claims.get("storeId")));
        }
        if (claims.containsKey("stores") && !(claims.get("stores") instanceof List<?> list
                && list.stream().allMatch(String.class::isInstance))) {
            return AuthResult.deny("the JWT's 'stores' claim must be an array of store id strings, got "
                    + describe(claims.get("stores")));
        }
        if (claims.containsKey("storeId") && !store.equals(claims.get("storeId"))
                || claims.get("stores") instanceof List<?> stores && !stores.contains(store)) {
            return AuthResult.deny("the JWT does not grant access to store '" + store + "'");
        }
        Optional<String> subject = claims.get("sub") instanceof String sub ? Optional.of(sub) : Optional.empty();
        // the allowance ends where checking the token at this moment would start refusing it: exp plus the skew
        return new AuthResult.Allowed(subject, exp.map(e -> e.plus(settings.clockSkew())));
    }

    /**
     * A NumericDate claim (RFC 7519 §2): a JSON number of seconds since the epoch, fractions allowed. Anything else
     * (a string, a boolean, a number outside 1970..9999) is refused rather than guessed at.
     */
    private static Optional<Instant> numericDate(Map<String, Object> claims, String name) {
        if (!claims.containsKey(name)) {
            return Optional.empty();
        }
        Object value = claims.get(name);
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException("the JWT's '" + name + "' claim must be a number of seconds since "
                    + "1970-01-01T00:00:00Z (a NumericDate, RFC 7519 §2), got " + describe(value));
        }
        double seconds = number.doubleValue();
        if (!(seconds >= 0 && seconds <= MAX_NUMERIC_DATE)) {
            throw new IllegalArgumentException("the JWT's '" + name + "' claim " + number
                    + " is not a date between 1970 and 9999 (seconds since the epoch, RFC 7519 §2)");
        }
        long whole = (long) Math.floor(seconds);
        return Optional.of(Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1e9) % 1_000_000_000L));
    }

    private static List<?> audiences(Object aud) {
        if (aud instanceof String single) {
            return List.of(single);
        }
        return aud instanceof List<?> list ? list : List.of();
    }

    private static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof String s) {
            return "the string '" + (s.length() > 64 ? s.substring(0, 64) + "..." : s) + "'";
        }
        return String.valueOf(value);
    }

    private static String names(Set<JWSAlgorithm> algorithms) {
        return algorithms.stream().map(JWSAlgorithm::getName).sorted().toList().toString();
    }

    // ---------------------------------------------------------------- key sources

    /** A source of exactly one key, whatever the token's {@code kid}: with one configured key, the kid is moot. */
    private static JWKSource<SecurityContext> singleKey(JWK key) {
        List<JWK> only = List.of(key);
        return (selector, context) -> only;
    }

    /** The JWK of a PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo), RSA or EC, parsed with the JDK. */
    static JWK publicJwk(String pem) {
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        if (!pem.contains("-----BEGIN PUBLIC KEY-----") || base64.isEmpty()) {
            throw new IllegalArgumentException("the JWT public key must be PEM text starting with "
                    + "-----BEGIN PUBLIC KEY----- (an X.509 SubjectPublicKeyInfo, RSA or EC)");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the JWT public key's PEM body is not base64: " + e.getMessage(), e);
        }
        for (String algorithm : List.of("RSA", "EC")) {
            PublicKey key;
            try {
                key = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                continue;
            }
            if (key instanceof RSAPublicKey rsa) {
                if (rsa.getModulus().bitLength() < 2048) {
                    throw new IllegalArgumentException("the JWT public key is RSA with "
                            + rsa.getModulus().bitLength() + " bits; RFC 7518 §3.3 wants at least 2048");
                }
                return new RSAKey.Builder(rsa).build();
            }
            ECPublicKey ec = (ECPublicKey) key;
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (curve == null) {
                throw new IllegalArgumentException("the JWT public key is on an EC curve JWS does not use; "
                        + "use P-256 (ES256), P-384 (ES384) or P-521 (ES512)");
            }
            return new ECKey.Builder(curve, ec).build();
        }
        throw new IllegalArgumentException("the JWT public key is neither an RSA nor an EC public key");
    }

    private static JWSAlgorithm ecAlgorithm(Curve curve) {
        if (Curve.P_256.equals(curve)) {
            return JWSAlgorithm.ES256;
        }
        if (Curve.P_384.equals(curve)) {
            return JWSAlgorithm.ES384;
        }
        if (Curve.P_521.equals(curve)) {
            return JWSAlgorithm.ES512;
        }
        throw new IllegalArgumentException("the JWT public key's curve " + curve + " has no JWS algorithm");
    }

    private static Set<JWSAlgorithm> union(Set<JWSAlgorithm> a, Set<JWSAlgorithm> b) {
        java.util.HashSet<JWSAlgorithm> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
