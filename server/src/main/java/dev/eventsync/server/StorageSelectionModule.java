package dev.eventsync.server;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StorageOptions;
import dev.eventsync.spi.storage.StorageProvider;
import dev.eventsync.spi.storage.StorageUnavailableException;
import jakarta.inject.Provider;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Chooses the {@link EventStore} by name, from configuration: every storage is a binding in a
 * {@link MapBinder} keyed by its name, and one provider picks the configured one (only that one is ever
 * opened). The storages contribute themselves: every {@link StorageProvider} on the classpath
 * ({@link java.util.ServiceLoader}) is bound under its name, so a storage jar on the classpath is selectable
 * with {@code --storage <its name>} without a change here. A deployment may also add one in code with
 * {@link #storages(com.google.inject.Binder)}:
 *
 * <pre>{@code
 * StorageSelectionModule.storages(binder()).addBinding("redis").toProvider(RedisStoreProvider.class);
 * }</pre>
 */
public final class StorageSelectionModule extends AbstractModule {

    private final ServerConfig config;

    public StorageSelectionModule(ServerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The map of storages by name, to add one. */
    public static MapBinder<String, EventStore> storages(com.google.inject.Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, EventStore.class);
    }

    @Override
    protected void configure() {
        bind(ServerConfig.class).toInstance(config);
        MapBinder<String, EventStore> storages = storages(binder());
        for (StorageProvider provider : StorageSpec.onClasspath()) {
            storages.addBinding(provider.name()).toProvider(new Opening(provider, config));
        }
    }

    @Provides
    @Singleton
    EventStore eventStore(Map<String, Provider<EventStore>> storages, ServerConfig config) {
        Provider<EventStore> chosen = storages.get(config.storage().kind());
        if (chosen == null) {
            throw new ConfigurationException("unknown storage '" + config.storage().kind() + "', known: "
                    + String.join(", ", new TreeSet<>(storages.keySet()))
                    + " (for example --storage sqlite:./data/eventsync.db or --storage jdbc:postgresql://host/db;"
                    + " another storage is selectable once its jar is on the classpath)");
        }
        return chosen.get();
    }

    /** Opens the chosen provider's storage with the configured target, credentials and pool size. */
    private static final class Opening implements Provider<EventStore> {
        private final StorageProvider provider;
        private final ServerConfig config;

        Opening(StorageProvider provider, ServerConfig config) {
            this.provider = provider;
            this.config = config;
        }

        @Override
        public EventStore get() {
            StorageOptions options = new StorageOptions(config.storage().target(), config.dbUser(),
                    config.dbPassword(), config.dbPoolSize(), config.changeFeedInterval());
            try {
                return provider.open(options);
            } catch (StorageUnavailableException e) {
                throw new ConfigurationException("cannot reach the database at " + config.storage().describe() + ": "
                        + ConfigurationException.rootMessage(e) + "; check --storage (and --db-user/--db-password)"
                        + " and that the database is running", e);
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                throw new ConfigurationException("cannot open the storage " + config.storage().describe() + ": "
                        + ConfigurationException.rootMessage(e), e);
            }
        }
    }
}
