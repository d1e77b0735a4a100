package dev.eventsync.memory;

import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StorageOptions;
import dev.eventsync.spi.storage.StorageProvider;

/** {@code --storage memory}: an {@link InMemoryEventStore}, for tests and demos; nothing survives the process. */
public final class MemoryStorageProvider implements StorageProvider {

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public EventStore open(StorageOptions options) {
        return new InMemoryEventStore();
    }

    @Override
    public String describe(String target) {
        return "memory (nothing is kept after the process ends)";
    }
}
