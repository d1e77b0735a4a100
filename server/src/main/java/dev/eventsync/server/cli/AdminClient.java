package dev.eventsync.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.json.ProtocolJson;
import dev.eventsync.server.ConfigurationException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The CLI's client of a running server's admin API (docs/admin.md): {@code stores}, {@code inspect} and
 * {@code delete-store} use it when given {@code --url} and an admin token. Failures become one-line
 * {@link ConfigurationException}s (exit code 2) that say what to fix.
 */
final class AdminClient {

    /** Receives a tail's server-sent events; returns false to stop reading. */
    interface TailListener {
        boolean on(String event, JsonNode data);
    }

    private final URI base;
    private final String token;
    private final HttpClient http;

    /**
     * @param url   the server ({@code http(s)://} or {@code ws(s)://}, any path)
     * @param token its admin token
     * @param tls   the certificates to trust over {@code https://} (empty: the runtime's trusted CAs)
     */
    AdminClient(URI url, String token, Optional<SSLContext> tls) {
        if (token == null || token.isBlank()) {
            throw new ConfigurationException("the admin API needs the server's admin token: give --admin-token "
                    + "(or set EVENTSYNC_ADMIN_TOKEN)");
        }
        this.base = httpBase(url);
        this.token = token;
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        tls.ifPresent(http::sslContext);
        this.http = http.build();
    }

    /** {@code ws://h:p/x} and {@code http://h:p/x} alike become {@code http://h:p}; {@code wss}/{@code https} stay TLS. */
    static URI httpBase(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        String http = switch (scheme) {
            case "ws", "http" -> "http";
            case "wss", "https" -> "https";
            default -> throw new ConfigurationException("--url must be http://, https://, ws:// or wss://host:port, got "
                    + url);
        };
        if (url.getHost() == null) {
            throw new ConfigurationException("--url has no host: " + url + "; for example --url http://127.0.0.1:8787");
        }
        return URI.create(http + "://" + url.getRawAuthority());
    }

    JsonNode stores() {
        return call("GET", "/admin/api/stores");
    }

    /** One store with its clients; a store that does not exist is a {@link ConfigurationException}. */
    JsonNode store(StoreId storeId) {
        return call("GET", "/admin/api/store?storeId=" + encode(storeId));
    }

    /** Deletes a store: true when it was deleted, false when it did not exist (and nothing changed). */
    boolean delete(StoreId storeId) {
        HttpRequest request = request("DELETE", "/admin/api/store?storeId=" + encode(storeId))
                .timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404 && isNoSuchStore(response.body())) {
            return false;
        }
        if (response.statusCode() != 200) {
            throw failure(request, response.statusCode(), response.body());
        }
        return true;
    }

    /** Resets a store (no events, a new backendId); a store that does not exist is a {@link ConfigurationException}. */
    JsonNode reset(StoreId storeId) {
        return call("POST", "/admin/api/store/reset?storeId=" + encode(storeId));
    }

    /** Reads the tail of {@code storeId} after {@code after} until the listener says stop or the server ends it. */
    void tail(StoreId storeId, long after, TailListener listener) {
        HttpRequest request = request("GET", "/admin/api/store/tail?storeId=" + encode(storeId) + "&after=" + after)
                .timeout(Duration.ofDays(365)).build();
        HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw failure(request, response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            String event = "message";
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    if (!listener.on(event, ProtocolJson.readTree(line.substring(6)))) {
                        return;
                    }
                } else if (line.isEmpty()) {
                    event = "message";
                }
            }
        } catch (IOException e) {
            throw new ConfigurationException("the tail of '" + storeId + "' at " + base + " broke off: " + e.getMessage(), e);
        }
    }

    private JsonNode call(String method, String path) {
        HttpRequest request = request(method, path).timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw failure(request, response.statusCode(), response.body());
        }
        try {
            return ProtocolJson.readTree(response.body());
        } catch (IOException e) {
            throw new ConfigurationException(method + " " + request.uri() + " answered something that is not JSON: "
                    + e.getMessage(), e);
        }
    }

    private HttpRequest.Builder request(String method, String path) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody());
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new ConfigurationException("cannot connect to " + base + ": is the server running there?", e);
        } catch (javax.net.ssl.SSLException e) {
            throw new ConfigurationException(TlsCheck.explain(base, e), e);
        } catch (IOException e) {
            throw new ConfigurationException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigurationException("interrupted", e);
        }
    }

    /** Whether {@code body} is the admin API's answer for a store that does not exist. */
    private static boolean isNoSuchStore(String body) {
        try {
            JsonNode error = ProtocolJson.readTree(body);
            return error.path("error").asText().equals("not_found") && error.path("message").asText().startsWith("no store");
        } catch (IOException e) {
            return false; // not the admin API's JSON (a server without --admin-token, a proxy)
        }
    }

    private ConfigurationException failure(HttpRequest request, int status, String body) {
        String message;
        try {
            message = ProtocolJson.readTree(body).path("message").asText(body);
        } catch (IOException e) {
            message = body;
        }
        String hint = switch (status) {
            case 401 -> " (check --admin-token)";
            case 404 -> message.startsWith("no store") ? " at " + base
                    : " (is the admin API enabled? start the server with --admin-token)";
            default -> "";
        };
        String line = request.method() + " " + request.uri().getPath() + ": HTTP " + status + ": " + message.strip()
                + hint;
        return new ConfigurationException(line);
    }

    /**
     * {@code storeId} for the query: every character but letters and digits percent-encoded, so that no client,
     * proxy or server reads it as anything but the id (the admin API takes store ids only in the query).
     */
    static String encode(StoreId storeId) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : storeId.value().getBytes(StandardCharsets.UTF_8)) {
            if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')) {
                encoded.append((char) b);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return encoded.toString();
    }

}
