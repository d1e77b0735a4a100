/**
 * A custom storage as a user would write one in a separate Maven project: {@link
 * com.example.eventsync.SnapshotEventStore}, an {@link dev.eventsync.spi.storage.EventStore} whose stores are
 * immutable snapshots swapped atomically per store. Its test certifies it with the
 * {@code EventStoreCompatibilityKit}; it is not on any server's classpath.
 */
package com.example.eventsync;
