package dev.eventsync.server;

import com.google.inject.Guice;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.eventsync.core.CoreModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The composition root: assembles a server from modules. The defaults are the reference server (the
 * engine, the storage named by {@link ServerConfig#storage()}, the Vert.x transport); add modules to
 * contribute hooks or storages, and override modules to replace parts:
 *
 * <pre>{@code
 * try (EventsyncServer server = Eventsync.builder()
 *         .config(ServerConfig.defaults().withStorage(StorageSpec.parse("memory")))
 *         .module(binder -> EventsyncBinder.of(binder).addPushInterceptor().to(BanList.class))
 *         .build()
 *         .start()) {
 *     ...
 * }
 * }</pre>
 */
public final class Eventsync {

    private Eventsync() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens just the storage named by {@code config} (for tools that read it directly); the caller closes
     * it. Fails with a one-line {@link ConfigurationException} when it cannot.
     */
    public static dev.eventsync.spi.storage.EventStore openStorage(ServerConfig config) {
        com.google.inject.Injector injector = Guice.createInjector(new StorageSelectionModule(config));
        try {
            return injector.getInstance(dev.eventsync.spi.storage.EventStore.class);
        } catch (com.google.inject.ProvisionException e) {
            throw ConfigurationException.from(e, "could not open the storage " + config.storage().describe());
        }
    }

    /** Collects the configuration and modules of a server. */
    public static final class Builder {
        private ServerConfig config = ServerConfig.defaults();
        private final List<Module> modules = new ArrayList<>();
        private final List<Module> overrides = new ArrayList<>();

        private Builder() {
        }

        public Builder config(ServerConfig value) {
            this.config = Objects.requireNonNull(value, "config");
            return this;
        }

        /** Adds a module (hooks through {@code EventsyncBinder}, more storages or transports). */
        public Builder module(Module module) {
            modules.add(Objects.requireNonNull(module, "module"));
            return this;
        }

        /** Replaces bindings of the default modules, the way tests swap whole parts. */
        public Builder override(Module module) {
            overrides.add(Objects.requireNonNull(module, "module"));
            return this;
        }

        public EventsyncServer build() {
            List<Module> all = new ArrayList<>();
            all.add(new CoreModule());
            all.add(new StorageSelectionModule(config));
            all.add(new ServerModule(config));
            all.addAll(modules);
            Module root = overrides.isEmpty() ? Modules.combine(all) : Modules.override(all).with(overrides);
            return new EventsyncServer(Guice.createInjector(root), config);
        }
    }
}
