package dev.eventsync.vertx;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Web origins as browsers send them in the {@code Origin} header: {@code scheme://host[:port]}, scheme and host in
 * lower case, no path, and no port when it is the scheme's default (80 for {@code http}, 443 for {@code https}).
 * Configured origins are brought to this form, so {@code https://App.example.com:443/} matches what a browser
 * sends for that page ({@code https://app.example.com}).
 */
public final class CorsOrigins {

    private CorsOrigins() {
    }

    /**
     * {@code origin} in the form browsers send it; {@code *} stays {@code *}.
     *
     * @throws IllegalArgumentException when {@code origin} is not an {@code http} or {@code https} origin (a path,
     *                                  query, fragment or user info, another scheme, no host, a port outside
     *                                  1..65535); the message names it and shows what is expected
     */
    public static String normalise(String origin) {
        if ("*".equals(origin)) {
            return origin;
        }
        return parse(origin).orElseThrow(() -> new IllegalArgumentException("'" + origin + "' is not an origin; "
                + "give scheme, host and optional port without a path, such as https://app.example.com or "
                + "http://localhost:5173, or * for any"));
    }

    /** {@code origin} normalised as {@link #normalise(String)} does; empty for anything that is not an origin. */
    public static Optional<String> parse(String origin) {
        if (origin == null || origin.isBlank()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(origin.strip());
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean web = scheme.equals("http") || scheme.equals("https");
        String path = uri.getRawPath();
        if (!web || uri.getHost() == null || (path != null && !path.isEmpty() && !path.equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null
                || uri.getPort() == 0 || uri.getPort() > 65535) {
            return Optional.empty();
        }
        int defaultPort = scheme.equals("https") ? 443 : 80;
        int port = uri.getPort();
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return Optional.of(scheme + "://" + host + (port < 0 || port == defaultPort ? "" : ":" + port));
    }
}
