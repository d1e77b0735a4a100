package dev.eventsync.server.auth;

import static dev.eventsync.server.auth.JwtAuthenticatorTest.CLOCK;
import static dev.eventsync.server.auth.JwtAuthenticatorTest.NOW;
import static dev.eventsync.server.auth.JwtAuthenticatorTest.call;
import static dev.eventsync.server.auth.JwtAuthenticatorTest.mint;
import static dev.eventsync.server.auth.JwtAuthenticatorTest.pem;
import static dev.eventsync.server.auth.JwtAuthenticatorTest.refusal;
import static dev.eventsync.server.auth.JwtAuthenticatorTest.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
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
import dev.eventsync.spi.transport.AuthResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The second round of JWT fixes: with one configured key the token's {@code kid} does not matter (real identity
 * providers put one in every token); a secret allows only the HMAC algorithms its length is fit for; the allowance
 * ends at {@code exp} plus the skew; unsigned tokens, an empty {@code crit} and ill-typed store claims are refused
 * with a reason that says so. Tokens are minted by nimbus-jose-jwt.
 */
class JwtHeaderAndKeyTest {

    private static final byte[] SECRET32 = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    private record Case(String name, JwtSettings.Keys keys, JWSAlgorithm alg, JWSSigner signer) {
    }

