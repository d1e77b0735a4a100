package dev.eventsync.vertx.server;

import dev.eventsync.vertx.CorsOrigins;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * CORS for browser apps that use LiveStore's HTTP transport from another origin (preflight included).
 *
 * <ul>
 *   <li>An allowed origin (or any, with {@code *}) gets the CORS headers on every endpoint, preflights answered.
 *       Exact origins are echoed and may send credentials ({@code Access-Control-Allow-Credentials: true});
 *       {@code *} answers the wildcard and never allows credentials, as browsers require (Fetch standard).</li>
 *   <li>Only a cross-origin request of the HTTP transport (a sync request that no contributed route claimed) from
 *       an origin that is not allowed is refused, with {@code 403}. Other endpoints (health, metrics, the admin
 *       API) answer it without CORS headers, so the browser keeps the answer from the page.</li>
 *   <li>Never refused and left without CORS headers: requests without {@code Origin}, WebSocket upgrades (a
 *       WebSocket is not subject to CORS), and same-origin requests, whose {@code Origin} is the server's own:
 *       the server's scheme (or {@code X-Forwarded-Proto} from a TLS-terminating proxy) with the request's
 *       {@code Host}, default ports dropped on both sides.</li>
 * </ul>
 * With exact origins every response says {@code Vary: Origin}, since it depends on the request's {@code Origin}.
 */
final class CorsPolicy {

    private final List<String> origins;
    private final boolean any;
    private final String scheme;
    private final CorsHandler handler;

    /**
     * @param origins normalised origins ({@link CorsOrigins#normalise(String)}) or {@code *} alone; not empty
     * @param tls     whether the server speaks {@code https}
     */
    CorsPolicy(List<String> origins, boolean tls) {
        this.origins = List.copyOf(origins);
        this.any = origins.contains("*");
        this.scheme = tls ? "https" : "http";
        CorsHandler cors = CorsHandler.create();
        if (any) {
            cors.addOrigin("*");
        } else {
            cors.addOrigins(this.origins).allowCredentials(true);
        }
        this.handler = cors.allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE,
                        HttpMethod.OPTIONS))
                .allowedHeaders(Set.of("content-type", "x-livestore-store-id", "traceparent", "b3", "authorization"))
                .maxAgeSeconds(600);
    }

    /** Mounts the headers for allowed origins (and {@code Vary}); before every other route. */
    void mountHeaders(Router router) {
        if (!any) {
            // an exact-origin answer depends on the request's Origin (echoed, or left out for a foreign one):
            // caches must keep one copy per Origin, on every response (preflight, answer, refusal, error)
            router.route().handler(ctx -> {
                ctx.addHeadersEndHandler(v -> varyByOrigin(ctx.response()));
                ctx.next();
            });
        }
        router.route().handler(ctx -> {
            String origin = crossOrigin(ctx.request());
            if (origin != null && allowed(origin)) {
                handler.handle(ctx);
            } else {
                ctx.next();
            }
        });
    }

    /** Mounts the refusal of foreign origins on the HTTP transport; after the contributed routes. */
    void mountRefusal(Router router) {
        router.route().handler(ctx -> {
            HttpServerRequest request = ctx.request();
            String origin = crossOrigin(request);
            if (origin == null || allowed(origin) || !isSyncRequest(request)) {
                ctx.next();
                return;
            }
            SyncHttpServer.plain(request.response(), 403, "CORS: origin " + origin + " may not use the HTTP "
                    + "transport of this server (it is not an allowed origin); WebSockets are not subject to CORS");
        });
    }

    /** The request's {@code Origin} if it is a cross-origin HTTP request; null otherwise. */
    private String crossOrigin(HttpServerRequest request) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null || "websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))
                || sameOrigin(request, origin)) {
            return null;
        }
        return origin;
    }

    private boolean allowed(String origin) {
        return any || origins.contains(origin);
    }

    /** Whether {@code origin} is the origin the request was sent to (its scheme and {@code Host}). */
    private boolean sameOrigin(HttpServerRequest request, String origin) {
        String host = request.getHeader(HttpHeaders.HOST);
        Optional<String> sent = CorsOrigins.parse(origin);
        if (host == null || host.isBlank() || sent.isEmpty()) {
            return false;
        }
        String forwarded = request.getHeader("X-Forwarded-Proto");
        String proxied = forwarded == null ? null : forwarded.split(",")[0].strip().toLowerCase(Locale.ROOT);
        return sent.equals(CorsOrigins.parse(scheme + "://" + host.strip()))
                || (("http".equals(proxied) || "https".equals(proxied))
                && sent.equals(CorsOrigins.parse(proxied + "://" + host.strip())));
    }

    private static boolean isSyncRequest(HttpServerRequest request) {
        MultiMap params;
        try {
            params = request.params();
        } catch (RuntimeException e) {
            return false; // a malformed query: the sync route answers 400
        }
        return SyncTarget.isSyncRequest(params);
    }

    /** Adds {@code Origin} to the response's {@code Vary} header, keeping what is there. */
    static void varyByOrigin(HttpServerResponse response) {
        String vary = response.headers().get(HttpHeaders.VARY);
        if (vary == null || vary.isBlank()) {
            response.putHeader(HttpHeaders.VARY, "Origin");
        } else if (Arrays.stream(vary.split(",")).map(String::strip)
                .noneMatch(v -> v.equalsIgnoreCase("Origin") || v.equals("*"))) {
            response.putHeader(HttpHeaders.VARY, vary + ", Origin");
        }
    }
}
