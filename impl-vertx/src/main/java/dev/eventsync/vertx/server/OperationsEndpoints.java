package dev.eventsync.vertx.server;

import dev.eventsync.vertx.VertxSettings;
import dev.eventsync.vertx.dispatch.TransportMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The operations endpoints next to the sync endpoints: {@code GET /health} (and {@code /health/ready}: storage
 * included, answered within the health timeout), {@code GET /health/live}, and {@code GET /metrics} (Prometheus
 * text, behind a bearer token when configured or when clients must authenticate).
 */
final class OperationsEndpoints {

    private final VertxSettings settings;
    private final PrometheusMeterRegistry registry;
    private final TransportMetrics metrics;
    private final HealthCheck healthCheck;
    private final IntSupplier webSocketConnections;
    private final BooleanSupplier stopping;

    OperationsEndpoints(VertxSettings settings, PrometheusMeterRegistry registry, TransportMetrics metrics,
                        HealthCheck healthCheck, IntSupplier webSocketConnections, BooleanSupplier stopping) {
        this.settings = settings;
        this.registry = registry;
        this.metrics = metrics;
        this.healthCheck = healthCheck;
        this.webSocketConnections = webSocketConnections;
        this.stopping = stopping;
    }

    void mount(Router router) {
        router.get("/health").handler(ctx -> health(ctx, true));
        router.get("/health/ready").handler(ctx -> health(ctx, true));
        router.get("/health/live").handler(ctx -> health(ctx, false));
        router.get("/metrics").handler(this::metricsEndpoint);
    }

    private void health(RoutingContext ctx, boolean includeReadiness) {
        HttpServerResponse response = ctx.response();
        boolean stopping = this.stopping.getAsBoolean();
        JsonObject transport = new JsonObject().put("webSocketConnections", webSocketConnections.getAsInt())
                .put("stopping", stopping);
        if (!includeReadiness) {
            json(response, stopping ? 503 : 200, new JsonObject().put("status", stopping ? "STOPPING" : "UP")
                    .put("live", !stopping).put("transport", transport));
            return;
        }
        Context context = Vertx.currentContext();
        healthCheck.state().whenComplete((h, failure) -> context.runOnContext(v -> {
            boolean ready = failure == null && h.ready() && !stopping;
            String detail = failure != null ? "health check failed: " + failure
                    : stopping ? "the server is shutting down" : h.detail();
            JsonObject body = new JsonObject()
                    .put("status", ready ? "UP" : "DOWN")
                    .put("live", !stopping)
                    .put("ready", ready)
                    .put("detail", detail)
                    .put("transport", transport);
            if (h != null) {
                body.put("checkedAt", h.checkedAt().toString());
            }
            json(response, ready ? 200 : 503, body);
        }));
    }

    /**
     * Prometheus text. With a {@link VertxSettings#metricsToken()} it needs {@code Authorization: Bearer <token>};
     * with {@link VertxSettings#metricsRequireToken()} and no token configured it is refused, so that store ids and
     * heads are never public on a server whose clients must authenticate.
     */
    private void metricsEndpoint(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        if (settings.metricsToken().isPresent()) {
            String header = Optional.ofNullable(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)).orElse("");
            byte[] presented = (header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : "")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] expected = settings.metricsToken().get().getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(presented, expected)) {
                metrics.connectionRejected("unauthorized");
                response.putHeader("WWW-Authenticate", "Bearer realm=\"eventsync-metrics\"");
                SyncHttpServer.plain(response, 401, "/metrics needs the header Authorization: Bearer <token>, with "
                        + "the server's --metrics-token (or, when it has none and clients must authenticate, its "
                        + "--admin-token)");
                return;
            }
        } else if (settings.metricsRequireToken()) {
            metrics.connectionRejected("unauthorized");
            SyncHttpServer.plain(response, 403, "/metrics is closed because clients must authenticate on this server; "
                    + "configure a metrics token (serve --metrics-token, or --admin-token) and send it as "
                    + "Authorization: Bearer");
            return;
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape());
    }

    private static void json(HttpServerResponse response, int status, JsonObject body) {
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
    }
}
