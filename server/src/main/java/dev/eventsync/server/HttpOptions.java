package dev.eventsync.server;

import dev.eventsync.vertx.CorsOrigins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the server faces browsers and operators over HTTP: CORS, TLS and the admin API.
 *
 * @param corsOrigins origins (such as {@code https://app.example.com}) whose pages may call the HTTP transport,
 *                    or {@code *} for any, normalised as browsers send them (lower case, no default port, no
 *                    trailing slash); empty: no CORS headers (same-origin and non-browser clients only)
 * @param tlsCert     a PEM certificate chain; with {@code tlsKey}, the server speaks only {@code https://} and
 *                    {@code wss://}
 * @param tlsKey      the PEM private key of {@code tlsCert} (PKCS#8 or PKCS#1, unencrypted)
 * @param adminToken  enables the admin API and web inspector under {@code /admin}; requests must send it as
 *                    {@code Authorization: Bearer <token>}. At least 16 characters
 */
public record HttpOptions(List<String> corsOrigins, Optional<Path> tlsCert, Optional<Path> tlsKey,
                          Optional<String> adminToken) {

    /** The shortest admin token accepted. */
    public static final int MIN_ADMIN_TOKEN_LENGTH = 16;

    public HttpOptions {
        // as browsers send them: https://App.example.com:443/ is https://app.example.com
        corsOrigins = corsOrigins.stream().map(HttpOptions::normaliseOrigin).distinct().toList();
        Objects.requireNonNull(tlsCert, "tlsCert");
        Objects.requireNonNull(tlsKey, "tlsKey");
        Objects.requireNonNull(adminToken, "adminToken");
        if (corsOrigins.contains("*") && corsOrigins.size() > 1) {
            throw new ConfigurationException("--cors-origins: '*' allows every origin; give it alone, not with "
                    + "other origins");
        }
        if (tlsCert.isPresent() != tlsKey.isPresent()) {
            throw new ConfigurationException("TLS needs both --tls-cert and --tls-key (PEM files)");
        }
        tlsCert.ifPresent(p -> checkReadable("--tls-cert", p));
        tlsKey.ifPresent(p -> checkReadable("--tls-key", p));
        if (adminToken.isPresent() && adminToken.get().strip().length() < MIN_ADMIN_TOKEN_LENGTH) {
            throw new ConfigurationException("--admin-token must have at least " + MIN_ADMIN_TOKEN_LENGTH
                    + " characters (it guards deleting stores); generate one with `openssl rand -hex 24`");
        }
    }

    /** No CORS, no TLS, no admin API. */
    public static HttpOptions defaults() {
        return new HttpOptions(List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public HttpOptions withCorsOrigins(List<String> value) {
        return new HttpOptions(value, tlsCert, tlsKey, adminToken);
    }

    public HttpOptions withTls(Path cert, Path key) {
        return new HttpOptions(corsOrigins, Optional.of(cert), Optional.of(key), adminToken);
    }

    public HttpOptions withAdminToken(String value) {
        return new HttpOptions(corsOrigins, tlsCert, tlsKey, Optional.of(value));
    }

    /** {@code https} with TLS, else {@code http}. */
    public String httpScheme() {
        return tlsCert.isPresent() ? "https" : "http";
    }

    /** {@code wss} with TLS, else {@code ws}. */
    public String wsScheme() {
        return tlsCert.isPresent() ? "wss" : "ws";
    }

    /** {@code origin} as browsers send it ({@link CorsOrigins#normalise(String)}); else one line. */
    private static String normaliseOrigin(String origin) {
        try {
            return CorsOrigins.normalise(origin);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("--cors-origins: " + e.getMessage());
        }
    }

    private static void checkReadable(String option, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigurationException(option + ": cannot read " + file.toAbsolutePath()
                    + " (a PEM file is expected)");
        }
    }
}
