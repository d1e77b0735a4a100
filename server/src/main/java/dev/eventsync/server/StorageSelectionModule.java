package dev.eventsync.server;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import dev.eventsync.jdbc.JdbcEventStore;
import dev.eventsync.jdbc.JdbcSettings;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StorageUnavailableException;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Chooses the {@link EventStore} by name, from configuration: every storage is a binding in a
 * {@link MapBinder} keyed by its name, and one provider picks the configured one (only that one is ever
 * created). A deployment adds its own storage with {@link #storages(com.google.inject.Binder)}:
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
        storages.addBinding("memory").toProvider(InMemoryEventStore::new);
        storages.addBinding("sqlite").toProvider(JdbcStoreProvider.class);
        storages.addBinding("postgres").toProvider(JdbcStoreProvider.class);
        storages.addBinding("mariadb").toProvider(JdbcStoreProvider.class);
    }

    @Provides
    @Singleton
    EventStore eventStore(Map<String, Provider<EventStore>> storages, ServerConfig config) {
        Provider<EventStore> chosen = storages.get(config.storage().kind());
        if (chosen == null) {
            throw new ConfigurationException("unknown storage '" + config.storage().kind() + "', known: "
                    + String.join(", ", new TreeSet<>(storages.keySet()))
                    + " (for example --storage sqlite:./data/eventsync.db or --storage jdbc:postgresql://host/db)");
        }
        return chosen.get();
    }

    /** Opens a {@link JdbcEventStore} for the configured URL, credentials and pool size. */
    static final class JdbcStoreProvider implements Provider<EventStore> {
        private final ServerConfig config;

        @Inject
        JdbcStoreProvider(ServerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        @Override
        public EventStore get() {
            String url = config.storage().target();
            if (url.startsWith("jdbc:sqlite:")) {
                createParentDirectory(Path.of(url.substring("jdbc:sqlite:".length())));
            }
            JdbcSettings settings = JdbcSettings.of(url).withMaximumPoolSize(config.dbPoolSize())
                    .withChangeFeedInterval(config.changeFeedInterval());
            if (config.dbUser().isPresent()) {
                settings = settings.withCredentials(config.dbUser().get(), config.dbPassword().orElse(""));
            }
            try {
                return JdbcEventStore.open(settings);
            } catch (StorageUnavailableException e) {
                throw new ConfigurationException("cannot reach the database at " + config.storage().describe() + ": "
                        + ConfigurationException.rootMessage(e) + "; check --storage (and --db-user/--db-password) and that the database is running",
                        e);
            }
        }

        private static void createParentDirectory(Path file) {
            Path parent = file.toAbsolutePath().getParent();
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new ConfigurationException("cannot create the data directory " + parent + ": " + e.getMessage()
                        + "; choose a writable place with --storage sqlite:<path>", e);
            }
        }
    }
}
