package dev.eventsync.vertx;

import dev.eventsync.spi.transport.SyncService;
import dev.eventsync.spi.transport.TransportServer;
import dev.eventsync.vertx.server.SyncHttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The Vert.x transport as a {@link TransportServer}: serves LiveStore's sync-cf protocol (WebSocket and HTTP,
 * recognised by query parameters on any path) over a {@link SyncService}, plus {@code GET /health} and
 * {@code GET /metrics}. It creates its own {@link Vertx} on {@link #start()} and closes it on {@link #stop}, unless
 * one was given to the {@link Builder}.
 *
 * <p>For a test or a small program: {@code VertxSyncServer.builder(service).settings(s).build().start()} completes
 * with the bound port (use port 0 for a free one).
 */
public final class VertxSyncServer implements TransportServer {

    private final SyncHttpServer server;

    @Inject
    public VertxSyncServer(SyncService service, VertxSettings settings, PrometheusMeterRegistry registry,
                           Set<HttpRoutes> routes) {
        this(service, settings, registry, Optional.empty(), List.copyOf(routes));
    }

    private VertxSyncServer(SyncService service, VertxSettings settings, PrometheusMeterRegistry registry,
                            Optional<Vertx> vertx, List<HttpRoutes> routes) {
        this.server = new SyncHttpServer(Objects.requireNonNull(service, "service"),
                Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(registry, "registry"), vertx,
                routes);
    }

    public static Builder builder(SyncService service) {
        return new Builder(service);
    }

    @Override
    public String name() {
        return "vertx";
    }

    @Override
    public CompletionStage<Integer> start() {
        return server.start();
    }

    @Override
    public CompletionStage<Void> stop(Duration grace) {
        return server.stop(grace);
    }

    /** The bound port, once started. */
    public int port() {
        return server.port();
    }

    /** The registry whose meters {@code GET /metrics} exports. */
    public PrometheusMeterRegistry meterRegistry() {
        return server.registry();
    }

    /** Builds a {@link VertxSyncServer}; everything but the service has a default. */
    public static final class Builder {
        private final SyncService service;
        private VertxSettings settings = VertxSettings.defaults();
        private PrometheusMeterRegistry registry;
        private Vertx vertx;
        private final List<HttpRoutes> routes = new ArrayList<>();

        private Builder(SyncService service) {
            this.service = Objects.requireNonNull(service, "service");
        }

        public Builder settings(VertxSettings value) {
            this.settings = Objects.requireNonNull(value, "settings");
            return this;
        }

        /** Shorthand for {@code settings(settings.withPort(port))}. */
        public Builder port(int port) {
            this.settings = settings.withPort(port);
            return this;
        }

        public Builder meterRegistry(PrometheusMeterRegistry value) {
            this.registry = Objects.requireNonNull(value, "registry");
            return this;
        }

        /** Runs on this Vert.x instead of an own one; the caller then owns (and closes) it. */
        public Builder vertx(Vertx value) {
            this.vertx = Objects.requireNonNull(value, "vertx");
            return this;
        }

        /** Serves these endpoints too (see {@link HttpRoutes}). */
        public Builder routes(HttpRoutes value) {
            routes.add(Objects.requireNonNull(value, "routes"));
            return this;
        }

        public VertxSyncServer build() {
            PrometheusMeterRegistry r = registry != null ? registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            return new VertxSyncServer(service, settings, r, Optional.ofNullable(vertx), routes);
        }
    }
}
