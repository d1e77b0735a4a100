package dev.eventsync.vertx.client;

import dev.eventsync.vertx.VertxClientSettings;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The request URL a LiveStore client would use: the base URL plus {@code ?storeId=..[&payload=..]&transport=..},
 * with the payload percent-encoded twice ({@code encodeURIComponent}, then form encoding), exactly like sync-cf.
 */
final class ClientUrls {

    private ClientUrls() {
    }

    static String syncUrl(VertxClientSettings settings, boolean webSocket) {
        URI url = settings.url();
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        boolean secure = scheme.equals("wss") || scheme.equals("https");
        String newScheme = webSocket ? (secure ? "wss" : "ws") : (secure ? "https" : "http");
        StringBuilder query = new StringBuilder();
        if (url.getRawQuery() != null && !url.getRawQuery().isEmpty()) {
            query.append(url.getRawQuery()).append('&');
        }
        query.append("storeId=").append(form(settings.storeId().value()));
        settings.payload().ifPresent(p -> query.append("&payload=").append(form(encodeUriComponent(p))));
        query.append("&transport=").append(webSocket ? "ws" : "http");
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return newScheme + "://" + url.getRawAuthority() + path + "?" + query;
    }

    private static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** JavaScript's {@code encodeURIComponent}. */
    static String encodeUriComponent(String s) {
        StringBuilder out = new StringBuilder(s.length() * 2);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-_.!~*'()".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