    @Test
    void withOneConfiguredKeyTheKidDoesNotMatter() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        JwtSettings.Keys rsaPem = new JwtSettings.PublicKeyPem(pem(rsa.toRSAPublicKey()));
        byte[] secret64 = (new String(SECRET32, StandardCharsets.UTF_8) + new String(SECRET32, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        List<Case> cases = new java.util.ArrayList<>();
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
                JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512)) {
            cases.add(new Case(alg + " PEM", rsaPem, alg, new RSASSASigner(rsa)));
        }
        for (Curve curve : List.of(Curve.P_256, Curve.P_384, Curve.P_521)) {
            ECKey ec = new ECKeyGenerator(curve).generate();
            JWSAlgorithm alg = Curve.P_256.equals(curve) ? JWSAlgorithm.ES256
                    : Curve.P_384.equals(curve) ? JWSAlgorithm.ES384 : JWSAlgorithm.ES512;
            cases.add(new Case(alg + " PEM", new JwtSettings.PublicKeyPem(pem(ec.toECPublicKey())), alg, new ECDSASigner(ec)));
        }
        cases.add(new Case("HS256 secret", new JwtSettings.Secret(SECRET32), JWSAlgorithm.HS256, new MACSigner(SECRET32)));
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
            cases.add(new Case(alg + " 64-byte secret", new JwtSettings.Secret(secret64), alg, new MACSigner(secret64)));
        }
        for (Case c : cases) {
            JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.of(c.keys()), CLOCK);
            for (Optional<String> kid : List.of(Optional.<String>empty(), Optional.of("k1"), Optional.of(""),
                    Optional.of("some-other-key-id-2026"))) {
                JWSHeader.Builder header = new JWSHeader.Builder(c.alg());
                kid.ifPresent(header::keyID);
                AuthResult result = auth.authenticate(call("s", mint(c.signer(), header.build(), valid().build())));
                assertThat(result).as("%s, kid %s", c.name(), kid).isInstanceOf(AuthResult.Allowed.class);
            }
        }
    }

    @Test
    void aKidDoesNotMakeAWrongSignatureRight() throws Exception {
        RSAKey configured = new RSAKeyGenerator(2048).generate();
        RSAKey other = new RSAKeyGenerator(2048).keyID("k1").generate();
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.of(
                new JwtSettings.PublicKeyPem(pem(configured.toRSAPublicKey()))), CLOCK);
        String token = mint(new RSASSASigner(other), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                valid().build());
        assertThat(refusal(auth.authenticate(call("s", token)))).isEqualTo("the JWT signature is not valid");
        byte[] otherSecret = "another-secret-of-32-bytes-at-least!".getBytes(StandardCharsets.UTF_8);
        JwtAuthenticator hmac = new JwtAuthenticator(JwtSettings.of(new JwtSettings.Secret(SECRET32)), CLOCK);
        String forged = mint(new MACSigner(otherSecret), new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(),
                valid().build());
        assertThat(refusal(hmac.authenticate(call("s", forged)))).isEqualTo("the JWT signature is not valid");
    }

    @Test
    void aSecretAllowsOnlyTheHmacAlgorithmsItsLengthIsFitFor() throws Exception {
        byte[] secret48 = "0123456789abcdef0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        assertThat(JwtSettings.of(new JwtSettings.Secret(SECRET32)).describe()).isEqualTo("HS256 secret");
        assertThat(JwtSettings.of(new JwtSettings.Secret(secret48)).describe()).isEqualTo("HS256/HS384 secret");
        assertThat(JwtSettings.of(new JwtSettings.Secret((new String(secret48) + "0123456789abcdef").getBytes()))
                .describe()).isEqualTo("HS256/HS384/HS512 secret");
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.of(new JwtSettings.Secret(secret48)), CLOCK);
        // a token "signed" with HS512 over the 48-byte secret (the signer needs 64 bytes, so pad the secret: the
        // server must refuse on the algorithm before it looks at the signature)
        byte[] padded = java.util.Arrays.copyOf(secret48, 64);
        String hs512 = mint(new MACSigner(padded), new JWSHeader(JWSAlgorithm.HS512), valid().build());
        assertThat(refusal(auth.authenticate(call("s", hs512))))
                .isEqualTo("the JWT is signed with HS512, but this server accepts [HS256, HS384] for its shared secret "
                        + "of 48 bytes");
    }

    @Test
    void theAllowanceEndsAtExpPlusTheClockSkew() throws Exception {
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.of(new JwtSettings.Secret(SECRET32))
                .withClockSkew(Duration.ofSeconds(30)), CLOCK);
        String expiredTenSecondsAgo = mint(new MACSigner(SECRET32), new JWSHeader(JWSAlgorithm.HS256),
                new JWTClaimsSet.Builder().expirationTime(Date.from(NOW.minusSeconds(10))).build());
        AuthResult result = auth.authenticate(call("s", expiredTenSecondsAgo));
        assertThat(result).isInstanceOf(AuthResult.Allowed.class);
        assertThat(((AuthResult.Allowed) result).expiresAt()).contains(NOW.plusSeconds(20));
        String noExp = mint(new MACSigner(SECRET32), new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().build());
        assertThat(((AuthResult.Allowed) auth.authenticate(call("s", noExp))).expiresAt()).isEmpty();
    }

    @Test
    void theClockSkewIsBetweenZeroAndAnHour() {
        JwtSettings settings = JwtSettings.of(new JwtSettings.Secret(SECRET32));
        assertThat(settings.withClockSkew(Duration.ofHours(1)).clockSkew()).isEqualTo(Duration.ofHours(1));
        for (Duration bad : List.of(Duration.ofSeconds(-1), Duration.ofSeconds(3601), Duration.ofDays(365 * 100))) {
            assertThatThrownBy(() -> settings.withClockSkew(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("between 0 and 3600 seconds");
        }
    }

    private static String raw(String headerJson, String payloadJson, String signature) {
        return Base64URL.encode(headerJson) + "." + Base64URL.encode(payloadJson) + "." + signature;
    }

    @Test
    void unsignedTokensAreRefusedAsSuchInAnySpelling() {
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.of(new JwtSettings.Secret(SECRET32)), CLOCK);
        for (String alg : List.of("none", "None", "NONE", "nOnE", " none")) {
            for (String signature : List.of("", "c2lnbmF0dXJl")) {
                String token = raw("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}", "{\"sub\":\"mallory\"}", signature);
                assertThat(refusal(auth.authenticate(call("s", token)))).as("alg %s, signature '%s'", alg, signature)
                        .isEqualTo("unsigned JWT (alg none) refused: the token must be signed");
            }
        }
    }

    @Test
    void anEmptyOrNonEmptyCritIsRefused() throws Exception {
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.of(new JwtSettings.Secret(SECRET32)), CLOCK);
        // signed properly, so only the crit header can be the reason
        for (String crit : List.of("[]", "[\"exp\"]", "\"b64\"", "null")) {
            String header = "{\"alg\":\"HS256\",\"crit\":" + crit + "}";
            String payload = valid().build().toString();
            String signingInput = Base64URL.encode(header) + "." + Base64URL.encode(payload);
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(SECRET32, "HmacSHA256"));
            String token = signingInput + "." + Base64URL.encode(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
            String reason = refusal(auth.authenticate(call("s", token)));
            assertThat(reason).as("crit %s", crit).contains("crit");
            if (crit.equals("[]")) {
                assertThat(reason).isEqualTo("the JWT's crit header is an empty list, which RFC 7515 §4.1.11 forbids");
            }
        }
    }

    @Test
    void illTypedStoreClaimsAreNamed() throws Exception {
        JwtAuthenticator auth = new JwtAuthenticator(JwtSettings.of(new JwtSettings.Secret(SECRET32)), CLOCK);
        for (Object stores : List.of("s", 5, true, java.util.Map.of("s", 1), List.of(1, 2), java.util.Arrays.asList("s", null))) {
            String token = mint(new MACSigner(SECRET32), new JWSHeader(JWSAlgorithm.HS256), valid().claim("stores", stores).build());
            assertThat(refusal(auth.authenticate(call("s", token)))).as("stores %s", stores)
                    .startsWith("the JWT's 'stores' claim must be an array of store id strings, got ");
        }
        for (Object storeId : List.of(5, List.of("s"), false)) {
            String token = mint(new MACSigner(SECRET32), new JWSHeader(JWSAlgorithm.HS256), valid().claim("storeId", storeId).build());
            assertThat(refusal(auth.authenticate(call("s", token)))).as("storeId %s", storeId)
                    .startsWith("the JWT's 'storeId' claim must be a string (one store id), got ");
        }
        String fine = mint(new MACSigner(SECRET32), new JWSHeader(JWSAlgorithm.HS256),
                valid().claim("stores", List.of("a", "s")).claim("storeId", "s").build());
        assertThat(auth.authenticate(call("s", fine))).isInstanceOf(AuthResult.Allowed.class);
        String other = mint(new MACSigner(SECRET32), new JWSHeader(JWSAlgorithm.HS256),
                valid().claim("stores", List.of("a")).build());
        assertThat(refusal(auth.authenticate(call("s", other)))).isEqualTo("the JWT does not grant access to store 's'");
    }
}
