package dev.eventsync.server;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import dev.eventsync.core.EventsyncBinder;
import dev.eventsync.server.admin.AdminDisabled;
import dev.eventsync.server.admin.AdminRoutes;
import dev.eventsync.server.admin.AdminToken;
import dev.eventsync.server.auth.JwtAuthenticator;
import dev.eventsync.server.auth.SharedTokenAuthenticator;
import dev.eventsync.spi.transport.TransportServer;
import dev.eventsync.vertx.VertxSettings;
import dev.eventsync.vertx.VertxTransportModule;
import java.util.Objects;

/**
 * The reference server's choices on top of the engine: limits and authentication from
 * {@link ServerConfig}, and the Vert.x transport (WebSocket + HTTP, health and metrics) on the
 * configured host and port. Transports are a set: a deployment adds its own with
 * {@link #transports(com.google.inject.Binder)}.
 */
public final class ServerModule extends AbstractModule {

    private final ServerConfig config;

    public ServerModule(ServerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public static Multibinder<TransportServer> transports(com.google.inject.Binder binder) {
        return Multibinder.newSetBinder(binder, TransportServer.class);
    }

    @Override
    protected void configure() {
        EventsyncBinder eventsync = EventsyncBinder.of(binder());
        eventsync.limits().toInstance(config.limits());
        eventsync.engineSettings().toInstance(config.engineSettings());
        config.authToken().ifPresent(token -> eventsync.addAuthenticator().toInstance(new SharedTokenAuthenticator(token)));
        config.jwt().ifPresent(jwt -> eventsync.addAuthenticator().toInstance(new JwtAuthenticator(jwt)));
        transports(binder());
        VertxSettings vertx = VertxSettings.defaults().withHost(config.host()).withPort(config.port())
                .withCorsAllowedOrigins(config.http().corsOrigins());
        if (config.http().tlsCert().isPresent() && config.http().tlsKey().isPresent()) {
            vertx = vertx.withTls(new VertxSettings.Tls(config.http().tlsCert().get(), config.http().tlsKey().get()));
        }
        vertx = config.resources().applyTo(vertx, config.authToken().isPresent() || config.jwt().isPresent(),
                config.http().adminToken());
        install(new VertxTransportModule(vertx));
        if (config.http().adminToken().isPresent()) {
            bind(AdminToken.class).toInstance(new AdminToken(config.http().adminToken().get()));
            VertxTransportModule.routes(binder()).addBinding().to(AdminRoutes.class);
        } else {
            VertxTransportModule.routes(binder()).addBinding().to(AdminDisabled.class);
        }
    }
}
