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
        if (host.startsWith("[")) {
            Optional<String> literal = ipv6(host.substring(1, host.length() - 1));
            if (literal.isEmpty()) {
                return Optional.empty();
            }
            host = "[" + literal.get() + "]";
        }
        return Optional.of(scheme + "://" + host + (port < 0 || port == defaultPort ? "" : ":" + port));
    }

    /**
     * An IPv6 literal (without brackets) in the form browsers serialise it (the WHATWG URL standard, as RFC 5952):
     * lower-case hex pieces without leading zeros, the first longest run of two or more zero pieces as {@code ::},
     * an embedded IPv4 address as two hex pieces ({@code ::ffff:1.2.3.4} is {@code ::ffff:102:304}); empty when
     * it is not one (a zone id included).
     */
    static Optional<String> ipv6(String literal) {
        if (literal.isEmpty() || literal.indexOf('%') >= 0 || !literal.matches("[0-9a-fA-F:.]+")) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            // a literal: no name lookup happens
            java.net.InetAddress address = java.net.InetAddress.getByName("[" + literal + "]");
            bytes = address.getAddress();
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();
        }
        int[] pieces = new int[8];
        if (bytes.length == 4) { // an IPv4-mapped literal, which Java hands back as IPv4
            pieces[5] = 0xffff;
            pieces[6] = (bytes[0] & 0xff) << 8 | (bytes[1] & 0xff);
            pieces[7] = (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
        } else {
            for (int i = 0; i < 8; i++) {
                pieces[i] = (bytes[2 * i] & 0xff) << 8 | (bytes[2 * i + 1] & 0xff);
            }
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && pieces[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(pieces[i]));
        }
        return Optional.of(out.toString());
    }
}
