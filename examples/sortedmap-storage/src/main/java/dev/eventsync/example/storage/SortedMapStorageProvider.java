package dev.eventsync.example.storage;

import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StorageOptions;
import dev.eventsync.spi.storage.StorageProvider;

/**
 * Makes {@link SortedMapEventStore} selectable as {@code --storage sortedmap}: listed in
 * {@code META-INF/services/dev.eventsync.spi.storage.StorageProvider}, found by the server on its classpath.
 */
public final class SortedMapStorageProvider implements StorageProvider {

    @Override
    public String name() {
        return "sortedmap";
    }

    @Override
    public EventStore open(StorageOptions options) {
        return new SortedMapEventStore();
    }

    @Override
    public String describe(String target) {
        return "sortedmap (the README's example storage; in memory)";
    }
}
