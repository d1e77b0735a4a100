package dev.eventsync.jdbc;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import dev.eventsync.spi.storage.EventStore;
import java.util.Objects;

/**
 * Binds {@link EventStore} to one {@link JdbcEventStore} built from {@link JdbcSettings}. Side-effect free:
 * the pool opens and migrations run when the store is first injected; the store is closed by whoever
 * owns the injector's lifecycle (it is {@link AutoCloseable}).
 *
 * <pre>{@code
 * Guice.createInjector(new CoreModule(), JdbcStorageModule.forUrl("jdbc:sqlite:eventsync.db"));
 * }</pre>
 */
public final class JdbcStorageModule extends AbstractModule {

    private final JdbcSettings settings;

    public JdbcStorageModule(JdbcSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A module for {@code jdbcUrl} with default pool settings and no credentials. */
    public static JdbcStorageModule forUrl(String jdbcUrl) {
        return new JdbcStorageModule(JdbcSettings.of(jdbcUrl));
    }

    @Override
    protected void configure() {
        // Fails at injector creation, not at the first push, when the URL names no known database.
        JdbcDialects.forUrl(settings.url());
        bind(JdbcSettings.class).toInstance(settings);
        bind(JdbcEventStore.class).in(Scopes.SINGLETON);
        bind(EventStore.class).to(JdbcEventStore.class);
    }
}
