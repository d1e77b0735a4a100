package dev.eventsync.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.eventsync.api.StoreId;
import dev.eventsync.spi.transport.AuthResult;
import dev.eventsync.spi.transport.CallContext;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link JwtAuthenticator} against tokens minted by nimbus-jose-jwt (never by our own code) and the fixed
 * example tokens of RFC 7515 appendix A.1 (HS256) and A.3 (ES256).
 */
class JwtAuthenticatorTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";

    static CallContext call(String store, String token) {
        return new CallContext(StoreId.of(store), Optional.of("{\"authToken\":\"" + token + "\"}"), Map.of(),
                Optional.empty(), "ws", Optional.empty());
    }

    static String mint(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    static JWTClaimsSet.Builder valid() {
        return new JWTClaimsSet.Builder().subject("alice").expirationTime(Date.from(NOW.plusSeconds(600)));
    }

    static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    static String refusal(AuthResult result) {
        assertThat(result).isInstanceOf(AuthResult.Denied.class);
        return ((AuthResult.Denied) result).reason();
    }

    // ---------------------------------------------------------------- HMAC

    @Test
    void hs256Hs384AndHs512TokensAreAcceptedWhenTheSecretIsLongEnough() throws Exception {
        byte[] secret64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".getBytes();
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.of(new JwtSettings.Secret(secret64)), CLOCK);
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
            String token = mint(new MACSigner(secret64), new JWSHeader(alg), valid().build());
            assertThat(auth.authenticate(call("s", token))).as(alg.getName())
                    .isEqualTo(new AuthResult.Allowed(Optional.of("alice"), Optional.of(NOW.plusSeconds(600 + 30))));
        }
        JwtAuthenticator short32 = new JwtAuthenticator(JwtSettings.secret(SECRET.substring(0, 32)), CLOCK);
        String hs512 = mint(new MACSigner(secret64), new JWSHeader(JWSAlgorithm.HS512), valid().build());
        assertThat(refusal(short32.authenticate(call("s", hs512))))
                .isEqualTo("the JWT is signed with HS512, but this server accepts [HS256] for its shared secret of 32 bytes");
    }

    @Test
    void rfc7515AppendixA1Hs256ExampleVerifiesAndItsExpPlusTheSkewIsTheAllowancesEnd() {
        String token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
                + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        byte[] key = new Base64URL("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")
                .decode();
        Instant exp = Instant.ofEpochSecond(1300819380);
        JwtSettings settings = JwtSettings.of(new JwtSettings.Secret(key)).withIssuer("joe");
        JwtAuthenticator before = new JwtAuthenticator(settings, Clock.fixed(exp.minusSeconds(60), ZoneOffset.UTC));
        assertThat(before.authenticate(call("s", token)))
                .isEqualTo(new AuthResult.Allowed(Optional.empty(), Optional.of(exp.plusSeconds(30)))); // exp + skew
        JwtAuthenticator after = new JwtAuthenticator(settings, Clock.fixed(exp.plusSeconds(31), ZoneOffset.UTC));
        assertThat(refusal(after.authenticate(call("s", token)))).isEqualTo("the JWT expired at 2011-03-22T18:43:00Z; get a new token");
        JwtAuthenticator withinSkew = new JwtAuthenticator(settings, Clock.fixed(exp.plusSeconds(29), ZoneOffset.UTC));
        assertThat(withinSkew.authenticate(call("s", token))).isInstanceOf(AuthResult.Allowed.class);
        String tampered = token.substring(0, token.length() - 1) + "Y";
        assertThat(refusal(before.authenticate(call("s", tampered)))).isEqualTo("the JWT signature is not valid");
    }

    @Test
    void aWrongSecretAnUnsignedTokenAndGarbageAreRefusedWithTheirReason() throws Exception {
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.secret(SECRET), CLOCK);
        String other = mint(new MACSigner("another-secret-another-secret-xx-yy".getBytes()),
                new JWSHeader(JWSAlgorithm.HS256), valid().build());
        assertThat(refusal(auth.authenticate(call("s", other)))).isEqualTo("the JWT signature is not valid");
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes()) + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString("{\"sub\":\"x\"}".getBytes()) + ".";
        assertThat(refusal(auth.authenticate(call("s", none)))).isEqualTo("unsigned JWT (alg none) refused: the token must be signed");
        assertThat(refusal(auth.authenticate(call("s", "not.a.jwt")))).startsWith("the auth token is not a well-formed");
        assertThat(refusal(auth.authenticate(new CallContext(StoreId.of("s"), Optional.empty(), Map.of(),
                Optional.empty(), "ws", Optional.empty())))).startsWith("no auth token");
    }

    // ---------------------------------------------------------------- public keys

    @Test
    void rs256WithAPemPublicKeyAndTheAlgorithmConfusionAttackIsRefused() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.of(new JwtSettings.PublicKeyPem(pem(rsa.toPublicKey()))),
                CLOCK);
        String token = mint(new RSASSASigner(rsa), new JWSHeader(JWSAlgorithm.RS256), valid().build());
        assertThat(auth.authenticate(call("s", token))).isInstanceOf(AuthResult.Allowed.class);
        RSAKey otherKey = new RSAKeyGenerator(2048).generate();
        String forged = mint(new RSASSASigner(otherKey), new JWSHeader(JWSAlgorithm.RS256), valid().build());
        assertThat(refusal(auth.authenticate(call("s", forged)))).isEqualTo("the JWT signature is not valid");
        // HS256 "signed" with the public key's bytes must not pass for an RSA key
        String confused = mint(new MACSigner(rsa.toPublicKey().getEncoded()), new JWSHeader(JWSAlgorithm.HS256),
                valid().build());
        assertThat(refusal(auth.authenticate(call("s", confused)))).contains("signed with HS256")
                .contains("RS256").contains("public key");
    }

    @Test
    void es256WithAPemPublicKey() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.of(new JwtSettings.PublicKeyPem(pem(ec.toPublicKey()))),
                CLOCK);
        String token = mint(new ECDSASigner(ec), new JWSHeader(JWSAlgorithm.ES256), valid().build());
        assertThat(auth.authenticate(call("s", token))).isInstanceOf(AuthResult.Allowed.class);
    }

    @Test
    void rfc7515AppendixA3Es256ExampleVerifiesWithItsKeyAsPem() throws Exception {
        ECKey jwk = new ECKey.Builder(Curve.P_256, new Base64URL("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"),
                new Base64URL("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")).build();
        String token = "eyJhbGciOiJFUzI1NiJ9"
                + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.of(new JwtSettings.PublicKeyPem(pem(jwk.toPublicKey()))),
                Clock.fixed(Instant.ofEpochSecond(1300819000), ZoneOffset.UTC));
        assertThat(auth.authenticate(call("s", token))).isInstanceOf(AuthResult.Allowed.class);
        String tampered = token.substring(0, token.length() - 1) + "A";
        assertThat(refusal(auth.authenticate(call("s", tampered)))).isEqualTo("the JWT signature is not valid");
    }

    @Test
    void badPublicKeysFailAtConstruction() throws Exception {
        assertThatThrownBy(() -> new JwtAuthenticator(JwtSettings.of(new JwtSettings.PublicKeyPem("not pem"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BEGIN PUBLIC KEY");
        RSAKey small = new RSAKeyGenerator(1024, true).generate();
        assertThatThrownBy(() -> new JwtAuthenticator(JwtSettings.of(new JwtSettings.PublicKeyPem(pem(small.toPublicKey())))))
                .hasMessageContaining("at least 2048");
        assertThatThrownBy(() -> JwtSettings.secret("short")).hasMessageContaining("32 bytes");
    }

    // ---------------------------------------------------------------- claims

    @Test
    void critHeaderParametersAreRefused() throws Exception {
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.secret(SECRET), CLOCK);
        JWSHeader crit = new JWSHeader.Builder(JWSAlgorithm.HS256).criticalParams(Set.of("exp-v2"))
                .customParam("exp-v2", 1).build();
        String token = mint(new MACSigner(SECRET.getBytes()), crit, valid().build());
        assertThat(refusal(auth.authenticate(call("s", token)))).contains("[exp-v2]").contains("critical")
                .contains("RFC 7515");
    }

    @Test
    void expNbfAndIatMustBeNumericDates() throws Exception {
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.secret(SECRET), CLOCK);
        MACSigner signer = new MACSigner(SECRET.getBytes());
        JWSHeader header = new JWSHeader(JWSAlgorithm.HS256);
        for (String claims : List.of("{\"exp\":\"1767225600\"}", "{\"exp\":1e300}", "{\"nbf\":true}",
                "{\"iat\":-5}", "{\"exp\":null}")) {
            String token = signed(header, claims, signer);
            assertThat(refusal(auth.authenticate(call("s", token)))).as(claims).contains("claim")
                    .contains("RFC 7519 §2");
        }
        String fractional = signed(header, "{\"exp\":" + (NOW.getEpochSecond() + 60) + ".5}", signer);
        assertThat(auth.authenticate(call("s", fractional)))
                .isEqualTo(new AuthResult.Allowed(Optional.empty(), Optional.of(NOW.plusSeconds(60 + 30).plusMillis(500))));
        String notYet = mint(signer, header, valid().notBeforeTime(Date.from(NOW.plusSeconds(120))).build());
        assertThat(refusal(auth.authenticate(call("s", notYet)))).isEqualTo("the JWT is not valid before "
                + NOW.plusSeconds(120));
        String skewedNbf = mint(signer, header, valid().notBeforeTime(Date.from(NOW.plusSeconds(20))).build());
        assertThat(auth.authenticate(call("s", skewedNbf))).isInstanceOf(AuthResult.Allowed.class);
        JwtAuthenticator noSkew = new JwtAuthenticator(JwtSettings.secret(SECRET).withClockSkew(Duration.ZERO), CLOCK);
        assertThat(refusal(noSkew.authenticate(call("s", skewedNbf)))).startsWith("the JWT is not valid before");
    }

    /** A token with exactly {@code claimsJson} as its payload, signed by nimbus. */
    static String signed(JWSHeader header, String claimsJson, JWSSigner signer) throws Exception {
        com.nimbusds.jose.JWSObject jws = new com.nimbusds.jose.JWSObject(header, new Payload(claimsJson));
        jws.sign(signer);
        return jws.serialize();
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() throws Exception {
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.secret(SECRET).withIssuer("https://id.example")
                .withAudience("eventsync"), CLOCK);
        MACSigner signer = new MACSigner(SECRET.getBytes());
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build();
        String good = mint(signer, header, valid().issuer("https://id.example").audience(List.of("other", "eventsync"))
                .build());
        assertThat(auth.authenticate(call("s", good))).isInstanceOf(AuthResult.Allowed.class);
        String otherIssuer = mint(signer, header, valid().issuer("https://evil.example").audience("eventsync").build());
        assertThat(refusal(auth.authenticate(call("s", otherIssuer)))).contains("issued by the string 'https://evil.example'")
                .contains("'https://id.example' only");
        String otherAudience = mint(signer, header, valid().issuer("https://id.example").audience("billing").build());
        assertThat(refusal(auth.authenticate(call("s", otherAudience)))).contains("audience").contains("'eventsync'");
        String noIssuer = mint(signer, header, valid().audience("eventsync").build());
        assertThat(refusal(auth.authenticate(call("s", noIssuer)))).contains("issued by nothing");
    }

    @Test
    void storeClaimsLimitTheCallerToTheirStores() throws Exception {
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.secret(SECRET), CLOCK);
        MACSigner signer = new MACSigner(SECRET.getBytes());
        JWSHeader header = new JWSHeader(JWSAlgorithm.HS256);
        String one = mint(signer, header, valid().claim("storeId", "todos").build());
        assertThat(auth.authenticate(call("todos", one))).isInstanceOf(AuthResult.Allowed.class);
        assertThat(refusal(auth.authenticate(call("notes", one)))).isEqualTo("the JWT does not grant access to store 'notes'");
        String some = mint(signer, header, valid().claim("stores", List.of("a", "b")).build());
        assertThat(auth.authenticate(call("b", some))).isInstanceOf(AuthResult.Allowed.class);
        assertThat(refusal(auth.authenticate(call("c", some)))).contains("store 'c'");
        String bearer = mint(signer, header, valid().build());
        assertThat(auth.authenticate(new CallContext(StoreId.of("s"), Optional.empty(),
                Map.of("Authorization", List.of("Bearer " + bearer)), Optional.empty(), "http", Optional.empty())))
                .isInstanceOf(AuthResult.Allowed.class);
    }
}
