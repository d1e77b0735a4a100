package com.example.eventsync;

import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.tck.EventStoreCompatibilityKit;

/** Certifies {@link SnapshotEventStore}: every storage rule of tck/SPEC.md, in one subclass. */
class SnapshotEventStoreCompatibilityTest extends EventStoreCompatibilityKit {

    @Override
    protected EventStore newStore() {
        return new SnapshotEventStore();
    }
}
