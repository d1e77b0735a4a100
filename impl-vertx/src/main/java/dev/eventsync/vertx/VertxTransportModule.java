package dev.eventsync.vertx;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import dev.eventsync.spi.transport.TransportServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;

/**
 * Binds the Vert.x transport: {@link VertxSyncServer} (one per injector) as a {@link TransportServer} in the set
 * of transports the composition root starts and stops, configured by {@link VertxSettings}. Needs a
 * {@code SyncService} binding (install {@code CoreModule} and a storage module).
 *
 * <p>A {@link PrometheusMeterRegistry} is bound by default (one per injector) and exported at
 * {@code GET /metrics}; a deployment that already has one overrides the default with
 * {@code OptionalBinder.newOptionalBinder(binder(), PrometheusMeterRegistry.class).setBinding()...}.
 * Side-effect free: nothing listens until the composition root calls {@link TransportServer#start()}.
 */
public final class VertxTransportModule extends AbstractModule {

    private final VertxSettings settings;

    /** The transport with {@link VertxSettings#defaults()}. */
    public VertxTransportModule() {
        this(VertxSettings.defaults());
    }

    public VertxTransportModule(VertxSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The set of {@link HttpRoutes} the transport serves besides the sync endpoints (empty by default). */
    public static Multibinder<HttpRoutes> routes(com.google.inject.Binder binder) {
        return Multibinder.newSetBinder(binder, HttpRoutes.class);
    }

    @Override
    protected void configure() {
        bind(VertxSettings.class).toInstance(settings);
        routes(binder());
        OptionalBinder.newOptionalBinder(binder(), PrometheusMeterRegistry.class).setDefault()
                .toProvider(() -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).in(Scopes.SINGLETON);
        bind(VertxSyncServer.class).in(Scopes.SINGLETON);
        Multibinder.newSetBinder(binder(), TransportServer.class).addBinding().to(VertxSyncServer.class);
    }
}
