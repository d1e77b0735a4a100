package dev.eventsync.memory;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import dev.eventsync.spi.storage.EventStore;

/** Binds {@link EventStore} to a process-wide {@link InMemoryEventStore}. Side-effect free. */
public final class MemoryStorageModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(EventStore.class).to(InMemoryEventStore.class).in(Scopes.SINGLETON);
    }
}
