package dev.eventsync.example.storage;

import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.tck.EventStoreCompatibilityKit;

/** Certifies the README's example provider with the storage kit: the whole of it, in a few lines. */
class SortedMapEventStoreCompatibilityTest extends EventStoreCompatibilityKit {

    @Override
    protected EventStore newStore() {
        return new SortedMapEventStore();
    }
}
