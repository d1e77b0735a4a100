package dev.eventsync.server.cli;

import dev.eventsync.api.StoreId;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The few calls {@code certify} makes to an Eventsync server's admin API (docs/admin.md): reset a store
 * ({@code POST /admin/api/stores/{id}/reset}) and delete one ({@code DELETE /admin/api/stores/{id}}), each
 * with {@code Authorization: Bearer <admin token>}. The admin API listens on the sync port over HTTP.
 */
final class AdminApi {

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** The admin API of the server whose sync URL is {@code syncUrl} (ws:// or http://, any path). */
    AdminApi(URI syncUrl, String token) {
        String scheme = switch (syncUrl.getScheme()) {
            case "wss", "https" -> "https";
            default -> "http";
        };
        this.base = URI.create(scheme + "://" + syncUrl.getRawAuthority() + "/admin/api/stores/");
        this.token = token;
    }

    /** Resets {@code store}: no events, a new backendId. */
    void reset(StoreId store) {
        call("POST", store, "/reset");
    }

    /** Deletes {@code store}; true when the server answered 2xx. */
    boolean delete(StoreId store) {
        return call("DELETE", store, "") / 100 == 2;
    }

    private int call(String method, StoreId store, String suffix) {
        URI uri = base.resolve(URLEncoder.encode(store.value(), StandardCharsets.UTF_8) + suffix);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2 && !method.equals("DELETE")) {
                throw new IllegalStateException(method + " " + uri + " answered " + response.statusCode() + ": "
                        + response.body().strip());
            }
            return response.statusCode();
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + uri + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + uri + " was interrupted", e);
        }
    }
}
