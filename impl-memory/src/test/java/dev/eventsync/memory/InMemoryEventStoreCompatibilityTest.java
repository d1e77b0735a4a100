package dev.eventsync.memory;

import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.tck.EventStoreCompatibilityKit;

/** Certifies {@link InMemoryEventStore} with the storage compatibility kit (not durable: S-DURABLE-01 is skipped). */
class InMemoryEventStoreCompatibilityTest extends EventStoreCompatibilityKit {

    @Override
    protected EventStore newStore() {
        return new InMemoryEventStore();
    }
}
