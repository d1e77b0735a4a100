package dev.eventsync.server.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin API's shared secret ({@code --admin-token}). Only its SHA-256 digest is kept, and a presented token
 * is compared digest to digest with {@link MessageDigest#isEqual}, whose time does not depend on where the
 * inputs differ nor, since digests have one length, on the presented token's length.
 */
public final class AdminToken {

    private final byte[] digest;

    public AdminToken(String token) {
        Objects.requireNonNull(token, "token");
        if (token.isBlank()) {
            throw new IllegalArgumentException("the admin token is blank");
        }
        this.digest = sha256(token);
    }

    /** Whether {@code authorization} (an HTTP {@code Authorization} header value) is {@code Bearer <token>}. */
    public boolean acceptsHeader(Optional<String> authorization) {
        String presented = authorization.map(String::strip)
                .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(v -> v.substring(7).strip())
                .orElse("");
        // compare even when nothing usable was sent, so that both paths take the same time
        return MessageDigest.isEqual(digest, sha256(presented)) && !presented.isEmpty();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
